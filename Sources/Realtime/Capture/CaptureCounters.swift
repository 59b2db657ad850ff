import Synchronization
import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// A capture's counters, written by its thread and read by the harness at window
/// boundaries (relaxed atomics: each value is a plain counter).
public final class CaptureCounters: Sendable {
    /// Arrivals whose time has come.
    public let due = Atomic<UInt64>(0)
    /// Frames produced and published.
    public let published = Atomic<UInt64>(0)
    /// Arrivals skipped because the capture fell a whole arrival behind (rate control
    /// drops, never bursts).
    public let drops = Atomic<UInt64>(0)
    /// Source frames skipped by rate control to reach the target fps.
    public let rateControlDrops = Atomic<UInt64>(0)
    /// Sum and maximum of how late each published frame was against its schedule.
    public let latenessSumNanos = Atomic<UInt64>(0)
    public let latenessMaxNanos = Atomic<UInt64>(0)

    public init() {}

    public func snapshot() -> CaptureSnapshot {
        CaptureSnapshot(due: due.load(ordering: .relaxed), published: published.load(ordering: .relaxed),
                        drops: drops.load(ordering: .relaxed),
                        rateControlDrops: rateControlDrops.load(ordering: .relaxed),
                        latenessSumNanos: latenessSumNanos.load(ordering: .relaxed),
                        latenessMaxNanos: latenessMaxNanos.load(ordering: .relaxed))
    }
}
