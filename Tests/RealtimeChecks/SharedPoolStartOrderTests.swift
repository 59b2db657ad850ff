@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Realtime
@testable import Simulated
import XCTest

/// A shared kind's instances each draw their services from a generator of their own, so
/// which instance serves which frame decides the whole run's latencies. When several are
/// idle, the simulation hands a frame to the first of them in instance order; at the start
/// every instance is idle, so the real-time executor must have them waiting in that order
/// before the first frame arrives. (When its threads were started without it, the first
/// frames went to whichever thread reached the frame-buffer first, and option B's heavy
/// row in ExecutorEquivalenceTests ran a different trajectory: p50 9 ms off in half the runs.)
final class SharedPoolStartOrderTests: XCTestCase {
    func testTheFirstFramesGoToTheInstancesInTheSimulationsOrder() throws {
        var scenario = RunScenario()
        scenario.streams = 4
        scenario.fps = 20
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 64, sharing: .divided)]
        scenario.workers = [WorkerSpec(name: "heavy", cost: try WorkerSpec.parse("offload:lognormal(60ms,8ms)").cost, device: "gpu0")]
        scenario.topology = .globalPipeline
        scenario.inbox = .perStream
        scenario.sharedInstances = 3
        scenario.warmup = .milliseconds(100)
        scenario.duration = .milliseconds(100)
        scenario.seed = 11
        // Services in order of start; the first three find every instance idle.
        func firstServers(_ trace: [FrameTraceRecord]?) -> [String] {
            (trace ?? []).filter { $0.worker == "heavy" }.sorted { $0.serviceStart < $1.serviceStart }.prefix(3).map { "\($0.stream)@\($0.instance ?? "?")" }
        }
        let simulated = firstServers(try VirtualExecutor(scenario: scenario, trace: true).run().trace)
        XCTAssertEqual(simulated.count, 3)
        var options = RealtimeExecutor.Options()
        options.trace = true
        // Several runs: an unordered start puts the threads in any order, most often not this one.
        for run in 0..<8 {
            let real = firstServers(try RealtimeExecutor(scenario: scenario, options: options).run().result.trace)
            XCTAssertEqual(real, simulated, "run \(run)")
        }
    }
}
