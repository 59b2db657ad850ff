@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Faults in real time and the isolation figures they produce. Offload workers keep the
/// machine's CPU out of the figures; tolerances are generous, the effects are not.
final class FaultInjectionTests: XCTestCase {
    private func scenario(_ topology: TopologyKind, faults: [Fault], worker: String = "offload:20ms",
                          duration: Double = 4) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 4
        scenario.fps = 30
        scenario.resolution = Resolution(width: 320, height: 240)
        scenario.workers = [try WorkerSpec.parse(worker)]
        scenario.topology = topology
        scenario.duration = .seconds(duration)
        scenario.warmup = .milliseconds(500)
        scenario.faults = faults
        return scenario
    }

    private func run(_ scenario: RunScenario) throws -> RunResult {
        let result = try RealtimeExecutor(scenario: scenario).run().result
        XCTAssertTrue(result.accounting.balanced, "every frame accounted for: \(result.accounting.lines.filter { !$0.balanced })")
        return result
    }

    /// Must show: option A, camera 1 crashes; the other streams' processed fps stays
    /// within 5 % of the window before.
    func testACaptureCrashInOptionALeavesTheOtherStreamsAlone() throws {
        let result = try run(try scenario(.independentPipelines, faults: [Fault(kind: .captureCrash, at: .seconds(1), stream: 1)]))
        let isolation = try XCTUnwrap(result.faults.first)
        XCTAssertEqual(isolation.otherStreams, [0, 2, 3])
        XCTAssertEqual(isolation.windowSeconds, 3, accuracy: 1e-9, "a crash lasts to the end of the window")
        XCTAssertEqual(isolation.before.seconds, 1, accuracy: 1e-9, "the window before is as long as fits")
        let change = try XCTUnwrap(isolation.processedFPSChange)
        XCTAssertLessThan(abs(change), 0.05, "others' fps \(isolation.before.processedFPS) → \(isolation.during.processedFPS)")
        XCTAssertLessThan(isolation.during.dropFraction, 0.05)
        XCTAssertEqual(result.streams[1].status, "crashed")
        XCTAssertEqual(result.streams[1].realFPS, 30 * 1.0 / 4, accuracy: 1, "camera 1 published for 1 s of the 4 s window")
        XCTAssertEqual(result.streams[0].status, "ok")
    }

    /// Must show: option B, single inbox, the shared worker crashes (and restarts after
    /// 1 s): every stream loses its frames in the window, against none before.
    func testASharedWorkerCrashInOptionBSingleInboxReachesEveryStream() throws {
        var b = try scenario(.globalPipeline, faults: [Fault(kind: .workerCrash, at: .milliseconds(1500), stream: 2,
                                                            worker: "offload:20ms", duration: .seconds(1))])
        b.inbox = .single
        let result = try run(b)
        let isolation = try XCTUnwrap(result.faults.first)
        XCTAssertEqual(isolation.otherStreams, [0, 1, 2, 3], "a shared kind has no bystanders")
        XCTAssertGreaterThan(isolation.before.processedFPS, 5)
        XCTAssertLessThan(isolation.during.processedFPS, isolation.before.processedFPS * 0.1)
        // One 20 ms instance for 4 × 30 fps drops ~58 % before; during the crash, all.
        XCTAssertGreaterThan(isolation.during.dropFraction, 0.95)
        XCTAssertGreaterThan(isolation.dropFractionDelta, 0.3)

        // The same crash in option A hits stream 2's own worker only.
        let a = try run(try scenario(.independentPipelines, faults: [Fault(kind: .workerCrash, at: .milliseconds(1500), stream: 2,
                                                                          worker: "offload:20ms", duration: .seconds(1))]))
        let contained = try XCTUnwrap(a.faults.first)
        XCTAssertEqual(contained.otherStreams, [0, 1, 3])
        XCTAssertLessThan(abs(try XCTUnwrap(contained.processedFPSChange)), 0.05)
        let stream2 = try XCTUnwrap(a.workers.first { $0.stream == 2 })
        XCTAssertLessThan(stream2.processedFPS, 30 * 0.85, "stream 2 lost about a quarter of its window")
    }

    /// A crash without restart: the worker's thread ends, its slot keeps overwriting,
    /// and the accounting still balances (the frame in hand counted as lost).
    func testAWorkerThatNeverRestartsIsAccountedFor() throws {
        var b = try scenario(.globalPipeline, faults: [Fault(kind: .workerCrash, at: .seconds(1), worker: "offload:20ms")],
                             duration: 2)
        b.inbox = .single
        let result = try run(b)
        let isolation = try XCTUnwrap(result.faults.first)
        XCTAssertEqual(isolation.during.processed, 0, "nothing is processed after a crash for good")
        XCTAssertEqual(isolation.windowSeconds, 1, accuracy: 1e-9)
    }

    /// A stall suppresses the camera's frames for its span; a slowdown stretches services.
    func testAStallSuppressesFramesAndASlowdownStretchesServices() throws {
        let result = try run(try scenario(.independentPipelines, faults: [
            Fault(kind: .captureStall, at: .seconds(1), stream: 0, duration: .seconds(1)),
            Fault(kind: .workerSlowdown, at: .seconds(1), stream: 3, worker: "offload:20ms", duration: .seconds(3), factor: 3),
        ]))
        XCTAssertEqual(Double(result.streams[0].stalledFrames), 30, accuracy: 3, "1 s of a 30 fps camera")
        XCTAssertEqual(result.streams[0].status, "ok", "a stalled camera resumes")
        let slowed = try XCTUnwrap(result.workers.first { $0.stream == 3 })
        XCTAssertGreaterThan(try XCTUnwrap(slowed.serviceMs.p50), 50, "20 ms × 3 for three quarters of the window")
        let other = try XCTUnwrap(result.workers.first { $0.stream == 1 })
        XCTAssertLessThan(try XCTUnwrap(other.serviceMs.p50), 30)
    }

    /// Offload jobs on one device share it: two instances of a 100 ms VLM on a divided
    /// device, both always busy, each take about twice as long.
    func testJobsOnASharedDeviceRunSlowerTogether() throws {
        var c = try scenario(.hybrid, faults: [], worker: "offload:100ms", duration: 3)
        c.devices = [DeviceSpec(name: "gpu0", memoryGB: 24)]
        c.workers[0].device = "gpu0"
        c.workers[0].modelMemoryGB = 8
        c.sharedWorkers = ["offload:100ms"]
        c.sharedInstances = 2
        let result = try run(c)
        let device = try XCTUnwrap(result.devices.first)
        XCTAssertEqual(device.modelMemoryGB, 16)
        XCTAssertEqual(device.usage.maxConcurrency, 2)
        XCTAssertGreaterThan(device.usage.meanConcurrency, 1.8, "both instances always have a frame waiting")
        let service = try XCTUnwrap(result.workers.first?.serviceMs.p50)
        XCTAssertEqual(service, 200, accuracy: 40, "each job at half speed")
    }

    /// ``WorkerFaults``' semantics in both executors: a crash while the worker is idle
    /// loses nothing, a crash during a service loses that frame; after the restart the
    /// worker takes the frame waiting in its slot. One stream at 2 fps, a 100 ms worker:
    /// arrivals at 0, 0.5, 1.0 … s of the window (plus the warm-up); crashes at 0.25 s
    /// (idle), restarted at 0.4 s, and at 1.05 s (50 ms into a service), restarted at 1.2 s.
    func testACrashLosesTheFrameInServiceButNothingWhenIdle() throws {
        var scenario = try scenario(.independentPipelines, faults: [
            Fault(kind: .workerCrash, at: .milliseconds(250), stream: 0, worker: "offload:100ms", duration: .milliseconds(150)),
            Fault(kind: .workerCrash, at: .milliseconds(1050), stream: 0, worker: "offload:100ms", duration: .milliseconds(150)),
        ], worker: "offload:100ms", duration: 3)
        scenario.streams = 1
        scenario.fps = 2
        scenario.warmup = .seconds(1)
        for (label, result) in [("realtime", try run(scenario)), ("simulated", try VirtualExecutor(scenario: scenario).run())] {
            let worker = try XCTUnwrap(result.accounting.lines.first { $0.stage == "worker" }, label)
            XCTAssertEqual(worker.dropped, 1, "\(label): only the frame in service at the second crash is lost")
            // 2 fps for 3 s is 6 frames; the one in service at 1.05 s is lost. The frame of
            // 1.0 s is the lost one, so its slot is empty at the restart: 5 processed.
            XCTAssertEqual(result.workers[0].processed, 5, "\(label)")
        }
    }

    /// The schedule in absolute time, pure.
    func testTheScheduleMapsFaultsToComponentsAndWindows() {
        let faults = [Fault(kind: .captureStall, at: .seconds(2), stream: 1, duration: .seconds(1)),
                      Fault(kind: .workerCrash, at: .seconds(5), stream: 0, worker: "vlm"),
                      Fault(kind: .workerSlowdown, at: .seconds(1), stream: 2, worker: "pose", duration: .seconds(2), factor: 4)]
        let schedule = FaultSchedule(faults: faults, measuredStart: 1_000, measured: .seconds(8))
        XCTAssertEqual(schedule.windows.map(\.start), [1_000_001_000, 2_000_001_000, 2_000_001_000, 5_000_001_000, 1_000, 1_000_001_000])
        XCTAssertEqual(schedule.windows.map(\.end), [2_000_001_000, 3_000_001_000, 5_000_001_000, 8_000_001_000, 1_000_001_000, 3_000_001_000])
        XCTAssertEqual(schedule.capture(stream: 1).outcome(at: 2_500_000_000), .stalled)
        XCTAssertEqual(schedule.capture(stream: 1).outcome(at: 3_000_001_000), .due)
        XCTAssertTrue(schedule.capture(stream: 0).isEmpty)
        XCTAssertEqual(schedule.worker("vlm", stream: 0).crashes.first?.at, 5_000_001_000)
        XCTAssertNil(schedule.worker("vlm", stream: 0).crashes.first?.restart)
        XCTAssertTrue(schedule.worker("vlm", stream: 1).isEmpty, "another stream's own vlm")
        XCTAssertFalse(schedule.worker("vlm", stream: nil).isEmpty, "a shared vlm is hit whatever the stream")
        XCTAssertEqual(schedule.worker("pose", stream: 2).slowdown(at: 2_000_000_000), 4)
        XCTAssertEqual(schedule.worker("pose", stream: 2).slowdown(at: 3_000_001_000), 1)
    }
}
