/// What one worker thread measures, owned by that thread alone: no locks, and nothing
/// allocated per frame (histograms are allocated up front).
///
/// For each processed frame: capture → distribution → service start → service end.
/// Frames whose service ends inside the measured window `[windowStart, windowEnd)` go
/// into the histograms; every frame counts in `processedTotal` for the accounting.
public final class WorkerRecorder: @unchecked Sendable {
    public let windowStart: UInt64
    public let windowEnd: UInt64
    /// Capture → service end.
    public private(set) var latency = LatencyHistogram()
    /// Capture → service start: how old the frame was when the worker got to it.
    public private(set) var age = LatencyHistogram()
    /// Service start → end.
    public private(set) var service = LatencyHistogram()
    /// Distribution → service start: the slot hand-off plus waiting for the worker.
    public private(set) var handoff = LatencyHistogram()
    public private(set) var processedInWindow: UInt64 = 0
    public private(set) var processedTotal: UInt64 = 0
    /// Frames taken but lost because the worker crashed with them in hand (a fault).
    public private(set) var lostToFault: UInt64 = 0
    /// Processed frames and their latencies per fault-isolation window, by capture time.
    public private(set) var windows: WindowCounts
    /// Every processed frame's timestamps, when tracing (reserved up front).
    public private(set) var trace: [FrameTraceRecord] = []
    private let worker: String?

    /// `traceWorker` names the worker in trace records; nil records no trace.
    public init(windowStart: UInt64, windowEnd: UInt64, traceWorker: String? = nil, expectedFrames: Int = 0,
                faultWindows: [(start: UInt64, end: UInt64)] = []) {
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        windows = WindowCounts(windows: faultWindows, latencies: true)
        worker = traceWorker
        if traceWorker != nil { trace.reserveCapacity(expectedFrames) }
    }

    @inline(__always)
    public func record(_ frame: Frame, serviceStart: UInt64, serviceEnd: UInt64) {
        processedTotal += 1
        if !windows.windows.isEmpty { windows.count(capturedAt: frame.capturedAt, latency: serviceEnd &- frame.capturedAt) }
        if let worker {
            trace.append(FrameTraceRecord(stream: frame.streamID, worker: worker, seq: frame.seq, capturedAt: frame.capturedAt,
                                          distributedAt: frame.distributedAt, serviceStart: serviceStart, serviceEnd: serviceEnd))
        }
        guard serviceEnd >= windowStart, serviceEnd < windowEnd else { return }
        processedInWindow += 1
        latency.record(serviceEnd &- frame.capturedAt)
        age.record(serviceStart &- frame.capturedAt)
        service.record(serviceEnd &- serviceStart)
        handoff.record(serviceStart &- frame.distributedAt)
    }

    public func recordLost(_ frame: Frame) { lostToFault += 1 }
}

/// What a worker emits for each processed frame.
public struct WorkerEvent: Sendable, Codable, Equatable {
    public var stream: Int
    public var seq: UInt64
    public var worker: String
    public var result: Double
    /// Monotonic ns at the end of service.
    public var at: UInt64
}

/// Receives a worker's events: counts them and, when asked, keeps them in memory
/// reserved up front (written out after the run, never during it).
public final class EventEmitter: @unchecked Sendable {
    public let worker: String
    public private(set) var count: UInt64 = 0
    public private(set) var events: [WorkerEvent] = []
    private let keeps: Bool

    public init(worker: String, keepEvents: Bool, expected: Int) {
        self.worker = worker
        keeps = keepEvents
        if keepEvents { events.reserveCapacity(expected) }
    }

    @inline(__always)
    public func emit(stream: Int, seq: UInt64, result: Double, at: UInt64) {
        count += 1
        if keeps { events.append(WorkerEvent(stream: stream, seq: seq, worker: worker, result: result, at: at)) }
    }
}

/// One processed frame's timestamps, kept only with `--trace` and written after the run.
public struct FrameTraceRecord: Sendable, Equatable {
    public var stream: Int
    public var worker: String
    public var seq: UInt64
    public var capturedAt: UInt64
    public var distributedAt: UInt64
    public var serviceStart: UInt64
    public var serviceEnd: UInt64

    public init(stream: Int, worker: String, seq: UInt64, capturedAt: UInt64, distributedAt: UInt64,
                serviceStart: UInt64, serviceEnd: UInt64) {
        self.stream = stream
        self.worker = worker
        self.seq = seq
        self.capturedAt = capturedAt
        self.distributedAt = distributedAt
        self.serviceStart = serviceStart
        self.serviceEnd = serviceEnd
    }
}
