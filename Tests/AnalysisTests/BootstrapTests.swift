@testable import Analysis
import Foundation
import XCTest

/// Two checks against SciPy:
///
/// 1. Exact: the reference script replays GSLRandom's mt19937 draws in NumPy, so for the
///    same seed it holds the very bootstrap distribution Swift draws, and applies
///    scipy.stats.bootstrap's percentile / BCa rules to it. Swift must match to 1e-9.
/// 2. Against scipy.stats.bootstrap itself (its own RNG, 200 000 resamples): Swift at
///    10 000 resamples must lie within `scipyTolerance` of each endpoint — the larger of
///    2 % of the interval width and 4 Monte Carlo standard deviations of a 10 000-resample
///    endpoint (the script measures that sd over 40 seeds; it is 0.1–4 % of the width,
///    largest for the median of 60 values, whose bootstrap distribution is lumpy).
final class BootstrapTests: XCTestCase {
    private let reference = Reference.shared

    private func statistic(_ name: String) -> ([Double]) -> Double {
        switch name {
        case "mean": return Descriptive.mean
        case "median": return Descriptive.median
        case "p90": return { Descriptive.quantile($0, 0.9) }
        default: fatalError("unknown statistic \(name)")
        }
    }

    private func run(_ c: Reference.BootstrapCase, method: Bootstrap.Method, resamples: Int) -> Reported<ConfidenceInterval> {
        let f = statistic(c.statistic)
        let samples = c.samples.map { reference[$0] }
        switch c.kind {
        case "one": return Bootstrap.interval(samples[0], statistic: f, level: c.level, resamples: resamples, method: method, seed: c.seed)
        case "ratio": return Bootstrap.ratioInterval(samples[0], samples[1], statistic: f, level: c.level, resamples: resamples, method: method, seed: c.seed)
        default: return Bootstrap.differenceInterval(samples[0], samples[1], statistic: f, level: c.level, resamples: resamples, method: method, seed: c.seed)
        }
    }

    func testSameDrawsGiveSciPysIntervalsExactly() throws {
        for c in reference.bootstrap {
            for (method, expected) in [(Bootstrap.Method.percentile, c.percentileExact), (.bca, c.bcaExact)] {
                let label = "\(c.samples) \(c.kind) \(c.statistic) \(method)"
                let interval = try XCTUnwrap(run(c, method: method, resamples: c.exactResamples).valueOrNil, label)
                assertClose(interval.lower, expected[0], label + " lower")
                assertClose(interval.upper, expected[1], label + " upper")
                XCTAssertEqual(interval.level, c.level)
            }
        }
    }

    func testWithinMonteCarloToleranceOfSciPyBootstrap() throws {
        for c in reference.bootstrap {
            for (method, expected, sd) in [(Bootstrap.Method.percentile, c.percentileScipy, c.percentileMonteCarloSdOverWidth),
                                           (.bca, c.bcaScipy, c.bcaMonteCarloSdOverWidth)] {
                let label = "\(c.samples) \(c.kind) \(c.statistic) \(method)"
                let interval = try XCTUnwrap(run(c, method: method, resamples: c.swiftResamples).valueOrNil, label)
                let width = expected[1] - expected[0]
                let ends = [("lower", interval.lower, expected[0], sd[0]), ("upper", interval.upper, expected[1], sd[1])]
                for (name, actual, target, endSd) in ends {
                    let tolerance = Swift.max(0.02, 4 * endSd) * width
                    // Logged so a drift towards the tolerance is visible before it fails.
                    print(String(format: "bootstrap vs scipy: %@ %@ off by %.2f %% of width (tolerance %.2f %%)",
                                 label, name, abs(actual - target) / width * 100, tolerance / width * 100))
                    XCTAssertLessThanOrEqual(abs(actual - target), tolerance,
                        "\(label) \(name): \(actual) vs scipy \(target) (\(abs(actual - target) / width * 100) % of width)")
                }
            }
        }
    }

    func testSameSeedSameIntervalOtherSeedOtherInterval() {
        let data = reference["latencyA"]
        for method in [Bootstrap.Method.percentile, .bca] {
            let a = Bootstrap.interval(data, statistic: Descriptive.median, resamples: 2000, method: method, seed: 42)
            let b = Bootstrap.interval(data, statistic: Descriptive.median, resamples: 2000, method: method, seed: 42)
            let c = Bootstrap.interval(data, statistic: Descriptive.mean, resamples: 2000, method: method, seed: 43)
            let d = Bootstrap.interval(data, statistic: Descriptive.mean, resamples: 2000, method: method, seed: 44)
            XCTAssertEqual(a, b)
            XCTAssertNotEqual(c, d)
        }
        let x = reference["latencyA"], y = reference["latencyC"]
        XCTAssertEqual(Bootstrap.ratioInterval(x, y, statistic: { Descriptive.quantile($0, 0.9) }, resamples: 500, seed: 9),
                       Bootstrap.ratioInterval(x, y, statistic: { Descriptive.quantile($0, 0.9) }, resamples: 500, seed: 9))
    }

    func testInsufficientAndDegenerateInputs() throws {
        XCTAssertEqual(Bootstrap.interval([1], statistic: Descriptive.mean, seed: 1).description, "insufficient data (n = 1)")
        XCTAssertEqual(Bootstrap.interval([], statistic: Descriptive.mean, seed: 1).description, "insufficient data (n = 0)")
        XCTAssertEqual(Bootstrap.ratioInterval([1], [2, 3], statistic: Descriptive.mean, seed: 1).description, "insufficient data (n = 1 and 2)")
        // Identical values: a degenerate interval, not NaN, for both methods.
        for method in [Bootstrap.Method.percentile, .bca] {
            let same = try XCTUnwrap(Bootstrap.interval([4, 4, 4, 4], statistic: Descriptive.mean, resamples: 200, method: method, seed: 1).valueOrNil)
            XCTAssertEqual(same.lower, 4)
            XCTAssertEqual(same.upper, 4)
        }
        // A ratio whose denominator can resample to 0.
        XCTAssertEqual(Bootstrap.ratioInterval([0, 1], [2, 3], statistic: Descriptive.median, resamples: 200, seed: 1).isInsufficient, true)
    }
}
