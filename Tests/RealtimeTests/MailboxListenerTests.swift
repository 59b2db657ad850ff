import Foundation
@testable import Realtime
import RuntimeSupport
@testable import ScaleBenchCore
import Video
import XCTest

/// A reader that holds no thread (``Mailbox/takeOrListen(_:)``, what a ``SleepingWorker``
/// reads its slot with): the offer that finds it listening hands it the frame on the
/// offering thread; otherwise the slot behaves as for a thread that blocks in `take`.
final class MailboxListenerTests: XCTestCase {
    private static let pixels = PixelBuffer(layout: PixelLayout(format: .rgb24, width: 1, height: 1))

    private func frame(_ seq: UInt64) -> Frame { Self.frame(seq) }

    private static func frame(_ seq: UInt64) -> Frame {
        var frame = Frame(streamID: 0, capturedAt: seq, width: 1, height: 1, format: .rgb24, pixels: pixels)
        frame.seq = seq
        return frame
    }

    /// What a listener was called with, and on which thread.
    private final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [(seq: UInt64?, thread: pthread_t)] = []
        func add(_ frame: Frame?) { lock.withLock { seen.append((frame?.seq, pthread_self())) } }
        var all: [(seq: UInt64?, thread: pthread_t)] { lock.withLock { seen } }
    }

    func testAListeningReaderIsHandedTheFrameOnTheOfferingThreadAndCountedAsATake() {
        let mailbox = Mailbox<Frame>(clock: SystemClock())
        let calls = Calls()
        guard case .empty = mailbox.takeOrListen({ calls.add($0) }) else { return XCTFail("an empty slot leaves the reader listening") }
        XCTAssertEqual(mailbox.snapshot().blockedReaders, 1, "a listening reader counts as a blocked one")

        XCTAssertTrue(mailbox.offer(frame(1)))
        XCTAssertEqual(calls.all.map(\.seq), [1])
        XCTAssertTrue(pthread_equal(calls.all[0].thread, pthread_self()) != 0, "called on the offering thread")
        var snapshot = mailbox.snapshot()
        XCTAssertEqual(snapshot.offered, 1)
        XCTAssertEqual(snapshot.taken, 1)
        XCTAssertEqual(snapshot.lastTakenSeq, 1)
        XCTAssertEqual(snapshot.blockedReaders, 0)
        XCTAssertFalse(snapshot.isWaiting)

        // Busy (not listening): frames wait in the slot and overwrite each other there.
        mailbox.offer(frame(2))
        mailbox.offer(frame(3))
        XCTAssertEqual(calls.all.count, 1, "a reader that is not listening is not called")
        snapshot = mailbox.snapshot()
        XCTAssertEqual(snapshot.totalDrops, 1)
        XCTAssertEqual(snapshot.consecutiveDrops, 1)
        guard case .item(let waiting) = mailbox.takeOrListen({ calls.add($0) }) else { return XCTFail("the waiting frame is taken at once") }
        XCTAssertEqual(waiting.seq, 3)
        XCTAssertEqual(calls.all.count, 1)
        snapshot = mailbox.snapshot()
        XCTAssertEqual(snapshot.taken, 2)
        XCTAssertEqual(snapshot.consecutiveDrops, 0)
        XCTAssertTrue(snapshot.isBalanced)
    }

    func testClosingCallsAListeningReaderWithNilAndDiscardsAWaitingFrame() {
        let mailbox = Mailbox<Frame>(clock: SystemClock())
        let calls = Calls()
        _ = mailbox.takeOrListen { calls.add($0) }
        mailbox.close()
        XCTAssertEqual(calls.all.count, 1)
        XCTAssertNil(calls.all[0].seq, "closed: called with nil")
        XCTAssertEqual(mailbox.snapshot().blockedReaders, 0)
        mailbox.offer(frame(1))
        XCTAssertEqual(calls.all.count, 1, "called once only")
        guard case .closed = mailbox.takeOrListen({ calls.add($0) }) else { return XCTFail("a closed slot says so") }

        let other = Mailbox<Frame>(clock: SystemClock())
        other.offer(frame(1))
        other.close()
        XCTAssertEqual(other.snapshot().discardedAtClose, 1)
        guard case .closed = other.takeOrListen({ calls.add($0) }) else { return XCTFail("a frame waiting at close is not handed out") }
        XCTAssertEqual(calls.all.count, 1)
    }

    /// Every frame reaches a listener that listens again after each, offered from another
    /// thread while the reader's own steps run on it: nothing lost, nothing twice.
    func testAReaderThatListensAgainAfterEachFrameGetsEveryFrameOfASlowPublisher() {
        let mailbox = Mailbox<Frame>(clock: SystemClock())
        let calls = Calls()
        final class Reader: @unchecked Sendable {
            var call: (@Sendable (Frame?) -> Void)!
        }
        let reader = Reader()
        reader.call = { frame in
            calls.add(frame)
            guard frame != nil else { return }
            if case .item(let next) = mailbox.takeOrListen(reader.call) { calls.add(next) }
        }
        _ = mailbox.takeOrListen(reader.call)
        let publisher = OSThread(name: "publisher", role: .capture) {
            for seq in UInt64(1)...200 {
                // Each frame only once the reader listens again: no overwrite.
                while mailbox.snapshot().blockedReaders == 0 { sched_yield() }
                mailbox.offer(Self.frame(seq))
            }
        }
        publisher.start()
        publisher.join()
        mailbox.close()
        XCTAssertEqual(calls.all.compactMap(\.seq), Array(1...200))
        XCTAssertEqual(calls.all.count, 201, "and nil at close")
        XCTAssertEqual(mailbox.snapshot().totalDrops, 0)
    }
}
