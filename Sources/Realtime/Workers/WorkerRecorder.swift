import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// What one worker thread measures, owned by that thread alone: no locks, and nothing
/// allocated per frame (histograms are allocated up front). The figures are its
/// ``ServiceMeasurements``; the recorder adds the optional frame trace.
public final class WorkerRecorder: @unchecked Sendable {
    public private(set) var measurements: ServiceMeasurements
    /// Every processed frame's timestamps, when tracing (reserved up front).
    public private(set) var trace: [FrameTraceRecord] = []
    private let worker: String?
    private let instance: String?

    /// `traceWorker` names the worker kind in trace records, `traceInstance` the instance;
    /// nil records no trace.
    public init(windowStart: UInt64, windowEnd: UInt64, traceWorker: String? = nil, traceInstance: String? = nil, expectedFrames: Int = 0,
                faultWindows: [(start: UInt64, end: UInt64)] = [], states: Int = 0) {
        measurements = ServiceMeasurements(windowStart: windowStart, windowEnd: windowEnd, faultWindows: faultWindows, states: states)
        worker = traceWorker
        instance = traceInstance
        if traceWorker != nil { trace.reserveCapacity(expectedFrames) }
    }

    public var windowStart: UInt64 { measurements.windowStart }
    public var windowEnd: UInt64 { measurements.windowEnd }
    public var latency: LatencyHistogram { measurements.latency }
    public var age: LatencyHistogram { measurements.age }
    public var service: LatencyHistogram { measurements.service }
    public var handoff: LatencyHistogram { measurements.handoff }
    public var processedInWindow: UInt64 { measurements.processedInWindow }
    public var processedTotal: UInt64 { measurements.processedTotal }
    public var lostToFault: UInt64 { measurements.lostToFault }
    public var windows: WindowCounts { measurements.windows }

    @inline(__always)
    public func record(_ frame: Frame, serviceStart: UInt64, serviceEnd: UInt64, cpuNanos: UInt64? = nil,
                       process: ProcessServiceRecord? = nil) {
        measurements.record(capturedAt: frame.capturedAt, distributedAt: frame.distributedAt,
                            serviceStart: serviceStart, serviceEnd: serviceEnd, state: frame.loadState)
        if let worker {
            trace.append(FrameTraceRecord(stream: frame.streamID, worker: worker, seq: frame.seq, capturedAt: frame.capturedAt,
                                          distributedAt: frame.distributedAt, serviceStart: serviceStart, serviceEnd: serviceEnd,
                                          cpuNanos: cpuNanos, instance: instance))
            trace[trace.count - 1].process = process
        }
    }

    /// Whether it keeps a trace (then the worker measures each service's CPU time too).
    public var isTracing: Bool { worker != nil }

    public func recordLost(_ frame: Frame) { measurements.recordLost() }
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
