import ScaleBenchCore
import RuntimeSupport
import Video

/// The supplier's single-slot inbox, with the right to distribute attached to it.
///
/// Exactly one thread distributes at a time: the distribution loop while it is awake, or
/// a publisher that found the loop asleep with nothing waiting. That publisher takes its
/// own frame out of the inbox (counted as offered and taken, as the loop would have) and
/// distributes it on its own thread, so a frame to an idle supplier wakes one thread (the
/// worker) instead of two (the loop, then the worker); waking the original's loop goroutine
/// is a switch in user space, not a thread wake-up. Frames published meanwhile wait in the
/// slot and overwrite each other as before; the loop takes them once the publisher is done.
///
/// ```
///  publish ─► loop asleep, no one distributing, ──yes──► publisher distributes (1 wake-up)
///             last such distribution ≥ 50 µs ago?
///                   │ no
///                   └──► slot (overwrite) ──► the loop distributes (woken, or at its next nap's end)
/// ```
///
/// Only for a supplier with one publisher (`publisherMayDistribute`); with several, every
/// frame goes through the slot and wakes the loop, as in the original.
///
/// Threading: `offer` never blocks beyond the mutex; `take` is the loop's (one thread).
final class SupplierInbox: @unchecked Sendable {
    private let lock = ConditionLock()
    private let clock: any NanoClock
    // Every `var` below is read and written under `lock` only: the lock keeps their
    // accesses exclusive, so the runtime's dynamic exclusivity check (a thread-local
    // access set, entered and left per access, as dear as the rest of `offer`) is left out.
    @exclusivity(unchecked) private var slot = LatestFrameSlot<Frame>(policy: .overwrite)
    @exclusivity(unchecked) private var lastTakenAt: UInt64?
    @exclusivity(unchecked) private var lastTakenSeq: UInt64?
    /// The loop is blocked in `take` (0 or 1).
    @exclusivity(unchecked) private var loopParked = 0
    /// A publisher is distributing a frame it took itself.
    @exclusivity(unchecked) private var publisherDistributing = false
    /// Off until the loop runs: before `start`, frames wait in the slot (behaviour 1).
    @exclusivity(unchecked) private var inlineAllowed = false
    /// Whether a publisher may distribute at all (one publisher per supplier).
    private let publisherMayDistribute: Bool
    /// When the last publisher's distribution ended (nil: none yet).
    @exclusivity(unchecked) private var lastPublisherDistribution: UInt64?
    /// The loop, woken during a burst, sleeps at most `burstGapNanos` before it looks again:
    /// publishers store without waking it.
    @exclusivity(unchecked) private var loopNapping = false
    /// The loop's next wait is a nap (it was last woken for a frame).
    @exclusivity(unchecked) private var napsNext = false
    let createdAt: UInt64

    /// A publisher distributes only when the previous one it did ended at least this long
    /// ago: a frame every 33 ms always does. A burst of publishes (the `publish` cost
    /// benchmark, a capture catching up) goes through the slot instead, where frames
    /// overwrite each other, and the loop distributes the latest every `burstGapNanos` until
    /// a whole gap passes with none: one timer wake-up per gap instead of a distribution or
    /// a wake-up per publish.
    static let burstGapNanos: UInt64 = 50_000

    init(clock: any NanoClock, publisherMayDistribute: Bool) {
        self.clock = clock
        self.publisherMayDistribute = publisherMayDistribute
        createdAt = clock.now()
    }

    /// Stores `frame`, or returns it when the caller is to distribute it now: the loop is
    /// asleep and nobody else is distributing. The caller must then call `endDistribution`.
    @inline(__always)
    func offer(_ frame: Frame) -> Frame? {
        lock.lock()
        defer { lock.unlock() }
        let outcome = slot.offer(frame)
        guard outcome != .ignoredClosed else { return nil }
        guard loopParked > 0 && !loopNapping && !publisherDistributing else { return nil }
        if inlineAllowed && outsideBurst(), case .item(let own) = slot.take() {
            publisherDistributing = true
            recordTake(own)
            return own
        }
        lock.signal()
        return nil
    }

    @inline(__always)
    private func outsideBurst() -> Bool {
        guard publisherMayDistribute else { return false }
        guard let last = lastPublisherDistribution else { return true }
        let now = clock.now()
        return now >= last && now - last >= Self.burstGapNanos
    }

    /// A publisher has finished distributing: a frame that arrived meanwhile goes to the loop.
    func endDistribution() {
        let now = clock.now()
        lock.lock()
        publisherDistributing = false
        lastPublisherDistribution = now
        if slot.isClosed {
            lock.broadcast()  // `close` waits for this distribution (and the loop may too)
        } else if loopParked > 0 && slot.isOccupied {
            lock.signal()  // a frame arrived meanwhile: the loop distributes it
        }
        lock.unlock()
    }

    /// The loop's take: blocks while the slot is empty or a publisher distributes; nil once closed.
    func take() -> Frame? {
        lock.lock()
        defer { lock.unlock() }
        inlineAllowed = true
        while true {
            if !publisherDistributing {
                switch slot.take() {
                case .item(let frame):
                    recordTake(frame)
                    return frame
                case .closed:
                    return nil
                case .empty:
                    break
                }
            } else if slot.isClosed {
                return nil
            }
            loopParked += 1
            if napsNext && !publisherDistributing {
                // In a burst: nap one gap; sleep until woken once a whole gap brought nothing.
                loopNapping = true
                _ = lock.wait(untilMonotonic: SystemClock().now() &+ Self.burstGapNanos)
                loopNapping = false
                napsNext = slot.isOccupied
            } else {
                lock.wait()
                // Woken for a frame: a supplier's only publisher does that only in a burst.
                // With several publishers the loop is woken per frame, as in the original.
                napsNext = publisherMayDistribute
            }
            loopParked -= 1
        }
    }

    private func recordTake(_ frame: Frame) {
        lastTakenAt = clock.now()
        lastTakenSeq = frame.seq
    }

    /// Closes the slot (a waiting frame is discarded, not dropped) and returns once no
    /// publisher is distributing, so nothing is delivered after the supplier stops.
    func close() {
        lock.lock()
        _ = slot.close()
        lock.broadcast()
        while publisherDistributing { lock.wait() }
        lock.unlock()
    }

    func snapshot() -> MailboxSnapshot {
        lock.withLock {
            MailboxSnapshot(counts: slot.counts, lastTakenAt: lastTakenAt, lastTakenSeq: lastTakenSeq,
                            createdAt: createdAt, blockedReaders: loopParked)
        }
    }
}
