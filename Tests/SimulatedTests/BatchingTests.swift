import Foundation
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// docs/queueing.md §8 in virtual time: a batching worker shared through a frame-buffer,
/// L(b) = L1 + (b − 1)·δ with constant L1 = 200 ms and δ = 10 ms.
final class BatchingTests: XCTestCase {
    func scenario(streams: Int, fps: Double, max: Int, wait: Duration, instances: Int = 1) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = streams
        scenario.fps = fps
        scenario.phase = .random
        scenario.topology = .hybrid
        var vlm = try WorkerSpec.parse("offload:constant(200ms)")
        vlm.name = "vlm"
        vlm.batch = BatchSpec(max: max, wait: wait, time: .linear(extra: .milliseconds(10)))
        scenario.workers = [vlm]
        scenario.sharedWorkers = ["vlm"]
        scenario.sharedInstances = instances
        scenario.scheduling = .roundRobin
        scenario.warmup = .seconds(5)
        scenario.duration = .seconds(600)
        try scenario.validate()
        return scenario
    }

    /// Saturated, N ≤ B: every batch holds all N streams' frames, each stream is served at
    /// 1/L(N) and the device at N/L(N), against 1/L1 without batching.
    func testSaturatedStreamsFewerThanTheBatchAllRideEveryBatch() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 4, fps: 10, max: 8, wait: .seconds(0))).run()
        let batches = try XCTUnwrap(result.batches.first)
        XCTAssertEqual(try XCTUnwrap(batches.meanSize), 4, accuracy: 1e-9, "batches of N = 4: \(batches.sizes)")
        let served = result.workers.map(\.processedFPS)
        print("§8 N = 4 ≤ B = 8: served \(served.map { String(format: "%.4f", $0) }) fps per stream, 1/L(4) = \(String(format: "%.4f", 1 / 0.23))")
        for fps in served { XCTAssertEqual(fps, 1 / 0.230, accuracy: 0.01) }
        XCTAssertEqual(served.reduce(0, +), 4 / 0.230, accuracy: 0.04, "the device at N/L(N), against 1/L1 = 5 without batching")
        // Every frame of a batch ends at the same instant: each stream's service is L(4).
        for worker in result.workers { XCTAssertEqual(try XCTUnwrap(worker.serviceMs.p50), 230, accuracy: 0.5) }
    }

    /// Saturated, N > B, round-robin: full batches, each stream served at B/(N·L(B)).
    func testSaturatedStreamsMoreThanTheBatchShareFullBatches() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 12, fps: 10, max: 4, wait: .seconds(0))).run()
        let batches = try XCTUnwrap(result.batches.first)
        XCTAssertEqual(try XCTUnwrap(batches.meanSize), 4, accuracy: 1e-9)
        let expected = 4 / (12 * 0.230)
        print("§8 N = 12 > B = 4: served \(String(format: "%.4f", result.workers.map(\.processedFPS).reduce(0, +) / 12)) fps per stream, B/(N·L(B)) = \(String(format: "%.4f", expected))")
        for worker in result.workers { XCTAssertEqual(worker.processedFPS, expected, accuracy: 0.01 * expected, "stream \(worker.stream)") }
        XCTAssertEqual(try XCTUnwrap(result.fairness.first).jain, 1, accuracy: 1e-3)
    }

    /// A lone frame on an idle device waits the limit τ = 50 ms for company that does not
    /// come, then is served alone: latency τ + L(1) = 250 ms, never more.
    func testTheWaitLimitBoundsALoneFramesLatency() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 1, fps: 0.5, max: 4, wait: .milliseconds(50))).run()
        let latency = try XCTUnwrap(result.workers.first).latencyMs
        XCTAssertEqual(try XCTUnwrap(latency.max), 250, accuracy: 0.5, "τ + L(1)")
        XCTAssertEqual(try XCTUnwrap(latency.p50), 250, accuracy: 0.5)
        XCTAssertEqual(try XCTUnwrap(result.batches.first).sizes, [300, 0, 0, 0], "600 s at 0.5 fps: 300 batches of one")
        // With a second stream half a period apart, each still goes alone; with τ longer
        // than the gap, they ride together.
        var two = try scenario(streams: 2, fps: 0.5, max: 4, wait: .milliseconds(50))
        two.phase = .spread
        XCTAssertEqual(try XCTUnwrap(try VirtualExecutor(scenario: two).run().batches.first?.meanSize), 1, accuracy: 1e-9)
        two.workers[0].batch!.wait = .seconds(1.5)
        XCTAssertEqual(try XCTUnwrap(try VirtualExecutor(scenario: two).run().batches.first?.meanSize), 2, accuracy: 1e-9,
                       "a wait longer than the 1 s between the streams' frames lets them share a batch")
    }
}
