import XCTest
@testable import Evaluation
import Analysis
import Random
import ResultsStore
import ScaleBenchCore

final class SimulationCheckTests: XCTestCase {
    private func p99Row(_ check: SimulationCheck?) -> SimulationCheck.Row? {
        check?.rows.first { $0.metric == Metric(.latencyP99, "vlm") }
    }

    /// Runs with 2000 frames each support a p99 on their own: the row is the median of
    /// the runs' values, not pooled.
    func testAPercentileEveryRunSupportsIsTheMedianOfRuns() throws {
        let real = RunFactory.runs(3, medianMs: 100, frames: 2000, seed: 1)
        let simulated = RunFactory.runs(3, medianMs: 100, frames: 2000, seed: 2)
        let row = try XCTUnwrap(p99Row(SimulationCheck.make(realtime: real, simulated: simulated)))
        XCTAssertFalse(row.pooled)
        XCTAssertEqual(row.realtime, Descriptive.median(Comparison.values(row.metric, real)))
    }

    /// 300 frames a run do not support a p99, three runs' 900 do: the row compares the
    /// pooled histograms, says so, and agrees for runs drawn alike (and not for runs 30 %
    /// slower).
    func testAPercentileOnlyThePoolSupportsComesFromPooledHistograms() throws {
        let real = RunFactory.runs(3, medianMs: 100, frames: 300, seed: 1)
        XCTAssertTrue(Comparison.values(Metric(.latencyP99, "vlm"), real).isEmpty, "no run supports a p99 alone")
        let alike = try XCTUnwrap(p99Row(SimulationCheck.make(realtime: real, simulated: RunFactory.runs(3, medianMs: 100, frames: 300, seed: 2))))
        XCTAssertTrue(alike.pooled)
        XCTAssertEqual(alike.realtime, PooledLatency(real, kind: "vlm").milliseconds(atPercentile: 99))
        XCTAssertEqual(try XCTUnwrap(alike.relativeError), 0, accuracy: 0.15)
        let slower = try XCTUnwrap(p99Row(SimulationCheck.make(realtime: real, simulated: RunFactory.runs(3, medianMs: 130, frames: 300, seed: 2))))
        XCTAssertEqual(try XCTUnwrap(slower.relativeError), 0.3, accuracy: 0.15)

        let markdown = try XCTUnwrap(SimulationCheck.make(realtime: real, simulated: RunFactory.runs(3, medianMs: 100, frames: 300, seed: 2))).markdown()
        XCTAssertTrue(markdown.contains("vlm latency p99 (*pooled*)"), markdown)
    }

    /// The process's CPU is set beside real time too, where both sides have it (a
    /// simulation on a declared box): 1.1 cores simulated against 1.0 real is +10 %; a
    /// simulation without a box (no CPU figure) gives no CPU row.
    func testProcessCPUIsComparedWhereBothSidesHaveIt() throws {
        let real = RunFactory.runs(3, medianMs: 100, cores: 1.0, noise: 0, seed: 1)
        var simulated = RunFactory.runs(3, medianMs: 100, cores: 1.1, noise: 0, seed: 2)
        let row = try XCTUnwrap(SimulationCheck.make(realtime: real, simulated: simulated)?.rows.first { $0.metric == Metric(.processCores) })
        XCTAssertEqual(try XCTUnwrap(row.relativeError), 0.1, accuracy: 1e-9)
        XCTAssertTrue(try XCTUnwrap(SimulationCheck.make(realtime: real, simulated: simulated)).markdown().contains("| process CPU | 1"))
        for index in simulated.indices { simulated[index].processCores = nil }
        XCTAssertNil(SimulationCheck.make(realtime: real, simulated: simulated)?.rows.first { $0.metric == Metric(.processCores) })
    }

    /// Three runs of 100 frames pool 300, too few for a p99: no row rather than a guess.
    func testNoRowWhenEvenThePoolIsTooSmall() {
        let check = SimulationCheck.make(realtime: RunFactory.runs(3, medianMs: 100, frames: 100, seed: 1),
                                         simulated: RunFactory.runs(3, medianMs: 100, frames: 100, seed: 2))
        XCTAssertNil(p99Row(check))
        XCTAssertNotNil(check?.rows.first { $0.metric == Metric(.latencyP50, "vlm") }, "a p50 needs 10 frames a run: still compared")
    }

    /// A calibrated simulation is also set against the simulation of each real run's own
    /// seed (its captures' phases): three real runs whose latencies differ with their seed
    /// (100, 130, 160 ms), simulated from the third over five seeds where the simulation of
    /// a real run's seed gives that run's latencies. The median over the seeds is off; the
    /// same seed is exact, for the source run and for each held-out run.
    func testACalibratedSimulationIsAlsoScoredAgainstTheSameSeed() throws {
        let medians: [Double] = [100, 130, 160, 90, 95]
        func run(_ seed: Int) -> RunRecord {
            RunFactory.run(repetition: seed, medianMs: medians[seed], noise: 0, frames: 600, random: GSLRandom(seed: 7))
        }
        let real = (0..<3).map(run)
        let source = real[2].id
        var calibration = RunScenario()
        calibration.calibratedFrom = source
        let simulated = (0..<5).map { seed in
            var record = run(seed)
            record.scenario = calibration
            return record
        }
        let check = try XCTUnwrap(SimulationCheck.make(realtime: real, simulated: simulated))
        let row = try XCTUnwrap(check.calibrated.first { $0.metric == Metric(.latencyP50, "vlm") })
        XCTAssertEqual(row.source, source)
        XCTAssertEqual(row.sourceValue, Comparison.values(row.metric, [real[2]]).first)
        XCTAssertEqual(try XCTUnwrap(row.errorAgainstSourceSameSeed), 0, accuracy: 1e-12)
        XCTAssertLessThan(try XCTUnwrap(row.errorAgainstSource), -0.2, "the median over seeds is the 100 ms run's")
        XCTAssertEqual(row.heldOutSameSeedRuns, 2)
        XCTAssertEqual(try XCTUnwrap(row.heldOutSameSeedError), 0, accuracy: 1e-12)
        XCTAssertNotEqual(try XCTUnwrap(row.errorAgainstHeldOut), 0)

        // Without a simulation of the source's seed there is no same-seed figure.
        let others = simulated.filter { $0.seed != real[2].seed }
        let partial = try XCTUnwrap(SimulationCheck.make(realtime: real, simulated: others)?.calibrated.first { $0.metric == Metric(.latencyP50, "vlm") })
        XCTAssertNil(partial.sameSeed)
        XCTAssertTrue(try XCTUnwrap(SimulationCheck.make(realtime: real, simulated: others)).markdown().contains("| – | – |"))
    }
}
