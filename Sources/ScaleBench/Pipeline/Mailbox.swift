/// Something a mailbox can remember the sequence number of when it is taken, and whose
/// stream it can tell apart from another's.
public protocol Sequenced: Sendable {
    var seq: UInt64 { get }
    var stream: Int { get }
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

/// A single-slot mailbox: a ``LatestFrameSlot`` behind a mutex and condition variable,
/// as every hand-off in the original (the supplier's inbox and each worker's slot).
///
/// Threading: `offer` never blocks beyond the mutex; `take` blocks while the slot is
/// empty and open. Any number of threads may offer; one thread takes.
public final class Mailbox<Item: Sequenced>: @unchecked Sendable {
    private let lock = ConditionLock()
    private let clock: any NanoClock
    private var slot: LatestFrameSlot<Item>
    private var lastTakenAt: UInt64?
    private var lastTakenSeq: UInt64?
    private var blockedReaders = 0
    /// Drops where the new item belongs to another stream than the one it overwrote (a
    /// single slot shared by several streams: option B's single inbox).
    private var crossStreamDrops: UInt64 = 0
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
        if let waiting = slot.waiting, waiting.stream != item.stream, !slot.isClosed { crossStreamDrops &+= 1 }
        let outcome = slot.offer(item)
        // Nobody to wake unless the reader is blocked.
        if outcome != .ignoredClosed && blockedReaders > 0 { lock.signal() }
        lock.unlock()
        return outcome == .stored
    }

    /// Blocks until an item is waiting or the mailbox closes; nil once closed.
    public func take() -> Item? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            switch slot.take() {
            case .item(let item):
                recordTake(item)
                return item
            case .closed:
                return nil
            case .empty:
                blockedReaders += 1
                lock.wait()
                blockedReaders -= 1
            }
        }
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
        let discarded: Item? = lock.withLock {
            let item = slot.close()
            lock.broadcast()
            return item
        }
        _ = discarded
    }

    public func snapshot() -> MailboxSnapshot {
        lock.withLock {
            MailboxSnapshot(
                offered: slot.offered, taken: slot.taken, totalDrops: slot.totalDrops,
                consecutiveDrops: slot.consecutiveDrops, discardedAtClose: slot.discardedAtClose,
                ignoredWhileClosed: slot.ignoredWhileClosed, isWaiting: slot.isOccupied,
                isClosed: slot.isClosed, lastTakenAt: lastTakenAt, lastTakenSeq: lastTakenSeq,
                createdAt: createdAt, blockedReaders: blockedReaders, crossStreamDrops: crossStreamDrops)
        }
    }
}

/// A consistent copy of a mailbox's counters, taken under its lock.
public struct MailboxSnapshot: Sendable, Equatable {
    public var offered: UInt64
    public var taken: UInt64
    public var totalDrops: UInt64
    public var consecutiveDrops: UInt64
    public var discardedAtClose: UInt64
    public var ignoredWhileClosed: UInt64
    public var isWaiting: Bool
    public var isClosed: Bool
    public var lastTakenAt: UInt64?
    public var lastTakenSeq: UInt64?
    public var createdAt: UInt64
    /// Readers blocked in `take()` right now (lets tests synchronise on state, not sleeps).
    public var blockedReaders: Int
    /// Drops of one stream's item by another stream's (see ``Mailbox``).
    public var crossStreamDrops: UInt64 = 0

    /// offered = taken + drops + discarded at close + the one waiting.
    public var isBalanced: Bool {
        offered == taken + totalDrops + discardedAtClose + (isWaiting ? 1 : 0)
    }
}
