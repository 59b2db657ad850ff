@testable import ScaleBenchCore
@testable import Orchestration
import Random
import XCTest

/// Measured demands drawn in the order they were served (`sequence`), and how a kind's
/// instances take turns along them.
final class SequenceDistributionTests: XCTestCase {
    private let values: [UInt64] = [10, 20, 30, 40, 50, 60, 70].map { $0 * 1_000_000 }

    /// One instance reads the values in order from its start, wrapping at the end; the
    /// generator is not consulted (the same draws whatever its seed).
    func testAnInstanceReadsTheValuesInOrderFromItsStart() {
        let sampler = ServiceDistribution.Sampler(.sequence(samples: values), position: SequencePosition(start: 5, stride: 1))
        let random = GSLRandom(seed: 1)
        XCTAssertEqual((0..<4).map { _ in sampler.sample(random) / 1_000_000 }, [60, 70, 10, 20])
        let copy = sampler
        XCTAssertEqual(copy.sample(GSLRandom(seed: 99)) / 1_000_000, 30, "a copy moves the same cursor")
        var batch = [UInt64](repeating: 0, count: 3)
        batch.withUnsafeMutableBufferPointer { sampler.fill($0, from: random) }
        XCTAssertEqual(batch.map { $0 / 1_000_000 }, [40, 50, 60], "draws ahead come in order too")
    }

    /// Two instances with stride 2 from starts 3 and 4 take alternate values: together
    /// they walk the order as it was measured.
    func testInstancesTakingTurnsWalkTheMeasuredOrderTogether() {
        let first = ServiceDistribution.Sampler(.sequence(samples: values), position: SequencePosition(start: 3, stride: 2))
        let second = ServiceDistribution.Sampler(.sequence(samples: values), position: SequencePosition(start: 4, stride: 2))
        let random = GSLRandom(seed: 1)
        var walked: [UInt64] = []
        for _ in 0..<3 {
            walked.append(first.sample(random) / 1_000_000)
            walked.append(second.sample(random) / 1_000_000)
        }
        XCTAssertEqual(walked, [40, 50, 60, 70, 10, 20])
    }

    /// Written and stored as `sequence(D1,D2,…)` with every value, read back whole; its
    /// description summarises; the sensitivity analysis scales every value.
    func testSequencesParseStoreAndScale() throws {
        XCTAssertEqual(try ServiceDistribution.parse("sequence(10ms, 20ms)"), .sequence(samples: [10_000_000, 20_000_000]))
        XCTAssertThrowsError(try ServiceDistribution.parse("sequence()"))
        let measured = ServiceDistribution.sequence(samples: [10_123_649, 9_870_001])
        XCTAssertTrue(measured.description.hasPrefix("sequence(2 samples, mean "), measured.description)
        let worker = WorkerSpec(name: "hog", cost: .cpu(measured))
        let json = try JSONEncoder().encode(worker)
        XCTAssertTrue(String(decoding: json, as: UTF8.self).contains("cpu:sequence(10123649ns,9870001ns)"))
        XCTAssertEqual(try JSONDecoder().decode(WorkerSpec.self, from: json), worker)
        XCTAssertEqual(measured.meanNanos, (10_123_649 + 9_870_001) / 2, accuracy: 0.5)
    }

    /// The plan deals a `sequence` kind's instances their turns: in option C its shared
    /// instances, in option A one per stream; from an offset that the run's seed sets.
    /// Kinds of other distributions keep the default position.
    func testThePlanDealsAKindsInstancesTheirTurns() {
        var scenario = RunScenario()
        scenario.streams = 3
        var hog = WorkerSpec(name: "hog", cost: .cpu(.sequence(samples: values)))
        hog.name = "hog"
        scenario.workers = [hog, WorkerSpec(name: "light", cost: .offload(.constant(.milliseconds(5))))]
        for topology in [TopologyKind.independentPipelines, .hybrid] {
            scenario.topology = topology
            scenario.sharedWorkers = topology == .hybrid ? ["hog"] : []
            scenario.sharedInstances = 2
            for seed: UInt64 in [1, 2] {
                scenario.seed = seed
                let workers = RunInstances(scenario: scenario).workers
                let hogs = workers.filter { $0.spec.name == "hog" }
                XCTAssertEqual(hogs.count, topology == .hybrid ? 2 : 3)
                let offset = hogs[0].sequence.start
                XCTAssertEqual(hogs.map(\.sequence.start), hogs.indices.map { offset + $0 }, "\(topology), seed \(seed)")
                XCTAssertEqual(Set(hogs.map(\.sequence.stride)), [hogs.count])
                XCTAssertTrue(workers.filter { $0.spec.name == "light" }.allSatisfy { $0.sequence == SequencePosition() })
            }
            scenario.seed = 1
            let one = RunInstances(scenario: scenario).workers.first { $0.spec.name == "hog" }!.sequence.start
            let other = (2...20).map { seed -> Int in
                scenario.seed = UInt64(seed)
                return RunInstances(scenario: scenario).workers.first { $0.spec.name == "hog" }!.sequence.start
            }
            XCTAssertTrue(other.contains { $0 != one }, "repetitions start at other places")
        }
    }

    /// Services that came in spells keep their order: an AR(1) series of demands (lag-1
    /// autocorrelation 0.6) is calibrated as a `sequence` of the values as served;
    /// independent lognormal demands get a fitted family, and the captures' decode-cpu
    /// is never ordered.
    func testCalibrationKeepsTheOrderOfServicesThatCameInSpells() throws {
        let random = GSLRandom(seed: 7)
        var level = 0.0
        let spells: [Double] = (0..<600).map { _ in
            level = 0.6 * level + random.gaussian(sigma: 0.1)
            return 100e6 * exp(level)
        }
        let lag1 = try XCTUnwrap(CalibrationFitting.lag1Autocorrelation(spells))
        XCTAssertGreaterThan(lag1, 0.45)
        XCTAssertTrue(CalibrationFitting.isSerial(lag1, count: spells.count))

        let independent = (0..<600).map { _ in 100e6 * random.lognormal(zeta: 0, sigma: 0.12) }
        XCTAssertFalse(CalibrationFitting.isSerial(try XCTUnwrap(CalibrationFitting.lag1Autocorrelation(independent)), count: 600))
        XCTAssertFalse(CalibrationFitting.isSerial(0.25, count: 100), "0.25 from 100 values is within what independence gives")
        XCTAssertFalse(CalibrationFitting.isSerial(0.15, count: 100_000), "significant, but too weak to change a queue")

        let ordered = CalibrationFitting.fit(worker: "hog", quantity: "cpu-demand", nanos: spells, hostCostMs: nil)
        let chosen = try XCTUnwrap(ordered.records.first { $0.chosen })
        XCTAssertEqual(chosen.family, "empirical")
        XCTAssertTrue(chosen.ordered)
        XCTAssertEqual(chosen.values, spells.map { UInt64($0.rounded()) }, "in the order served")
        XCTAssertEqual(chosen.distribution, .sequence(samples: spells.map { UInt64($0.rounded()) }))

        let plain = CalibrationFitting.fit(worker: "hog", quantity: "cpu-demand", nanos: independent, hostCostMs: nil)
        XCTAssertFalse(plain.records.contains { $0.ordered })
        XCTAssertTrue(["lognormal", "gamma"].contains(plain.records.first { $0.chosen }?.family), "a fitted family, drawn independently")

        let decode = CalibrationFitting.fit(worker: "capture", quantity: CalibrationFitting.decodeQuantity, nanos: spells, hostCostMs: nil)
        XCTAssertFalse(decode.records.contains { $0.ordered }, "the captures' decode-cpu is drawn per stream, never in turns")
    }
}
