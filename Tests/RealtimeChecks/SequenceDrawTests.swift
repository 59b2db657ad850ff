@testable import ScaleBenchCore
@testable import Realtime
@testable import Simulated
import XCTest

/// A measured `sequence` is walked the same way in both executors: each instance from the
/// plan's start for it, moving the kind's instance count a service. Two streams of option
/// A at 5 fps, an offload worker of 10–70 ms (never busy when a frame comes: every frame
/// is served, in order); the simulation's services are the values exactly, the real
/// ones the values plus the sleep's overshoot.
final class SequenceDrawTests: XCTestCase {
    private let values: [UInt64] = (1...7).map { UInt64($0) * 10_000_000 }

    private func scenario() -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 2
        scenario.fps = 5
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.workers = [WorkerSpec(name: "vlm", cost: .offload(.sequence(samples: values)))]
        scenario.warmup = .milliseconds(200)
        scenario.duration = .seconds(3)
        scenario.seed = 11
        return scenario
    }

    /// Each stream's services in start order, and what the plan says they draw.
    private func walks(_ trace: [FrameTraceRecord]) -> [(stream: Int, served: [UInt64], expected: [UInt64])] {
        let instances = RunInstances(scenario: scenario()).workers
        return (0..<2).map { stream in
            let position = instances.first { $0.streams == [stream] }!.sequence
            let served = trace.filter { $0.worker == "vlm" && $0.stream == stream }.sorted { $0.serviceStart < $1.serviceStart }
                .map { $0.serviceEnd - $0.serviceStart }
            let expected = served.indices.map { values[(position.start + position.stride * $0) % values.count] }
            return (stream, served, expected)
        }
    }

    func testBothExecutorsWalkTheSequenceAsThePlanDealsIt() throws {
        let instances = RunInstances(scenario: scenario()).workers
        XCTAssertEqual(instances.map(\.sequence.stride), [2, 2])
        XCTAssertEqual(instances[1].sequence.start, instances[0].sequence.start + 1)

        let simulated = try VirtualExecutor(scenario: scenario(), trace: true).run()
        for walk in walks(simulated.trace) {
            XCTAssertGreaterThan(walk.served.count, 10, "stream \(walk.stream)")
            XCTAssertEqual(walk.served, walk.expected, "simulated, stream \(walk.stream)")
        }

        var options = RealtimeExecutor.Options()
        options.trace = true
        let real = try RealtimeExecutor(scenario: scenario(), options: options).run().result
        for walk in walks(real.trace) {
            XCTAssertGreaterThan(walk.served.count, 10, "stream \(walk.stream)")
            // A sleep never ends early; its overshoot stays under the 10 ms between values
            // but on a starved machine (at most one service in ten may exceed it).
            let matched = zip(walk.served, walk.expected).filter { $0 >= $1 && $0 < $1 + 10_000_000 }.count
            XCTAssertGreaterThanOrEqual(Double(matched), 0.9 * Double(walk.served.count),
                                        "real time, stream \(walk.stream): served \(walk.served.map { $0 / 1_000_000 }) ms, expected \(walk.expected.map { $0 / 1_000_000 }) ms")
        }
    }
}
