import Foundation
import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// Every topology balances its accounting in virtual time, faults fire, runs are
/// deterministic, and what a simulation cannot run is refused clearly.
final class VirtualAccountingTests: XCTestCase {
    /// A mixed scenario: Poisson arrivals, a light CPU worker and a heavy offload worker
    /// on a shared device, a low fan-out threshold, every kind of fault.
    private func mixed(_ topology: TopologyKind, inbox: InboxKind = .perStream, slot: SlotPolicy = .overwrite,
                       faults: Bool = true, seed: UInt64 = 3) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.topology = topology
        scenario.inbox = inbox
        scenario.frameBufferSlot = slot
        scenario.streams = 4
        scenario.fps = 25
        scenario.arrival = .poisson
        scenario.phase = .random
        scenario.seed = seed
        scenario.fanOutThreshold = 1
        var detector = try WorkerSpec.parse("cpu:lognormal(20ms,5ms)")
        detector.name = "detector"
        var vlm = try WorkerSpec.parse("offload:gamma(300ms,60ms)")
        vlm.name = "vlm"
        vlm.device = "gpu0"
        vlm.modelMemoryGB = 2
        scenario.workers = [detector, vlm]
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 24, sharing: .efficiency([1, 1.5, 1.8]))]
        if topology == .hybrid { scenario.sharedWorkers = ["vlm"] }
        scenario.sharedInstances = 2
        scenario.warmup = .seconds(1)
        scenario.duration = .seconds(40)
        if faults {
            let stream: Int? = topology == .independentPipelines ? 2 : nil
            scenario.faults = [
                Fault(kind: .captureStall, at: .seconds(5), stream: 1, duration: .seconds(3)),
                Fault(kind: .captureCrash, at: .seconds(30), stream: 3),
                Fault(kind: .workerCrash, at: .seconds(10), stream: stream, worker: "vlm", duration: .seconds(4)),
                Fault(kind: .workerSlowdown, at: .seconds(20), stream: topology == .globalPipeline ? nil : 0, worker: "detector",
                      duration: .seconds(5), factor: 3),
            ]
        }
        return scenario
    }

    private func checkBalanced(_ scenario: RunScenario, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let result = try VirtualExecutor(scenario: scenario).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })", file: file, line: line)
        XCTAssertFalse(result.accounting.lines.isEmpty, file: file, line: line)
        XCTAssertEqual(result.workers.count, 4 * 2, "a row per stream × worker kind", file: file, line: line)
        XCTAssertEqual(result.cpu.process.seconds, 0, "simulated runs have no CPU figures", file: file, line: line)
        return result
    }

    func testOptionABalancesWithFaults() throws {
        let result = try checkBalanced(mixed(.independentPipelines))
        XCTAssertEqual(result.streams[3].status, "crashed")
        XCTAssertGreaterThan(result.streams[1].stalledFrames, 0)
        XCTAssertEqual(result.faults.count, 4)
        let lost = result.accounting.lines.filter { $0.stage == "worker" && $0.subject == "stream 2 / vlm" }.first!.dropped
        print("A: stalled \(result.streams[1].stalledFrames), vlm frames lost to its crash \(lost), pipeline 0 chunked fan-outs \(result.pipelines[0].chunkedFanOuts)")
        XCTAssertLessThanOrEqual(lost, 1, "at most the frame in hand")
        XCTAssertGreaterThan(result.pipelines[0].chunkedFanOuts, 0, "2 subscribers over a threshold of 1")
        // The crashed vlm of stream 2 processed nothing for 4 s: fewer than its neighbours.
        let vlm = result.workers.filter { $0.worker == "vlm" }
        XCTAssertLessThan(vlm[2].processed, vlm[0].processed)
    }

    func testOptionBBothInboxesBalanceWithFaults() throws {
        for inbox in InboxKind.allCases {
            let result = try checkBalanced(mixed(.globalPipeline, inbox: inbox))
            XCTAssertEqual(result.fairness.count, 2, "both kinds are pools in option B")
            XCTAssertTrue(result.accounting.lines.contains { $0.stage == "routing" })
            XCTAssertEqual(result.pipelines[0].inboxDrops, 0)
        }
    }

    func testOptionCBothSlotPoliciesBalanceWithFaults() throws {
        for slot in SlotPolicy.allCases {
            let result = try checkBalanced(mixed(.hybrid, slot: slot))
            XCTAssertEqual(result.fairness.map(\.worker), ["vlm"])
            XCTAssertEqual(result.devices.first?.modelMemoryGB, 4, "2 shared instances × 2 GB")
            XCTAssertGreaterThan(result.devices.first?.usage.maxConcurrency ?? 0, 1)
        }
    }

    func testASlowdownStretchesServicesInItsSpanOnly() throws {
        var scenario = VirtualScenarios.oneWorker(cost: .offload(.constant(.milliseconds(10))), arrival: .periodic, frames: 600)
        scenario.faults = [Fault(kind: .workerSlowdown, at: .seconds(5), stream: 0, worker: "w", duration: .seconds(5), factor: 3)]
        let row = try XCTUnwrap(VirtualExecutor(scenario: scenario).run().workers.first)
        XCTAssertEqual(row.serviceMs.max!, 30, accuracy: 0.05)
        XCTAssertEqual(row.serviceMs.p50!, 10, accuracy: 0.02, "three quarters of the window is not slowed")
    }

    func testSameScenarioAndSeedGiveTheSameResult() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for topology in TopologyKind.allCases {
            let scenario = try mixed(topology)
            let first = try encoder.encode(VirtualExecutor(scenario: scenario).run())
            let second = try encoder.encode(VirtualExecutor(scenario: scenario).run())
            XCTAssertEqual(first, second, "topology \(topology.rawValue)")
            let other = try encoder.encode(VirtualExecutor(scenario: mixed(topology, seed: 4)).run())
            XCTAssertNotEqual(first, other, "another seed draws other times")
        }
    }

    func testRefusesWhatASimulationCannotRun() throws {
        var pixels = VirtualScenarios.oneWorker(cost: .pixels, arrival: .periodic, frames: 30)
        pixels.workers[0].name = "motion"
        XCTAssertThrowsError(try VirtualExecutor(scenario: pixels).run()) { error in
            XCTAssertTrue("\(error)".contains("pixels"), "\(error)")
        }
        var recorded = VirtualScenarios.oneWorker(cost: .offload(.constant(.milliseconds(10))), arrival: .periodic, frames: 30)
        recorded.source = .file("clip.mp4")
        XCTAssertThrowsError(try VirtualExecutor(scenario: recorded).run()) { error in
            XCTAssertTrue("\(error)".contains("a readable file"), "\(error)")
        }
        var live = recorded
        live.source = .url("rtsp://127.0.0.1:1/x")
        XCTAssertThrowsError(try VirtualExecutor(scenario: live).run()) { error in
            XCTAssertTrue("\(error)".contains("live video arrives when it arrives"), "\(error)")
        }
        var unpaced = recorded
        unpaced.source = .file(Fixtures.path("corridor-640x360.mp4"))
        unpaced.fps = nil
        XCTAssertThrowsError(try VirtualExecutor(scenario: unpaced).run()) { error in
            XCTAssertTrue("\(error)".contains("a target fps for a recorded file"), "\(error)")
        }
        // A file at a target fps simulates: its frames arrive at that rate, unopened.
        var paced = unpaced
        paced.fps = VirtualScenarios.oneWorker(cost: .pixels, arrival: .periodic, frames: 30).fps
        let result = try VirtualExecutor(scenario: paced).run()
        XCTAssertEqual(result.streams[0].realFPS, paced.rate, accuracy: 0.01 * paced.rate)
        var invalid = recorded
        invalid.source = .synthetic
        invalid.workers = []
        XCTAssertThrowsError(try VirtualExecutor(scenario: invalid).run()) { XCTAssertTrue($0 is ScenarioError) }
    }
}
