import Random

/// What is measured of one worker row's services, as a value: the histograms and counts
/// a ``WorkerRecorder`` keeps for a realtime worker thread, and the virtual executor keeps
/// in an array of its own (a value in an array is mutated in place, with no reference
/// counting or dynamic exclusivity check per frame).
///
/// For each processed frame: capture → distribution → service start → service end.
/// Frames whose service ends inside the measured window `[windowStart, windowEnd)` go
/// into the histograms; every frame counts in `processedTotal` for the accounting. Its
/// figures are settable only so that recording inlines into the executors' modules;
/// only the record methods write them.
public struct ServiceMeasurements: Sendable {
    public let windowStart: UInt64
    public let windowEnd: UInt64
    /// Capture → service end.
    public var latency = LatencyHistogram()
    /// Capture → service start: how old the frame was when the worker got to it.
    public var age = LatencyHistogram()
    /// Service start → end.
    public var service = LatencyHistogram()
    /// Distribution → service start: the slot hand-off plus waiting for the worker.
    public var handoff = LatencyHistogram()
    public var processedInWindow: UInt64 = 0
    public var processedTotal: UInt64 = 0
    /// Frames taken but lost because the worker crashed with them in hand (a fault).
    public var lostToFault: UInt64 = 0
    /// Processed frames and their latencies per fault-isolation window, by capture time.
    public var windows: WindowCounts
    /// Per load state of the stream when the frame arrived (empty without a load
    /// profile): the frames processed in the window and their latency.
    public var byState: [StateMeasurements]

    public struct StateMeasurements: Sendable {
        public var processed: UInt64 = 0
        public var latency = LatencyHistogram()
        public init() {}
    }

    /// `states`: the number of load states frames may carry (0: none).
    public init(windowStart: UInt64, windowEnd: UInt64, faultWindows: [(start: UInt64, end: UInt64)] = [], states: Int = 0) {
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        windows = WindowCounts(windows: faultWindows, latencies: true)
        byState = Array(repeating: StateMeasurements(), count: states)
    }

    @inline(__always)
    public mutating func record(capturedAt: UInt64, distributedAt: UInt64, serviceStart: UInt64, serviceEnd: UInt64, state: UInt8 = 0) {
        if recordDistributedAtCapture(capturedAt: capturedAt, serviceStart: serviceStart, serviceEnd: serviceEnd) {
            handoff.record(serviceStart &- distributedAt)
            if !byState.isEmpty { recordInState(state, latency: serviceEnd &- capturedAt) }
        }
    }

    /// A frame of load state `state` processed in the window.
    @inlinable
    public mutating func recordInState(_ state: UInt8, latency nanos: UInt64) {
        let index = min(Int(state), byState.count - 1)
        byState[index].processed &+= 1
        byState[index].latency.record(nanos)
    }

    /// As ``record(capturedAt:distributedAt:serviceStart:serviceEnd:)`` without the
    /// hand-off, for a frame distributed the instant it was captured, as in virtual time:
    /// its hand-off equals its age, so the hand-off histogram is set from the age
    /// histogram by ``handoffEqualsAge()`` once all are recorded (one histogram increment
    /// less per frame; the same histograms). True when the service ended in the window.
    @inlinable @inline(__always) @discardableResult
    public mutating func recordDistributedAtCapture(capturedAt: UInt64, serviceStart: UInt64, serviceEnd: UInt64) -> Bool {
        processedTotal &+= 1
        if !windows.windows.isEmpty { windows.count(capturedAt: capturedAt, latency: serviceEnd &- capturedAt) }
        guard serviceEnd >= windowStart, serviceEnd < windowEnd else { return false }
        processedInWindow &+= 1
        latency.record(serviceEnd &- capturedAt)
        age.record(serviceStart &- capturedAt)
        service.record(serviceEnd &- serviceStart)
        return true
    }

    /// Completes ``recordDistributedAtCapture(capturedAt:serviceStart:serviceEnd:)``.
    package mutating func handoffEqualsAge() { handoff = age }

    public mutating func recordLost() { lostToFault &+= 1 }

    /// Adds another recorder's measurements of the same row (instances of a shared kind).
    public mutating func add(_ other: ServiceMeasurements) {
        latency.add(other.latency)
        age.add(other.age)
        service.add(other.service)
        handoff.add(other.handoff)
        processedInWindow += other.processedInWindow
        processedTotal += other.processedTotal
        lostToFault += other.lostToFault
        windows.add(other.windows)
        for index in byState.indices where index < other.byState.count {
            byState[index].processed += other.byState[index].processed
            byState[index].latency.add(other.byState[index].latency)
        }
    }
}
