import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Something a mailbox can remember the sequence number of when it is taken.
public protocol Sequenced: StreamItem {
    var seq: UInt64 { get }
}

extension Frame: Sequenced {
    public var stream: Int { streamID }
}

/// Where a FrameSupplier delivers a subscriber's frames: a worker's own slot (a
/// ``Mailbox``), or a shared component's intake (a ``FrameBuffer`` stream slot) that
/// looks like an ordinary worker to the supplier.
public protocol FrameSink: AnyObject, Sendable {
    /// Delivers without blocking beyond a mutex; false when a frame was dropped or the
    /// sink is closed.
    @discardableResult func offer(_ frame: Frame) -> Bool
    /// No more deliveries; a waiting frame is discarded (not a drop).
    func close()
    func snapshot() -> MailboxSnapshot
}

extension Mailbox: FrameSink where Item == Frame {}

/// A single-slot mailbox: a ``LatestFrameSlot`` behind a mutex, its reader parked on a
/// ``WakeWord`` while the slot is empty, as every hand-off in the original (the
/// supplier's inbox and each worker's slot, there a mutex and condition variable).
/// An offer wakes the reader only when it sleeps, after unlocking.
///
/// Threading: `offer` never blocks beyond the mutex; `take` blocks while the slot is
/// empty and open. Any number of threads may offer; one thread takes.
public final class Mailbox<Item: Sequenced>: @unchecked Sendable {
    /// Only its mutex: the reader sleeps on `wake`.
    private let lock = ConditionLock()
    private let wake = WakeWord()
    private let clock: any NanoClock
    // Read and written under `lock` only: the lock keeps their accesses exclusive, so the
    // runtime's dynamic exclusivity check (per access) is left out.
    @exclusivity(unchecked) private var slot: LatestFrameSlot<Item>
    @exclusivity(unchecked) private var lastTakenAt: UInt64?
    @exclusivity(unchecked) private var lastTakenSeq: UInt64?
    @exclusivity(unchecked) private var blockedReaders = 0
    /// A reader that is not a thread, waiting (``takeOrListen(_:)``): the offer that
    /// brings an item takes it for the reader and calls it.
    @exclusivity(unchecked) private var listener: (@Sendable (Item?) -> Void)?
    public let createdAt: UInt64

    public init(policy: SlotPolicy = .overwrite, clock: any NanoClock) {
        self.clock = clock
        slot = LatestFrameSlot(policy: policy)
        createdAt = clock.now()
    }

    /// Offers an item and wakes the reader; returns false when an item was dropped or
    /// the mailbox is closed.
    @discardableResult
    public func offer(_ item: Item) -> Bool {
        lock.lock()
        if let reader = listener, let handed = slot.passThrough(item) {
            listener = nil
            blockedReaders -= 1
            recordTake(handed)
            lock.unlock()
            reader(handed)
            return true
        }
        let outcome = slot.offer(item)
        // Nobody to wake unless the reader is blocked.
        let wakes = outcome != .ignoredClosed && blockedReaders > 0
        if wakes { wake.advance() }
        lock.unlock()
        if wakes { wake.wakeOne() }
        return outcome == .stored
    }

    /// Blocks until an item is waiting or the mailbox closes; nil once closed.
    public func take() -> Item? {
        switch take(until: .max) {
        case .item(let item): return item
        case .closed, .timedOut: return nil
        }
    }

    /// Blocks until an item is waiting, the mailbox closes or the monotonic `deadline`
    /// passes (a worker that crashes while idle stops waiting at its crash time).
    public func take(until deadline: UInt64) -> Taken<Item> {
        lock.lock()
        defer { lock.unlock() }
        while true {
            switch slot.take() {
            case .item(let item):
                recordTake(item)
                return .item(item)
            case .closed:
                return .closed
            case .empty:
                if deadline != .max && clock.now() >= deadline { return .timedOut }
                blockedReaders += 1
                let ticket = wake.ticket
                lock.unlock()
                wake.wait(whileTicket: ticket, until: deadline)
                lock.lock()
                blockedReaders -= 1
            }
        }
    }

    /// Takes the waiting item without blocking, or, when the slot is empty and open,
    /// leaves `listener` to be called once: with the item, on the thread of the offer that
    /// brings it (which takes it for the reader, counted as a take then), or with nil when
    /// the mailbox closes. A reader that holds no thread (``SleepingWorker``); one reader
    /// at a time, as with ``take()``, and counted among `blockedReaders` while it listens.
    public func takeOrListen(_ reader: @escaping @Sendable (Item?) -> Void) -> LatestFrameSlot<Item>.TakeOutcome {
        lock.lock()
        defer { lock.unlock() }
        let outcome = slot.take()
        switch outcome {
        case .item(let item): recordTake(item)
        case .closed: break
        case .empty:
            listener = reader
            blockedReaders += 1
        }
        return outcome
    }

    /// Takes the waiting item without blocking.
    public func poll() -> LatestFrameSlot<Item>.TakeOutcome {
        lock.withLock {
            let outcome = slot.take()
            if case .item(let item) = outcome { recordTake(item) }
            return outcome
        }
    }

    private func recordTake(_ item: Item) {
        lastTakenAt = clock.now()
        lastTakenSeq = item.seq
    }

    /// Closes the mailbox: a waiting item is discarded (not a drop), blocked readers
    /// return nil, later offers are ignored.
    public func close() {
        let (discarded, reader): (Item?, (@Sendable (Item?) -> Void)?) = lock.withLock {
            let item = slot.close()
            wake.advance()
            let reader = listener
            if reader != nil {
                listener = nil
                blockedReaders -= 1
            }
            return (item, reader)
        }
        wake.wakeAll()
        reader?(nil)
        _ = discarded
    }

    public func snapshot() -> MailboxSnapshot {
        lock.withLock {
            MailboxSnapshot(counts: slot.counts, lastTakenAt: lastTakenAt, lastTakenSeq: lastTakenSeq,
                            createdAt: createdAt, blockedReaders: blockedReaders)
        }
    }
}

/// What a timed take returns.
public enum Taken<Item: Sendable>: Sendable {
    case item(Item)
    case timedOut
    case closed
}

/// A consistent copy of a mailbox's state, taken under its lock: its ``SlotCounts`` and
/// what the original's stats add (when it was last read, by whom it is awaited).
public struct MailboxSnapshot: Sendable, Equatable {
    public var counts: SlotCounts
    public var lastTakenAt: UInt64?
    public var lastTakenSeq: UInt64?
    public var createdAt: UInt64
    /// Readers blocked in `take()` right now (lets tests synchronise on state, not sleeps).
    public var blockedReaders: Int

    public var offered: UInt64 { counts.offered }
    public var taken: UInt64 { counts.taken }
    public var totalDrops: UInt64 { counts.totalDrops }
    public var consecutiveDrops: UInt64 { counts.consecutiveDrops }
    public var discardedAtClose: UInt64 { counts.discardedAtClose }
    public var ignoredWhileClosed: UInt64 { counts.ignoredWhileClosed }
    public var crossStreamDrops: UInt64 { counts.crossStreamDrops }
    public var isWaiting: Bool { counts.isWaiting }
    public var isClosed: Bool { counts.isClosed }
    public var isBalanced: Bool { counts.isBalanced }
}
