import XCTest
@testable import Evaluation
import Analysis
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
}
