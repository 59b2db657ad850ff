@testable import Analysis
import Foundation
import XCTest

final class ValidityTests: XCTestCase {
    func testMinimumSamplesForTheDefaultTail() {
        XCTAssertEqual(Validity.minimumSamples(percentile: 50), 10)
        XCTAssertEqual(Validity.minimumSamples(percentile: 90), 50)
        XCTAssertEqual(Validity.minimumSamples(percentile: 99), 500)
        XCTAssertEqual(Validity.minimumSamples(percentile: 99.9), 5000)
        XCTAssertEqual(Validity.minimumSamples(percentile: 99.99), 50_000)
        XCTAssertEqual(Validity.minimumSamples(percentile: 95, tail: 1), 20)
        XCTAssertEqual(Validity.minimumSamples(percentile: 75, tail: 3), 12)
        XCTAssertEqual(Validity.minimumSamples(percentile: 70, tail: 1), 4)  // 3.33… rounds up
    }

    func testSupports() {
        XCTAssertTrue(Validity.supports(percentile: 99, samples: 500))
        XCTAssertFalse(Validity.supports(percentile: 99, samples: 499))
        XCTAssertFalse(Validity.supports(percentile: 50, samples: 1))
        XCTAssertTrue(Validity.supports(percentile: 99.9, samples: 5000))
    }

    func testReportedPrintsInsufficientData() {
        let few: Reported<Double> = .insufficient("n = 1")
        XCTAssertEqual(few.description, "insufficient data (n = 1)")
        XCTAssertEqual(few.formatted { String(format: "%.1f ms", $0) }, "insufficient data (n = 1)")
        XCTAssertEqual(Reported.value(2.5).formatted { String(format: "%.1f ms", $0) }, "2.5 ms")
        XCTAssertEqual(Reported.value(2).map { $0 * 2 }, .value(4))
        XCTAssertNil(few.valueOrNil)
    }
}
