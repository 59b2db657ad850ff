@testable import Analysis
import XCTest

final class EffectSizeTests: XCTestCase {
    func testHodgesLehmannAndCliffsDeltaMatchReference() throws {
        let reference = Reference.shared
        for c in reference.effectSize {
            let label = "\(c.x) vs \(c.y) at \(c.level)"
            let hl = try XCTUnwrap(EffectSize.hodgesLehmann(reference[c.x], reference[c.y], level: c.level).valueOrNil, label)
            assertClose(hl.estimate, c.estimate, label + " estimate")
            XCTAssertEqual(hl.method.rawValue, c.method, label)
            XCTAssertEqual(hl.rank, c.k, label + " k")
            if let lower = c.lower, let upper = c.upper, let achieved = c.achievedLevel {
                let interval = try XCTUnwrap(hl.interval.valueOrNil, label)
                assertClose(interval.lower, lower, label + " lower")
                assertClose(interval.upper, upper, label + " upper")
                XCTAssertEqual(interval.level, c.level)
                assertClose(hl.achievedLevel.valueOrNil, achieved, label + " achieved level")
                if c.method == "exact" { XCTAssertGreaterThanOrEqual(achieved, c.level, label) }
            } else {
                XCTAssertTrue(hl.interval.isInsufficient, label)
            }
            assertClose(EffectSize.cliffsDelta(reference[c.x], reference[c.y]).valueOrNil, c.cliffsDelta, label + " δ")
        }
    }

    func testSmallSamplesHaveAnEstimateButNoInterval() throws {
        let hl = try XCTUnwrap(EffectSize.hodgesLehmann([1, 2], [3, 5]).valueOrNil)
        XCTAssertEqual(hl.estimate, 2.5)   // differences 1, 2, 3, 4
        XCTAssertEqual(hl.interval.description, "insufficient data (n = 2 and 2 cannot reach a 95.0 % interval)")
        let one = try XCTUnwrap(EffectSize.hodgesLehmann([1], [4, 6, 8]).valueOrNil)
        XCTAssertEqual(one.estimate, 5)
        XCTAssertEqual(one.interval.description, "insufficient data (n = 1 and 3)")
        XCTAssertEqual(EffectSize.hodgesLehmann([], [1]).isInsufficient, true)
    }

    func testCliffsDeltaExtremesAndTies() {
        XCTAssertEqual(EffectSize.cliffsDelta([1, 2], [3, 4]).valueOrNil, 1)
        XCTAssertEqual(EffectSize.cliffsDelta([3, 4], [1, 2]).valueOrNil, -1)
        XCTAssertEqual(EffectSize.cliffsDelta([5, 5, 5], [5, 5]).valueOrNil, 0)
        XCTAssertEqual(EffectSize.cliffsDelta([], [5]).description, "insufficient data (n = 0 and 1)")
    }
}
