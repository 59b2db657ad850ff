import Dispatch
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// One test per numbered behaviour of the original's FrameSupplier (docs/semantics.md).
/// Every test synchronises on the supplier's state (distributed seq, blocked readers) or
/// drives a ManualClock; none sleeps and hopes.
final class FrameSupplierBehaviourTests: XCTestCase {
    private var supplier: FrameSupplier!
    private var clock: ManualClock!

    override func setUp() {
        clock = ManualClock(start: 1_000)
        supplier = FrameSupplier(clock: clock)
    }

    override func tearDown() {
        supplier.stop()
        supplier = nil
    }

    // 1
    func test01_twoPublishesBeforeTheLoopTakesTheFirstDropOneInTheInbox() throws {
        let reader = try supplier.subscribe("w")
        supplier.publish(testFrame(100))
        supplier.publish(testFrame(200))
        XCTAssertEqual(supplier.stats().inboxDrops, 1)
        try supplier.start()
        XCTAssertTrue(supplier.waitUntilDistributed(1, deadline: deadline()))
        let frame = try XCTUnwrap(reader.poll())
        XCTAssertEqual(frame.capturedAt, 200, "only the newer frame is delivered")
        XCTAssertEqual(frame.seq, 1, "the overwritten frame never got a seq")
        XCTAssertEqual(supplier.stats().distributed, 1)
        XCTAssertNil(reader.poll(), "the first frame is never delivered")
    }

    // 2
    func test02_twoDeliveriesBeforeAReadDropTheOlderOne() throws {
        let reader = try supplier.subscribe("w")
        try supplier.start()
        publishAndDistribute(supplier, testFrame(100))
        publishAndDistribute(supplier, testFrame(200))
        let stats = try XCTUnwrap(supplier.stats().worker("w"))
        XCTAssertEqual(stats.totalDrops, 1)
        XCTAssertEqual(stats.consecutiveDrops, 1)
        let frame = try XCTUnwrap(reader.poll())
        XCTAssertEqual(frame.capturedAt, 200)
        XCTAssertEqual(frame.seq, 2)
        XCTAssertNil(reader.poll())
    }

    // 3
    func test03_aReadResetsConsecutiveDropsAndRecordsWhatWasConsumed() throws {
        let reader = try supplier.subscribe("w")
        try supplier.start()
        for marker in UInt64(1)...3 { publishAndDistribute(supplier, testFrame(marker)) }
        XCTAssertEqual(supplier.stats().worker("w")?.consecutiveDrops, 2)
        clock.set(5_000)
        _ = try XCTUnwrap(reader.poll())
        let stats = try XCTUnwrap(supplier.stats().worker("w"))
        XCTAssertEqual(stats.consecutiveDrops, 0)
        XCTAssertEqual(stats.totalDrops, 2, "a read leaves totalDrops unchanged")
        XCTAssertEqual(stats.lastConsumedSeq, 3)
        XCTAssertEqual(stats.lastConsumedAt, 5_000)
    }

    // 4
    func test04_seqStartsAtOneAndCountsFramesEvenWithoutSubscribers() throws {
        try supplier.start()
        for marker in UInt64(1)...3 { publishAndDistribute(supplier, testFrame(marker)) }
        XCTAssertEqual(supplier.stats().distributed, 3)
        let reader = try supplier.subscribe("late")
        publishAndDistribute(supplier, testFrame(4))
        XCTAssertEqual(try XCTUnwrap(reader.poll()).seq, 4)
    }

    // 5
    func test05_aFastWorkerDropsNothingAndAWorkerThatNeverReadsDropsAllButTheLast() throws {
        let fast = try supplier.subscribe("fast")
        _ = try supplier.subscribe("idle")
        try supplier.start()
        for marker in UInt64(1)...5 {
            publishAndDistribute(supplier, testFrame(marker))
            XCTAssertEqual(try XCTUnwrap(fast.poll()).seq, marker)
        }
        let stats = supplier.stats()
        XCTAssertEqual(stats.worker("fast")?.totalDrops, 0)
        XCTAssertEqual(stats.worker("fast")?.lastConsumedSeq, 5)
        XCTAssertEqual(stats.worker("idle")?.totalDrops, 4)
        XCTAssertEqual(stats.worker("idle")?.slot.isWaiting, true, "the 5th frame waits")
    }

    // 6
    func test06_aLateSubscriberNeverCountsEarlierFramesAsDrops() throws {
        try supplier.start()
        for marker in UInt64(1)...3 { publishAndDistribute(supplier, testFrame(marker)) }
        let reader = try supplier.subscribe("late")
        XCTAssertEqual(supplier.stats().worker("late")?.totalDrops, 0)
        publishAndDistribute(supplier, testFrame(4))
        publishAndDistribute(supplier, testFrame(5))
        let stats = try XCTUnwrap(supplier.stats().worker("late"))
        XCTAssertEqual(stats.delivered, 2)
        XCTAssertEqual(stats.totalDrops, 1, "only frame 4, overwritten by 5, is a drop")
        XCTAssertEqual(try XCTUnwrap(reader.poll()).seq, 5)
    }

    // 7
    func test07_publishNeverBlocks() throws {
        supplier = FrameSupplier(clock: SystemClock())
        _ = try supplier.subscribe("never-reads")
        try supplier.start()
        let start = monotonicNanos()
        for marker in UInt64(1)...100 { supplier.publish(testFrame(marker)) }
        let elapsed = monotonicNanos() - start
        XCTAssertLessThan(elapsed, 100_000_000, "100 publishes took \(elapsed) ns")
        supplier.stop()
        let stats = supplier.stats()
        XCTAssertTrue(stats.inbox.isBalanced)
        XCTAssertEqual(stats.inbox.offered, 100)
    }

    // 8
    func testFanOut(workers count: Int) throws {
        supplier = FrameSupplier(clock: SystemClock())
        let readers = try (0..<count).map { try supplier.subscribe("w\($0)") }
        try supplier.start()
        let received = DispatchGroup()
        let seqs = SeqRecorder(count: count)
        for (index, reader) in readers.enumerated() {
            received.enter()
            DispatchQueue.global().async {
                seqs.set(index, reader.read()?.seq ?? 0)
                received.leave()
            }
        }
        supplier.publish(testFrame(1))
        XCTAssertEqual(received.wait(timeout: .now() + 10), .success, "every worker receives the frame")
        XCTAssertEqual(seqs.values, Array(repeating: 1, count: count))
        XCTAssertEqual(supplier.stats().chunkedFanOuts, count > 8 ? 1 : 0,
                       count > 8 ? "more than 8 workers: concurrent chunks" : "up to 8 workers: sequential on the loop")
    }

    func test08_fanOutTo8WorkersIsSequential() throws { try testFanOut(workers: 8) }
    func test08_fanOutTo9WorkersUsesChunks() throws { try testFanOut(workers: 9) }
    func test08_fanOutTo16WorkersUsesChunks() throws { try testFanOut(workers: 16) }
    func test08_fanOutTo64WorkersUsesChunks() throws { try testFanOut(workers: 64) }

    func test08_thresholdIsAParameter() throws {
        supplier = FrameSupplier(configuration: .init(fanOutThreshold: 2), clock: SystemClock())
        let readers = try (0..<3).map { try supplier.subscribe("w\($0)") }
        try supplier.start()
        supplier.publish(testFrame(1))
        for reader in readers { XCTAssertEqual(reader.read()?.seq, 1) }
        XCTAssertEqual(supplier.stats().chunkedFanOuts, 1)
    }

    // 9
    func blockedReaderReturnsNil(after action: (FrameSupplier) -> Void) throws {
        supplier = FrameSupplier(clock: SystemClock())
        let reader = try supplier.subscribe("w")
        try supplier.start()
        let result = SeqRecorder(count: 1)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            result.set(0, reader.read()?.seq ?? 0)
            done.signal()
        }
        waitFor("the reader to block") { reader.snapshot().blockedReaders == 1 }
        let start = monotonicNanos()
        action(supplier)
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        let elapsed = monotonicNanos() - start
        XCTAssertLessThan(elapsed, 100_000_000, "a blocked reader returns within 100 ms (took \(elapsed) ns)")
        XCTAssertEqual(result.values, [0], "the reader got nil")
    }

    func test09_blockedReaderReturnsNilOnUnsubscribe() throws { try blockedReaderReturnsNil { $0.unsubscribe("w") } }
    func test09_blockedReaderReturnsNilOnStop() throws { try blockedReaderReturnsNil { $0.stop() } }

    func test09_aFrameWaitingInAClosedSlotIsDiscardedNotDroppedNorReturned() throws {
        let reader = try supplier.subscribe("w")
        try supplier.start()
        publishAndDistribute(supplier, testFrame(1))
        supplier.stop()
        XCTAssertNil(reader.read())
        let stats = try XCTUnwrap(supplier.stats().worker("w"))
        XCTAssertEqual(stats.totalDrops, 0)
        XCTAssertEqual(stats.slot.discardedAtClose, 1)
        XCTAssertTrue(stats.slot.isBalanced)
    }

    // 10
    func test10_subscribingAfterStopReturnsAReaderThatEndsAtOnce() throws {
        try supplier.start()
        supplier.stop()
        let reader = try supplier.subscribe("late")
        XCTAssertNil(reader.read(), "returns nil at once instead of blocking")
        XCTAssertNil(supplier.stats().worker("late"), "not registered")
    }

    func test10_subscribingDuringStopReturnsAReaderThatEnds() throws {
        supplier = FrameSupplier(clock: SystemClock())
        try supplier.start()
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { [supplier] in
            supplier!.stop()
            stopped.signal()
        }
        // Whichever side of stop the subscription lands on, its reader must end.
        let reader = try supplier.subscribe("racing")
        XCTAssertEqual(stopped.wait(timeout: .now() + 5), .success)
        XCTAssertNil(reader.read())
    }

    // 11
    func test11_harmlessRepeatsAndForbiddenRestarts() throws {
        _ = try supplier.subscribe("w")
        supplier.unsubscribe("unknown")
        XCTAssertEqual(supplier.stats().workers.map(\.id), ["w"])
        try supplier.start()
        XCTAssertThrowsError(try supplier.start()) { XCTAssertEqual($0 as? FrameSupplier.LifecycleError, .alreadyStarted) }
        supplier.unsubscribe("w")
        supplier.unsubscribe("w")
        XCTAssertTrue(supplier.stats().workers.isEmpty)
        supplier.stop()
        supplier.stop()
        supplier.unsubscribe("w")
        XCTAssertThrowsError(try supplier.start()) { XCTAssertEqual($0 as? FrameSupplier.LifecycleError, .stopped) }
    }

    // 12
    func test12_subscribingAnExistingIdIsRejectedAndTheFirstReaderKeepsWorking() throws {
        let first = try supplier.subscribe("w")
        XCTAssertThrowsError(try supplier.subscribe("w")) {
            XCTAssertEqual($0 as? FrameSupplier.LifecycleError, .duplicateSubscriber("w"))
        }
        try supplier.start()
        publishAndDistribute(supplier, testFrame(1))
        XCTAssertEqual(first.poll()?.seq, 1)
        XCTAssertEqual(supplier.stats().workers.count, 1)
    }

    // 13
    func test13_statsLoseAWorkerOnUnsubscribeAndKeepItAfterStop() throws {
        _ = try supplier.subscribe("a")
        _ = try supplier.subscribe("b")
        try supplier.start()
        supplier.unsubscribe("a")
        XCTAssertEqual(supplier.stats().workers.map(\.id), ["b"])
        supplier.stop()
        XCTAssertEqual(supplier.stats().workers.map(\.id), ["b"])
    }

    func testIdleAfterThirtySecondsWithoutARead() throws {
        let reader = try supplier.subscribe("w")
        try supplier.start()
        clock.advance(by: 30_000_000_000)
        XCTAssertEqual(supplier.stats().worker("w")?.isIdle, false, "exactly 30 s is not yet idle")
        clock.advance(by: 1)
        XCTAssertEqual(supplier.stats().worker("w")?.isIdle, true, "never read: idle 30 s after subscribing")
        publishAndDistribute(supplier, testFrame(1))
        _ = reader.poll()
        XCTAssertEqual(supplier.stats().worker("w")?.isIdle, false)
        clock.advance(by: 30_000_000_001)
        XCTAssertEqual(supplier.stats().worker("w")?.isIdle, true)
    }

    // 14
    /// Drives the real supplier on a manual clock: frames every `period`, a worker that is
    /// busy `service` after each read and reads the waiting frame the moment it is free.
    private func steadyState(period: UInt64, service: UInt64, frames: Int) throws -> (dropFraction: Double, maxAge: UInt64) {
        let reader = try supplier.subscribe("w")
        try supplier.start()
        let origin = clock.now()
        var freeAt: UInt64? = origin  // nil while the worker is blocked waiting for a frame
        var maxAge: UInt64 = 0
        func consume(at time: UInt64) -> Bool {
            guard let frame = reader.poll() else { return false }
            maxAge = max(maxAge, time - frame.capturedAt)
            freeAt = time + service
            return true
        }
        for k in 0..<frames {
            let t = origin + UInt64(k) * period
            // The worker finishes every service that ends before this arrival and takes
            // whatever is waiting; with nothing waiting it blocks until the next delivery.
            while let free = freeAt, free <= t {
                clock.set(free)
                if !consume(at: free) { freeAt = nil }
            }
            clock.set(t)
            publishAndDistribute(supplier, testFrame(t))
            if freeAt == nil { _ = consume(at: t) }
        }
        let stats = try XCTUnwrap(supplier.stats().worker("w"))
        XCTAssertEqual(supplier.stats().inboxDrops, 0)
        return (Double(stats.totalDrops) / Double(stats.delivered), maxAge)
    }

    func test14_serviceShorterThanThePeriodDropsNothing() throws {
        let period: UInt64 = 33_333_333
        let result = try steadyState(period: period, service: 20_000_000, frames: 300)
        XCTAssertEqual(result.dropFraction, 0)
        XCTAssertLessThanOrEqual(result.maxAge, period, "age stays under one period")
    }

    func test14_serviceOf50msAt30fpsDropsAThird() throws {
        let period: UInt64 = 33_333_333
        let result = try steadyState(period: period, service: 50_000_000, frames: 900)
        XCTAssertEqual(result.dropFraction, 1 - 33.333333 / 50, accuracy: 0.01)
        XCTAssertLessThan(result.maxAge, period, "a consumed frame is never older than one period")
    }

    func test14_serviceOf100msAt30fpsDropsTwoThirds() throws {
        let result = try steadyState(period: 33_333_333, service: 100_000_000, frames: 900)
        XCTAssertEqual(result.dropFraction, 1 - 33.333333 / 100, accuracy: 0.01)
    }

    // 15
    func test15_a30fpsSourceWithA1fpsWorkerDrops29FramesPerSecond() throws {
        let reader = try supplier.subscribe("w")
        try supplier.start()
        let period: UInt64 = 1_000_000_000 / 30
        let seconds = 3
        for k in 0..<(30 * seconds + 1) {
            clock.set(1_000 + UInt64(k) * period)
            publishAndDistribute(supplier, testFrame(UInt64(k)))
            if k % 30 == 0 { XCTAssertNotNil(reader.poll(), "the worker reads once a second") }
        }
        let stats = supplier.stats()
        XCTAssertEqual(stats.inboxDrops, 0, "normal load: the inbox does not drop")
        XCTAssertEqual(stats.worker("w")?.totalDrops, UInt64(29 * seconds))
    }
}

/// Results written by reader threads and read after they signalled.
final class SeqRecorder: @unchecked Sendable {
    private let lock = ConditionLock()
    private var storage: [UInt64]
    init(count: Int) { storage = Array(repeating: UInt64.max, count: count) }
    func set(_ index: Int, _ value: UInt64) { lock.withLock { storage[index] = value } }
    var values: [UInt64] { lock.withLock { storage } }
}
