@testable import Analysis
import XCTest

final class DescriptiveTests: XCTestCase {
    func testMomentsMedianQuantilesMatchNumPy() {
        let reference = Reference.shared
        for c in reference.descriptive {
            let data = reference[c.data]
            XCTAssertEqual(Descriptive.count(data), c.count)
            assertClose(Descriptive.mean(data), c.mean, "\(c.data) mean")
            assertClose(Descriptive.variance(data).valueOrNil, c.variance, "\(c.data) variance")
            assertClose(Descriptive.standardDeviation(data).valueOrNil, c.sd, "\(c.data) sd")
            assertClose(Descriptive.median(data), c.median, "\(c.data) median")
            assertClose(Descriptive.min(data), c.min, "\(c.data) min")
            assertClose(Descriptive.max(data), c.max, "\(c.data) max")
            for pair in c.quantiles {
                assertClose(Descriptive.quantile(data, pair[0]), pair[1], "\(c.data) quantile \(pair[0])")
            }
        }
    }

    func testSummaryReportsTailPercentilesOnlyWithEnoughData() throws {
        let data = Reference.shared["latencyC"]  // n = 250: p90 yes, p99 no
        let summary = try XCTUnwrap(Descriptive.summary(data).valueOrNil)
        XCTAssertEqual(summary.count, 250)
        assertClose(summary.p90.valueOrNil, Descriptive.quantile(data, 0.9))
        XCTAssertEqual(summary.p99.description, "insufficient data (n = 250; p99 needs 500)")
        XCTAssertEqual(summary.p999.description, "insufficient data (n = 250; p99.9 needs 5000)")
        XCTAssertEqual(Descriptive.percentile(99, of: data).isInsufficient, true)
        assertClose(Descriptive.percentile(50, of: data).valueOrNil, Descriptive.median(data))
    }

    func testEmptyAndSingleObservation() throws {
        XCTAssertEqual(Descriptive.summary([]).description, "insufficient data (n = 0)")
        XCTAssertEqual(Descriptive.percentile(50, of: []).description, "insufficient data (n = 0)")
        XCTAssertEqual(Descriptive.variance([]).description, "insufficient data (n = 0)")
        XCTAssertEqual(Descriptive.variance([3]).description, "insufficient data (n = 1)")
        let one = try XCTUnwrap(Descriptive.summary([3]).valueOrNil)
        XCTAssertEqual(one.mean, 3)
        XCTAssertEqual(one.median, 3)
        XCTAssertEqual(one.standardDeviation.description, "insufficient data (n = 1)")
        XCTAssertEqual(Descriptive.summary([1, .nan]).description, "insufficient data (non-finite values in the sample)")
        XCTAssertEqual(Descriptive.percentile(50, of: [1, 2, 3]).description, "insufficient data (n = 3; p50 needs 10)")
    }

    func testIdenticalValues() {
        let same = [Double](repeating: 7, count: 20)
        XCTAssertEqual(Descriptive.variance(same).valueOrNil, 0)
        XCTAssertEqual(Descriptive.quantile(same, 0.99), 7)
        XCTAssertEqual(Descriptive.summary(same).valueOrNil?.standardDeviation, .value(0))
    }
}
