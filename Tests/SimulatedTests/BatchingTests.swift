import Foundation
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// docs/queueing.md §8 in virtual time: a batching worker shared through a frame-buffer,
/// L(b) = L1 + (b − 1)·δ with constant L1 = 200 ms and δ = 10 ms.
final class BatchingTests: XCTestCase {
    func scenario(streams: Int, fps: Double, max: Int, wait: Duration, instances: Int = 1, onDevice: Bool = false) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = streams
        scenario.fps = fps
        scenario.phase = .random
        scenario.topology = .hybrid
        var vlm = try WorkerSpec.parse("offload:constant(200ms)")
        vlm.name = "vlm"
        vlm.batch = BatchSpec(max: max, wait: wait, time: .linear(extra: .milliseconds(10)))
        if onDevice {
            scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
            vlm.device = "gpu0"
        }
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

    /// Each frame's wait for its batch, a figure of its own: a lone frame on an idle device
    /// waits exactly τ; frames of a partial batch wait from their own arrival; the device
    /// is busy L(1) of every 2 s.
    func testALoneFrameOnAnIdleDeviceWaitsTheLimitForItsBatch() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 1, fps: 0.5, max: 4, wait: .milliseconds(50), onDevice: true)).run()
        let wait = try XCTUnwrap(result.batches.first).waitMs
        print("§8 a lone frame's wait for its batch: p50 \(wait.p50!) ms, max \(wait.max!) ms, mean \(wait.mean!) ms over \(wait.count) frames")
        XCTAssertEqual(wait.count, 300, "every frame of the window's 300 batches")
        XCTAssertEqual(try XCTUnwrap(wait.max), 50, accuracy: 0.05, "τ, to the histogram's resolution")
        XCTAssertEqual(try XCTUnwrap(wait.p50), 50, accuracy: 0.05)
        XCTAssertEqual(try XCTUnwrap(wait.mean), 50, accuracy: 0.05)
        let device = try XCTUnwrap(result.devices.first { $0.device == "gpu0" })
        XCTAssertEqual(try XCTUnwrap(device.utilisation), 0.2 / 2, accuracy: 1e-3, "L(1) = 200 ms of every 2 s")
        XCTAssertEqual(device.usage.jobs, 605 / 2, accuracy: 1, "one job a batch over the whole run (5 s warm-up, 600 s)")

        // Two streams 1 s apart with τ = 1.5 s ride one batch launched 1.5 s after the
        // first frame: it waited 1.5 s, the second 0.5 s.
        var two = try scenario(streams: 2, fps: 0.5, max: 4, wait: .seconds(1.5))
        two.phase = .spread
        let shared = try XCTUnwrap(try VirtualExecutor(scenario: two).run().batches.first)
        XCTAssertEqual(try XCTUnwrap(shared.meanSize), 2, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(shared.waitMs.mean), 1000, accuracy: 1, "(1.5 s + 0.5 s) / 2")
        XCTAssertEqual(try XCTUnwrap(shared.waitMs.max), 1500, accuracy: 1.5)
        XCTAssertEqual(try XCTUnwrap(shared.waitMs.p50), 500, accuracy: 0.5)
    }

    /// Saturated streams wait for a busy device, not for their batch: the instance frees
    /// with a full batch waiting (N > B) or with every stream's frame and its oldest past
    /// τ (N ≤ B), and launches at once; a frame's age is its time in the slot (overwritten
    /// by newer ones) while the device is busy. The device is busy all the time, every stream
    /// served alike, at §8's closed form.
    func testSaturatedStreamsWaitNothingForTheirBatch() throws {
        for (streams, max, wait) in [(12, 4, Duration.milliseconds(20)), (4, 8, Duration.seconds(0))] {
            let scenario = try scenario(streams: streams, fps: 10, max: max, wait: wait, onDevice: true)
            let result = try VirtualExecutor(scenario: scenario).run()
            let batch = try XCTUnwrap(result.batches.first)
            let label = "N = \(streams), B = \(max), τ = \(wait)"
            print("§8 \(label): a frame's wait for its batch p99 \(batch.waitMs.p99!) ms, mean \(batch.waitMs.mean!) ms; its age p50 \(result.workers[0].ageMs.p50!) ms")
            XCTAssertEqual(try XCTUnwrap(batch.meanSize), Double(Swift.min(streams, max)), accuracy: 1e-9, label)
            XCTAssertLessThan(try XCTUnwrap(batch.waitMs.max), 0.01, "\(label): launched as the instance frees")
            XCTAssertGreaterThan(try XCTUnwrap(result.workers[0].ageMs.p50), 10, "\(label): the age is the time in the slot while the device is busy")
            XCTAssertEqual(try XCTUnwrap(result.devices.first?.utilisation), 1, accuracy: 1e-6, label)
            XCTAssertEqual(try XCTUnwrap(result.fairness.first).jain, 1, accuracy: 1e-3, label)
            // The closed form the report sets beside measured runs (WorkerSpec's), against §8 by hand.
            let closed = try XCTUnwrap(scenario.workers[0].saturatedServedFPS(streams: streams))
            XCTAssertEqual(closed, streams <= max ? 1 / (0.2 + Double(streams - 1) * 0.01) : Double(max) / (Double(streams) * (0.2 + Double(max - 1) * 0.01)),
                           accuracy: 1e-12, label)
            for worker in result.workers { XCTAssertEqual(worker.processedFPS, closed, accuracy: 0.01 * closed, "\(label), stream \(worker.stream)") }
        }
        var one = try WorkerSpec.parse("offload:constant(200ms)")
        one.hostCost = .milliseconds(2)
        XCTAssertEqual(try XCTUnwrap(one.saturatedServedFPS(streams: 4)), 1 / (4 * 0.202), accuracy: 1e-12, "one frame a call: 1/(N·S)")
    }
}
