import ScaleBenchCore
import RuntimeSupport
import Random

/// A frame a capture has produced and will present at its due time.
public struct PendingFrame {
    /// When to present it, in ns after the stream's start (phase included); ignored by
    /// unpaced (live network) sources, which present at once.
    public var dueNanos: UInt64
    /// `capturedAt` is stamped when the frame is published.
    public var frame: Frame
    /// Time spent producing it (rendering or decoding + conversion).
    public var productionNanos: UInt64
}

/// The source side of a capture: synthetic rendering, a decoded file, a preloaded clip or
/// a live URL. A capture thread asks for the next frame ahead of its due time, waits, and
/// publishes it; the producer never sees the clock or the supplier.
public protocol FrameProducer {
    /// The next frame to present; nil when a non-looping source has ended.
    mutating func next() throws(VideoError) -> PendingFrame?
    /// Whether frames are presented at their due times (files, synthetic) or as soon as
    /// they arrive (live network sources, which pace themselves).
    var isPaced: Bool { get }
    /// Nominal time between frames, for the late-frame rule.
    var periodNanos: UInt64 { get }
    /// Source frames skipped by rate control (target fps below the source's).
    var rateControlDrops: UInt64 { get }
    var bytesRead: Int64 { get }
    var loops: Int { get }
    var reconnects: Int { get }
    /// Pixel memory this producer holds (its buffer pool).
    var bufferBytes: Int { get }
}

/// Synthetic frames at the arrival times of an ``ArrivalSchedule``.
public struct SyntheticProducer: FrameProducer {
    private var schedule: ArrivalSchedule
    private var pattern: SyntheticPattern
    private let clock = SystemClock()

    /// `schedule` is the stream's arrivals, as the run's instances give them
    /// (``RunInstances/Capture/arrivals()``); `size`: its group's frame size (nil: the scenario's).
    public init(streamID: Int, scenario: RunScenario, schedule: ArrivalSchedule, size: Resolution? = nil) {
        self.schedule = schedule
        pattern = SyntheticPattern(resolution: size ?? scenario.frameSize, format: scenario.pixelFormat, streamID: streamID)
    }

    public mutating func next() throws(VideoError) -> PendingFrame? {
        let due = schedule.next()
        let start = clock.now()
        var frame = pattern.render(timeNanos: due, capturedAt: 0)
        frame.loadState = UInt8(schedule.lastState)
        return PendingFrame(dueNanos: due, frame: frame, productionNanos: clock.now() - start)
    }

    public var isPaced: Bool { true }
    public var periodNanos: UInt64 { UInt64(schedule.periodNanos) }
    public var rateControlDrops: UInt64 { 0 }
    public var bytesRead: Int64 { 0 }
    public var loops: Int { 0 }
    public var reconnects: Int { 0 }
    public var bufferBytes: Int { pattern.bufferBytes }
}
