import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// docs/queueing.md §3 and §4: one worker shared by 4 periodic streams at 30 fps, in virtual time.
final class VirtualSharedWorkerTests: XCTestCase {
    private let period = 1.0 / 30, service = 0.1, streams = 4.0

    /// §3 with spread phases and d = 3T: each stream's service ends at a fixed phase
    /// (phase lock), so a stream's age is a constant rather than Uniform[0, T), but the
    /// four streams' phases are T/4 apart, so their mean lies within T/8 of the
    /// closed form's T/2.
    private var phaseLockTolerance: Double { period / 8 * 1e3 + 0.5 }

    private func hybrid(_ slot: SlotPolicy) throws -> RunResult {
        var scenario = VirtualScenarios.shared(.hybrid, cost: .offload(.constant(.milliseconds(100))), seconds: 120)
        scenario.frameBufferSlot = slot
        let result = try VirtualExecutor(scenario: scenario).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })")
        return result
    }

    private func meanLatencyMs(_ result: RunResult) -> Double {
        let rows = result.workers
        return rows.reduce(0) { $0 + $1.latencyMs.mean! * Double($1.processed) } / Double(rows.reduce(0) { $0 + $1.processed })
    }

    func testRoundRobinOverwriteServesEachStreamAtOneOverNd() throws {
        let result = try hybrid(.overwrite)
        let expected = period / 2 * 1e3 + service * 1e3
        let latency = meanLatencyMs(result)
        print("§3 overwrite: per-stream fps \(result.workers.map(\.processedFPS)), Jain \(result.fairness[0].jain), latency \(latency) ms (T/2 + d = \(expected))")
        for row in result.workers { XCTAssertEqual(row.processedFPS, 1 / (streams * service), accuracy: 2 / 120) }
        XCTAssertGreaterThanOrEqual(result.fairness[0].jain, 0.99)
        XCTAssertEqual(latency, expected, accuracy: phaseLockTolerance)
    }

    func testRoundRobinDropNewKeepsTheOldestFrame() throws {
        let result = try hybrid(.dropNew)
        let expected = (streams * service - period / 2 + service) * 1e3
        let latency = meanLatencyMs(result)
        print("§3 drop-new: per-stream fps \(result.workers.map(\.processedFPS)), Jain \(result.fairness[0].jain), latency \(latency) ms (N·d − T/2 + d = \(expected))")
        for row in result.workers { XCTAssertEqual(row.processedFPS, 1 / (streams * service), accuracy: 2 / 120) }
        XCTAssertGreaterThanOrEqual(result.fairness[0].jain, 0.99)
        XCTAssertEqual(latency, expected, accuracy: phaseLockTolerance)
    }

    private func global(_ inbox: InboxKind) throws -> RunResult {
        var scenario = VirtualScenarios.shared(.globalPipeline, cost: .offload(.constant(.milliseconds(100))), seconds: 120)
        scenario.inbox = inbox
        let result = try VirtualExecutor(scenario: scenario).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })")
        return result
    }

    func testSingleInboxStarvesAllButOneStream() throws {
        let result = try global(.single)
        print("§4 single inbox: per-stream fps \(result.fairness[0].servedFPS), Jain \(result.fairness[0].jain), cross-stream drops \(result.workers[0].crossStreamDrops)")
        XCTAssertEqual(result.fairness[0].jain, 0.25, accuracy: 0.01, "the same stream always wins")
        XCTAssertEqual(result.fairness[0].servedFPS.reduce(0, +), 10, accuracy: 2 / 120, "the worker is saturated")
        XCTAssertGreaterThan(result.workers[0].crossStreamDrops, 0)
        XCTAssertEqual(result.pipelines[0].inboxDrops, 0)
    }

    func testPerStreamInboxWithRoundRobinIsFair() throws {
        let result = try global(.perStream)
        print("§4 per-stream inbox: per-stream fps \(result.fairness[0].servedFPS), Jain \(result.fairness[0].jain)")
        XCTAssertGreaterThanOrEqual(result.fairness[0].jain, 0.95)
        XCTAssertTrue(result.workers.allSatisfy { $0.crossStreamDrops == 0 })
    }
}
