@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Option C in real time: light workers per stream, a heavy kind shared through a
/// frame-buffer (docs/queueing.md §3, with generous tolerances; exact figures in virtual time
/// are in FrameBufferPolicyTests).
final class HybridTopologyTests: XCTestCase {
    private func scenario(slot: SlotPolicy, seconds: Double = 6) throws -> RunScenario {
        var s = RunScenario()
        s.topology = .hybrid
        s.streams = 4
        s.fps = 30
        s.resolution = Resolution(width: 160, height: 120)
        s.workers = [try WorkerSpec.parse("offload:5ms"), try WorkerSpec.parse("offload:100ms")]
        s.sharedWorkers = ["offload:100ms"]
        s.frameBufferSlot = slot
        s.scheduling = .roundRobin
        s.duration = .seconds(seconds)
        s.warmup = .milliseconds(500)
        return s
    }

    func testTheSharedWorkerServesEveryStreamEquallyWithFreshFrames() throws {
        let (result, _) = try RealtimeExecutor(scenario: scenario(slot: .overwrite)).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })")
        let shared = result.workers.filter { $0.worker == "offload:100ms" }
        XCTAssertEqual(shared.count, 4, "one row per stream for the shared kind")
        for row in shared {
            XCTAssertEqual(row.processedFPS, 2.5, accuracy: 0.25, "stream \(row.stream): 1/(N·d)")
        }
        XCTAssertGreaterThanOrEqual(Fairness.jain(shared.map(\.processedFPS)), 0.99)
        XCTAssertEqual(result.fairness.map(\.worker), ["offload:100ms"])
        XCTAssertGreaterThanOrEqual(result.fairness.first?.jain ?? 0, 0.99)
        XCTAssertTrue(RunRenderer.table(result).contains("Jain's fairness index"))
        let frames = shared.reduce(0.0) { $0 + Double($1.ageMs.count) }
        let meanAge = shared.reduce(0.0) { $0 + ($1.ageMs.mean ?? 0) * Double($1.ageMs.count) } / frames
        XCTAssertLessThan(meanAge, 25, "overwrite slots: age at start ≈ T/2")
        // The light worker still runs per stream at the full rate.
        for row in result.workers where row.worker == "offload:5ms" {
            XCTAssertEqual(row.processedFPS, 30, accuracy: 2)
        }
    }

    func testDropNewSlotsServeFramesThatWaitedAboutOneRound() throws {
        let (result, _) = try RealtimeExecutor(scenario: scenario(slot: .dropNew)).run()
        XCTAssertTrue(result.accounting.balanced)
        let shared = result.workers.filter { $0.worker == "offload:100ms" }
        let frames = shared.reduce(0.0) { $0 + Double($1.latencyMs.count) }
        let meanLatency = shared.reduce(0.0) { $0 + ($1.latencyMs.mean ?? 0) * Double($1.latencyMs.count) } / frames
        let expected = 4 * 100 - 33.33 / 2 + 100
        XCTAssertEqual(meanLatency, expected, accuracy: expected * 0.1, "N·d − T/2 + d")
    }

    func testOptionCNeedsASharedWorkerAndOptionARefusesOne() throws {
        var c = try scenario(slot: .overwrite)
        c.sharedWorkers = []
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ScenarioError)?.key, "shared") }
        c.sharedWorkers = ["vlm"]
        XCTAssertThrowsError(try c.validate()) { XCTAssertEqual(($0 as? ScenarioError)?.value, "vlm") }
        var a = try scenario(slot: .overwrite)
        a.topology = .independentPipelines
        XCTAssertThrowsError(try a.validate()) { XCTAssertEqual(($0 as? ScenarioError)?.key, "shared") }
    }
}
