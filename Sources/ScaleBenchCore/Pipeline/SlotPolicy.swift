import Random

/// What a single-slot mailbox does when an item arrives and the slot is occupied.
public enum SlotPolicy: String, Sendable, Codable, CaseIterable {
    /// The new item replaces the waiting one, which is dropped: the FrameSupplier's rule
    /// ("drop frames, never queue"; latency over completeness).
    case overwrite
    /// The new item is dropped and the waiting one kept: the frame-buffer sketched in P002.
    case dropNew = "drop-new"
}

/// Something a slot holds that belongs to a stream: a frame, real or virtual. A slot
/// counts the drops where one stream's item overwrites another's.
public protocol StreamItem: Sendable {
    var stream: Int { get }
}

/// The decision logic of a single-slot mailbox, with no clock, lock or thread
/// (DESIGN principle 2): the realtime ``Mailbox`` wraps it in a mutex and condition
/// variable, and a simulated executor can drive the very same value in virtual time.
///
/// Accounting invariant, checked by ``isBalanced``:
/// `offered = taken + totalDrops + discardedAtClose + (waiting ? 1 : 0)`.
public struct LatestFrameSlot<Item: StreamItem>: Sendable {
    public enum OfferOutcome: Equatable, Sendable {
        /// The slot was empty; the item waits in it.
        case stored
        /// The slot was occupied and the waiting item was dropped (``SlotPolicy/overwrite``).
        case droppedWaiting
        /// The slot was occupied and the new item was dropped (``SlotPolicy/dropNew``).
        case droppedNew
        /// The slot is closed; the item was not offered.
        case ignoredClosed
    }

    public enum TakeOutcome {
        case item(Item)
        case empty
        case closed
    }

    // What an offer reads and writes comes first (declaration order is the layout's):
    // a simulator's slot is out of the L1 cache by the time its stream's next frame comes.
    public private(set) var waiting: Item?
    public let policy: SlotPolicy
    public private(set) var isClosed = false
    /// Items offered while open.
    public private(set) var offered: UInt64 = 0
    /// Drops since the last take.
    public private(set) var consecutiveDrops: UInt64 = 0
    public private(set) var totalDrops: UInt64 = 0
    public private(set) var taken: UInt64 = 0
    /// Items waiting when the slot closed: discarded, and not counted as drops.
    public private(set) var discardedAtClose: UInt64 = 0
    /// Offers that arrived after closing.
    public private(set) var ignoredWhileClosed: UInt64 = 0
    /// Drops where the new item belongs to another stream than the waiting one: a slot
    /// shared by several streams (option B's single inbox and single worker slot).
    public private(set) var crossStreamDrops: UInt64 = 0

    public init(policy: SlotPolicy = .overwrite) { self.policy = policy }

    public var isOccupied: Bool { waiting != nil }

    /// Offers an item. A dropped item is released here; the outcome carries no payload,
    /// because copying frames in and out of an enum was a measured share of `publish`.
    @discardableResult
    public mutating func offer(_ item: Item) -> OfferOutcome {
        if isClosed {
            ignoredWhileClosed &+= 1
            return .ignoredClosed
        }
        offered &+= 1
        if waiting == nil {
            waiting = item
            return .stored
        }
        totalDrops &+= 1
        consecutiveDrops &+= 1
        if waiting!.stream != item.stream { crossStreamDrops &+= 1 }
        switch policy {
        case .overwrite:
            // In place: replacing the whole optional went through its generic value
            // witnesses (metadata look-up, enum tag, destroy) on every drop.
            waiting! = item
            return .droppedWaiting
        case .dropNew:
            return .droppedNew
        }
    }

    /// ``offer(_:)`` then ``take()`` in one step when the slot is open and empty (a reader
    /// already waits on it): the same counters, and the item back; nil, with nothing done,
    /// when the slot is closed or occupied.
    public mutating func passThrough(_ item: Item) -> Item? {
        guard !isClosed, waiting == nil else { return nil }
        offered &+= 1
        taken &+= 1
        consecutiveDrops = 0
        return item
    }

    public mutating func take() -> TakeOutcome {
        if isClosed { return .closed }
        guard let item = waiting else { return .empty }
        waiting = nil
        taken &+= 1
        consecutiveDrops = 0
        return .item(item)
    }

    /// Closes the slot; a waiting item is discarded and returned.
    @discardableResult
    public mutating func close() -> Item? {
        guard !isClosed else { return nil }
        isClosed = true
        let discarded = waiting
        if discarded != nil { discardedAtClose += 1 }
        waiting = nil
        return discarded
    }

    public var isBalanced: Bool { counts.isBalanced }

    /// The slot's counters, as every executor reports them.
    public var counts: SlotCounts {
        SlotCounts(offered: offered, taken: taken, totalDrops: totalDrops, consecutiveDrops: consecutiveDrops,
                   discardedAtClose: discardedAtClose, ignoredWhileClosed: ignoredWhileClosed,
                   crossStreamDrops: crossStreamDrops, isWaiting: waiting != nil, isClosed: isClosed)
    }
}

/// A slot's counters at one moment: the one counter type of every slot — a supplier's
/// inbox, a worker's slot, a frame-buffer's stream slot — in both executors.
public struct SlotCounts: Sendable, Equatable {
    public var offered: UInt64 = 0
    public var taken: UInt64 = 0
    public var totalDrops: UInt64 = 0
    public var consecutiveDrops: UInt64 = 0
    public var discardedAtClose: UInt64 = 0
    public var ignoredWhileClosed: UInt64 = 0
    public var crossStreamDrops: UInt64 = 0
    public var isWaiting = false
    public var isClosed = false

    public init(offered: UInt64 = 0, taken: UInt64 = 0, totalDrops: UInt64 = 0, consecutiveDrops: UInt64 = 0,
                discardedAtClose: UInt64 = 0, ignoredWhileClosed: UInt64 = 0, crossStreamDrops: UInt64 = 0,
                isWaiting: Bool = false, isClosed: Bool = false) {
        self.offered = offered
        self.taken = taken
        self.totalDrops = totalDrops
        self.consecutiveDrops = consecutiveDrops
        self.discardedAtClose = discardedAtClose
        self.ignoredWhileClosed = ignoredWhileClosed
        self.crossStreamDrops = crossStreamDrops
        self.isWaiting = isWaiting
        self.isClosed = isClosed
    }

    /// Frames that were in the slot when it closed, or still wait in it.
    public var inFlightAtStop: UInt64 { discardedAtClose + (isWaiting ? 1 : 0) }

    /// offered = taken + drops + discarded at close + the one waiting.
    public var isBalanced: Bool { offered == taken + totalDrops + inFlightAtStop }

    /// Several slots as one (a per-stream inbox, a frame-buffer's slots).
    public static func sum(_ slots: [SlotCounts]) -> SlotCounts {
        var total = SlotCounts(isClosed: !slots.isEmpty)
        for slot in slots {
            total.offered += slot.offered
            total.taken += slot.taken
            total.totalDrops += slot.totalDrops
            total.consecutiveDrops = max(total.consecutiveDrops, slot.consecutiveDrops)
            total.discardedAtClose += slot.discardedAtClose
            total.ignoredWhileClosed += slot.ignoredWhileClosed
            total.crossStreamDrops += slot.crossStreamDrops
            total.isWaiting = total.isWaiting || slot.isWaiting
            total.isClosed = total.isClosed && slot.isClosed
        }
        return total
    }
}
