@testable import Analysis
import Foundation
import Random
import XCTest

/// The order-statistic intervals of the median: their ranks and exact coverage, and that
/// coverage measured over 1000 seeded trials.
final class MedianIntervalTests: XCTestCase {
    /// P(Bin(n, ½) < r) summed by hand, to check GSL's CDF and the ranks chosen.
    private func exactTail(_ n: Int, _ r: Int) -> Double {
        var sum = 0.0, term = 1.0  // C(n, 0)
        for k in 0..<r {
            sum += term
            term = term * Double(n - k) / Double(k + 1)
        }
        return sum / pow(2, Double(n))
    }

    func testCoverageIsOneMinusTwiceTheBinomialTail() {
        for n in 2...40 {
            for r in 1...((n + 1) / 2) {
                XCTAssertEqual(MedianInterval.tailMiss(n: n, rank: r), exactTail(n, r), accuracy: 1e-12, "n = \(n), r = \(r)")
            }
        }
        // The figures the report prints: min–max of 3 covers 75 %, of 5 93.75 %.
        XCTAssertEqual(MedianInterval.coverage(n: 3, rank: 1), 0.75, accuracy: 1e-15)
        XCTAssertEqual(MedianInterval.coverage(n: 5, rank: 1), 0.9375, accuracy: 1e-15)
        XCTAssertEqual(MedianInterval.oneSidedCoverage(n: 3, rank: 1), 0.875, accuracy: 1e-15)
        XCTAssertEqual(MedianInterval.coverage(n: 3, rank: 2), 0, "the sample median alone")
    }

    func testTheRankIsTheNarrowestReachingTheLevel() {
        // n: (rank, coverage) at 95 %: below 6 runs no interval reaches it, min–max is used.
        let expected: [Int: (Int, Double)] = [
            2: (1, 0.5), 3: (1, 0.75), 4: (1, 0.875), 5: (1, 0.9375), 6: (1, 0.96875), 8: (1, 1 - 2.0 / 256),
            10: (2, 1 - 2 * 11.0 / 1024), 20: (6, 1 - 2 * 21700.0 / 1_048_576),
        ]
        for (n, (rank, coverage)) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(MedianInterval.rank(n: n, level: 0.95), rank, "n = \(n)")
            XCTAssertEqual(MedianInterval.coverage(n: n, rank: rank), coverage, accuracy: 1e-12, "n = \(n)")
        }
        let interval = MedianInterval.interval([3, 1, 2], level: 0.95).valueOrNil
        XCTAssertEqual(interval?.lower, 1)
        XCTAssertEqual(interval?.upper, 3)
        XCTAssertEqual(interval?.level ?? 0, 0.75, accuracy: 1e-12, "the level is the coverage reached, not the one asked for")
        XCTAssertEqual(MedianInterval.interval([1]).description, "insufficient data (n = 1)")
        XCTAssertEqual(coverageText(0.75), "75 %")
        XCTAssertEqual(coverageText(0.9375), "93.7 %", "truncated, never rounded up")
        XCTAssertEqual(coverageText(1 - 2.0 / 256), "99.2 %")
    }

    /// Must show: over 1000 seeded trials per case, the intervals cover the true median at
    /// least as often as stated, within binomial sampling error (4 standard errors of a
    /// proportion over 1000 trials, so a correct routine fails about once in 30 000 runs
    /// of the suite); and not far more often either, since the coverage is exact.
    func testCoverageOverSeededTrialsIsTheStatedOne() {
        let trials = 1000
        let distributions: [(String, Double, (GSLRandom) -> Double)] = [
            ("lognormal(0, 0.5)", 1, { $0.lognormal(zeta: 0, sigma: 0.5) }),
            ("exponential(1)", log(2), { $0.exponential(mean: 1) }),
        ]
        var table = "distribution        n  rank  stated   measured\n"
        for (name, median, draw) in distributions {
            for n in [3, 5, 10, 20] {
                let seed = SeedSequence.derive(17, UInt64(n), name == distributions[0].0 ? 1 : 2)
                let random = GSLRandom(seed: seed)
                var covered = 0, stated = 0.0
                for _ in 0..<trials {
                    let sample = (0..<n).map { _ in draw(random) }
                    guard case .value(let interval) = MedianInterval.interval(sample, level: 0.95) else { return XCTFail("n = \(n)") }
                    stated = interval.level
                    if interval.contains(median) { covered += 1 }
                }
                let measured = Double(covered) / Double(trials)
                let standardError = (stated * (1 - stated) / Double(trials)).squareRoot()
                table += name.padding(toLength: 18, withPad: " ", startingAt: 0)
                    + String(format: " %2d  %4d  %6.2f %%  %6.1f %%\n", n, MedianInterval.rank(n: n, level: 0.95), stated * 100, measured * 100)
                XCTAssertGreaterThanOrEqual(measured, stated - 4 * standardError, "\(name), n = \(n), seed \(seed): \(covered) of \(trials)")
                XCTAssertLessThanOrEqual(measured, stated + 4 * standardError, "\(name), n = \(n), seed \(seed): \(covered) of \(trials)")
            }
        }
        print(table)
    }

    /// Why the checkpoint left the percentile bootstrap: from 3 runs, the "95 %" interval of
    /// the median it returns is the sample's min–max, whose coverage is 75 %.
    func testThePercentileBootstrapOfThreeRunsIsMinToMax() {
        let random = GSLRandom(seed: 5)
        for trial in 0..<20 {
            let sample = (0..<3).map { _ in random.lognormal(zeta: 0, sigma: 0.5) }
            let bootstrap = Bootstrap.interval(sample, statistic: Descriptive.median, level: 0.95, resamples: 2000,
                                               method: .percentile, seed: UInt64(trial)).valueOrNil
            // The ends are interpolated between equal bootstrap values: equal up to rounding.
            XCTAssertEqual(bootstrap?.lower ?? .nan, sample.min()!, accuracy: 1e-12, "trial \(trial)")
            XCTAssertEqual(bootstrap?.upper ?? .nan, sample.max()!, accuracy: 1e-12, "trial \(trial)")
            XCTAssertEqual(bootstrap?.level, 0.95, "labelled 95 %")
            XCTAssertEqual(MedianInterval.interval(sample).valueOrNil?.level ?? 0, 0.75, accuracy: 1e-12, "the same ends cover 75 %")
        }
    }
}
