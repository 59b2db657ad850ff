@testable import Analysis
import Random
import XCTest

/// The Hodges–Lehmann interval for a shift: its exact coverage from the Mann-Whitney
/// distribution, checked by hand and over seeded trials.
final class ShiftIntervalTests: XCTestCase {
    func testFewRunsGiveTheWidestIntervalAndSayItsCoverage() throws {
        // 3 against 3: 20 arrangements, P(U ≤ 0) = 1/20, so min–max of the 9 differences
        // covers 90 % and nothing narrower reaches 95 %.
        let interval = try XCTUnwrap(ShiftInterval.difference(baseline: [1, 2, 3], candidate: [11, 12, 14], level: 0.95))
        XCTAssertEqual(interval.lower, 8)
        XCTAssertEqual(interval.upper, 13)
        XCTAssertEqual(interval.coverage, 0.9, accuracy: 1e-12)
        XCTAssertNil(ShiftInterval.difference(baseline: [1], candidate: [2, 3], level: 0.95), "no interval from one run")

        // 8 against 8: the narrowest with coverage ≥ 95 %: k = 14, 1 − 2·P(U ≤ 13) = 0.9501
        // (k = 15 would cover less than 95 %).
        let x = (0..<8).map(Double.init), y = (0..<8).map { Double($0) + 0.5 }
        let eight = try XCTUnwrap(ShiftInterval.difference(baseline: x, candidate: y, level: 0.95))
        XCTAssertGreaterThanOrEqual(eight.coverage, 0.95)
        let cdf = Ranks.mannWhitneyNullCDF(8, 8)
        XCTAssertLessThan(1 - 2 * cdf[14], 0.95, "one rank narrower would not reach 95 %")
        XCTAssertEqual(eight.coverage, 0.9501165501165502, accuracy: 1e-12)

        let ratio = try XCTUnwrap(ShiftInterval.ratio(baseline: [100, 110, 90], candidate: [130, 140, 120], level: 0.95))
        XCTAssertEqual(ratio.lower, 120 / 110, accuracy: 1e-12)
        XCTAssertEqual(ratio.upper, 140 / 90, accuracy: 1e-12)
        XCTAssertNil(ShiftInterval.ratio(baseline: [0, 1], candidate: [1, 2], level: 0.95))
    }

    /// Over 1000 seeded trials of a lognormal shifted by a known amount, the interval
    /// covers the shift at least as often as it says (within the trials' sampling error).
    func testTheStatedCoverageHoldsOverSeededTrials() {
        for (m, n) in [(3, 3), (5, 5), (8, 8), (4, 10)] {
            var covered = 0, stated = 0.0
            for trial in 0..<1000 {
                let random = GSLRandom(seed: UInt64(1000 * m + n) &+ UInt64(trial))
                let x = (0..<m).map { _ in random.lognormal(zeta: 0, sigma: 0.5) }
                let y = (0..<n).map { _ in random.lognormal(zeta: 0, sigma: 0.5) + 0.3 }
                guard let interval = ShiftInterval.difference(baseline: x, candidate: y, level: 0.95) else { continue }
                stated = interval.coverage
                if interval.lower <= 0.3 && 0.3 <= interval.upper { covered += 1 }
            }
            let rate = Double(covered) / 1000
            // Three binomial standard errors below the stated coverage.
            let slack = 3 * (stated * (1 - stated) / 1000).squareRoot()
            XCTAssertGreaterThanOrEqual(rate, stated - slack, "\(m) vs \(n): covered \(rate), stated \(stated)")
        }
    }
}
