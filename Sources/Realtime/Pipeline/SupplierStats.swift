import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// A FrameSupplier's state, as the original's stats snapshot plus the counters that
/// make every frame accountable.
public struct SupplierStats: Sendable {
    public var inbox: MailboxSnapshot
    /// Per stream, for a per-stream inbox (empty for the single inbox).
    public var inboxByStream: [Int: MailboxSnapshot] = [:]
    /// Frames the loop has taken from the inbox and assigned a seq (the last seq).
    public var distributed: UInt64
    /// Frames delivered in concurrent chunks (more workers than the threshold).
    public var chunkedFanOuts: UInt64
    /// CPU spent by chunk deliverer threads (outside the loop thread).
    public var chunkDeliveryCPUNanos: UInt64
    public var workers: [WorkerSlotStats]

    /// Frames overwritten in the inbox before the loop took them.
    public var inboxDrops: UInt64 { inbox.totalDrops }

    public func worker(_ id: String) -> WorkerSlotStats? { workers.first { $0.id == id } }
}

/// One worker's slot, in the original's terms.
public struct WorkerSlotStats: Sendable {
    public var id: String
    public var slot: MailboxSnapshot
    /// True when more than the idle threshold has passed since the last read (or since
    /// subscribing, if never read).
    public var isIdle: Bool

    public var totalDrops: UInt64 { slot.totalDrops }
    public var consecutiveDrops: UInt64 { slot.consecutiveDrops }
    public var lastConsumedSeq: UInt64? { slot.lastTakenSeq }
    public var lastConsumedAt: UInt64? { slot.lastTakenAt }
    public var delivered: UInt64 { slot.offered }
    public var consumed: UInt64 { slot.taken }
}
