@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Option B: one global pipeline. The phase-lock hazard of a single slot shared by all
/// streams (docs/queueing.md §4) exactly, in virtual time; then the real thing in real time.
final class GlobalPipelineTests: XCTestCase {
    /// 4 periodic streams (T = 1/30 s, fixed phases) into one slot per `perStream` or one
    /// shared slot, a worker of constant 100 ms = 3T taking the waiting frame when free.
    private func servedPerStream(perStream: Bool, seconds: Double) -> [Double] {
        let period: UInt64 = 33_333_333, service: UInt64 = 100_000_000
        var shared = LatestFrameSlot<Int>()
        var buffer = FrameBufferPolicy<Int>(streams: 4, slotPolicy: .overwrite, scheduling: .roundRobin)
        var next = (0..<4).map { UInt64($0) * 7_000_000 }  // fixed phases 0, 7, 14, 21 ms
        var served = [Double](repeating: 0, count: 4)
        var busyUntil: UInt64? = nil
        let end = UInt64(seconds * 1e9)
        func take(at time: UInt64) {
            let stream: Int?
            if perStream { stream = buffer.next()?.stream } else if case .item(let s) = shared.take() { stream = s } else { stream = nil }
            guard let stream else { busyUntil = nil; return }
            served[stream] += 1
            busyUntil = time + service
        }
        while true {
            let s = next.indices.min { next[$0] < next[$1] }!
            let arrival = next[s], completion = busyUntil ?? .max
            if min(arrival, completion) >= end { break }
            if arrival <= completion {
                if perStream { buffer.offer(s, stream: s) } else { _ = shared.offer(s) }
                next[s] += period
                if busyUntil == nil { take(at: arrival) }
            } else {
                take(at: completion)
            }
        }
        return served.map { $0 / seconds }
    }

    func testASingleSharedSlotStarvesAllButOneStreamUnderPhaseLock() {
        let rates = servedPerStream(perStream: false, seconds: 60)
        XCTAssertEqual(Fairness.jain(rates), 0.25, accuracy: 0.01, "\(rates): the same stream always wins")
        XCTAssertEqual(rates.filter { $0 > 1 }.count, 1)
    }

    func testPerStreamSlotsWithRoundRobinAreFair() {
        let rates = servedPerStream(perStream: true, seconds: 60)
        XCTAssertGreaterThanOrEqual(Fairness.jain(rates), 0.95, "\(rates)")
    }

    private func scenario(_ inbox: InboxKind) throws -> RunScenario {
        var s = RunScenario()
        s.topology = .globalPipeline
        s.inbox = inbox
        s.streams = 4
        s.fps = 30
        s.phase = .aligned
        s.resolution = Resolution(width: 160, height: 120)
        s.workers = [try WorkerSpec.parse("offload:100ms")]
        s.duration = .seconds(4)
        s.warmup = .milliseconds(300)
        return s
    }

    func testRealTimeSingleInboxCouplesStreamsAndPerStreamInboxDoesNot() throws {
        let (single, _) = try RealtimeExecutor(scenario: scenario(.single)).run()
        XCTAssertTrue(single.accounting.balanced, "\(single.accounting.lines.filter { !$0.balanced })")
        XCTAssertGreaterThan(single.pipelines[0].crossStreamDrops, 0, "frames of one stream overwrite another's in the inbox")
        XCTAssertGreaterThan(single.workers[0].crossStreamDrops, 0, "and in the pool's one worker slot")
        XCTAssertEqual(single.workers.count, 4, "one row per stream for the pool")

        let (perStream, _) = try RealtimeExecutor(scenario: scenario(.perStream)).run()
        XCTAssertTrue(perStream.accounting.balanced, "\(perStream.accounting.lines.filter { !$0.balanced })")
        XCTAssertEqual(perStream.pipelines[0].crossStreamDrops, 0)
        XCTAssertTrue(perStream.workers.allSatisfy { $0.crossStreamDrops == 0 })
        let fair = Fairness.jain(perStream.workers.map(\.processedFPS))
        XCTAssertGreaterThanOrEqual(fair, 0.95)
        XCTAssertGreaterThanOrEqual(fair, Fairness.jain(single.workers.map(\.processedFPS)))
    }
}
