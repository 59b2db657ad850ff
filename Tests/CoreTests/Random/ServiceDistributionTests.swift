@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

final class ServiceDistributionTests: XCTestCase {
    private func moments(_ distribution: ServiceDistribution, seed: UInt64, n: Int = 200_000) -> (mean: Double, sd: Double) {
        let random = GSLRandom(seed: seed)
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<n {
            let x = Double(distribution.sample(random))
            sum += x
            sumSquares += x * x
        }
        let mean = sum / Double(n)
        return (mean, max(sumSquares / Double(n) - mean * mean, 0).squareRoot())
    }

    /// Sample mean and sd match the parameters the user gave, for every family, over
    /// several seeds (the failing seed is named).
    func testSamplesHaveTheRequestedMeanAndStandardDeviation() {
        let cases: [(ServiceDistribution, mean: Double, sd: Double)] = [
            (.constant(.milliseconds(50)), 50e6, 0),
            (.uniform(low: .milliseconds(10), high: .milliseconds(30)), 20e6, 20e6 / 12.0.squareRoot()),
            (.exponential(mean: .milliseconds(20)), 20e6, 20e6),
            (.lognormal(mean: .milliseconds(20), sd: .milliseconds(5)), 20e6, 5e6),
            (.gamma(mean: .milliseconds(500), sd: .milliseconds(100)), 500e6, 100e6),
        ]
        for seed in UInt64(1)...3 {
            for (distribution, mean, sd) in cases {
                let m = moments(distribution, seed: seed)
                XCTAssertEqual(m.mean, mean, accuracy: mean * 0.01, "\(distribution) seed \(seed): mean")
                XCTAssertEqual(m.sd, sd, accuracy: max(sd * 0.03, 1), "\(distribution) seed \(seed): sd")
                XCTAssertEqual(distribution.meanNanos, mean, accuracy: 1)
            }
        }
    }

    func testSameSeedSameDrawsAndDifferentSeedsDiffer() {
        let d = ServiceDistribution.lognormal(mean: .milliseconds(20), sd: .milliseconds(5))
        let a = GSLRandom(seed: 42), b = GSLRandom(seed: 42), c = GSLRandom(seed: 43)
        let drawsA = (0..<100).map { _ in d.sample(a) }
        XCTAssertEqual(drawsA, (0..<100).map { _ in d.sample(b) })
        XCTAssertNotEqual(drawsA, (0..<100).map { _ in d.sample(c) })
    }

    func testSeedDerivationSeparatesPaths() {
        XCTAssertEqual(SeedSequence.derive(1, 2, 3), SeedSequence.derive(1, 2, 3))
        XCTAssertNotEqual(SeedSequence.derive(1, 2, 3), SeedSequence.derive(1, 3, 2))
        XCTAssertNotEqual(SeedSequence.derive(1, 2), SeedSequence.derive(2, 2))
    }

    func testParsesEveryFamily() throws {
        XCTAssertEqual(try ServiceDistribution.parse("50ms"), .constant(.milliseconds(50)))
        XCTAssertEqual(try ServiceDistribution.parse("constant(1.5s)"), .constant(.seconds(1.5)))
        XCTAssertEqual(try ServiceDistribution.parse("uniform(10ms, 30ms)"), .uniform(low: .milliseconds(10), high: .milliseconds(30)))
        XCTAssertEqual(try ServiceDistribution.parse("exponential(20ms)"), .exponential(mean: .milliseconds(20)))
        XCTAssertEqual(try ServiceDistribution.parse("lognormal(20ms,5ms)"), .lognormal(mean: .milliseconds(20), sd: .milliseconds(5)))
        XCTAssertEqual(try ServiceDistribution.parse("gamma(500ms,100ms)"), .gamma(mean: .milliseconds(500), sd: .milliseconds(100)))
        for d in [ServiceDistribution.constant(.milliseconds(50)), .lognormal(mean: .milliseconds(20), sd: .microseconds(500))] {
            XCTAssertEqual(try ServiceDistribution.parse(d.description), d, "description round-trips")
        }
    }

    /// An empirical distribution's description summarises its values; what is stored lists
    /// every one, so a calibrated scenario reads back whole (and its identity covers them).
    func testEmpiricalValuesSurviveStorage() throws {
        let measured = ServiceDistribution.empirical(samples: [10_123_649, 9_870_001, 10_500_000])
        XCTAssertEqual(try ServiceDistribution.parse("empirical(10ms, 20ms)"), .empirical(samples: [10_000_000, 20_000_000]))
        XCTAssertTrue(measured.description.hasPrefix("empirical(3 samples, mean "), measured.description)
        let worker = WorkerSpec(name: "light", cost: .offload(measured))
        let json = try JSONEncoder().encode(worker)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("offload:empirical(10123649ns,9870001ns,10500000ns)"))
        XCTAssertEqual(try JSONDecoder().decode(WorkerSpec.self, from: json), worker)
    }

    func testRejectsMalformedDistributions() {
        for text in ["empirical()", "lognormal(20ms)", "gamma(20ms,0ms)", "uniform(30ms,10ms)", "weibull(1ms,2ms)", "lognormal(20ms,5ms", "fast", "exponential(0s)", "-5ms"] {
            XCTAssertThrowsError(try ServiceDistribution.parse(text), text)
        }
    }

    func testDurationsParseWithUnitsAndRejectNegativesAndGarbage() throws {
        XCTAssertEqual(try Duration.parse("50ms").nanoseconds, 50_000_000)
        XCTAssertEqual(try Duration.parse("1.5s").nanoseconds, 1_500_000_000)
        XCTAssertEqual(try Duration.parse("200us").nanoseconds, 200_000)
        XCTAssertEqual(try Duration.parse("750ns").nanoseconds, 750)
        XCTAssertEqual(try Duration.parse("2m").nanoseconds, 120_000_000_000)
        XCTAssertEqual(try Duration.parse("0s").nanoseconds, 0)
        XCTAssertThrowsError(try Duration.parse("-1s")) { XCTAssertTrue("\($0)".contains("negative")) }
        for bad in ["10", "s", "ten s", "1e30s", "5 parsecs", ""] {
            XCTAssertThrowsError(try Duration.parse(bad), bad)
        }
        XCTAssertEqual(Duration.milliseconds(50).description, "50ms")
        XCTAssertEqual(Duration.seconds(1.5).description, "1.5s")
        for nanos: UInt64 in [1, 999, 1_000, 1_500, 2_000_001, 33_333_333, 1_000_000_000, 1_234_567_000, 90_000_000_000] {
            let d = Duration(nanoseconds: nanos)
            XCTAssertEqual(try Duration.parse(d.description), d, "\(nanos) ns round-trips through '\(d)'")
        }
    }
}

extension Duration {
    static func microseconds(_ value: Double) -> Duration { Duration(nanoseconds: UInt64(value * 1e3)) }
}
