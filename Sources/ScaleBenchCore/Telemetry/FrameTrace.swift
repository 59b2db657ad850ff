/// A capture's counters at one moment (what a realtime capture's atomics or a virtual
/// capture hold).
public struct CaptureSnapshot: Sendable, Equatable {
    public var due: UInt64
    public var published: UInt64
    public var drops: UInt64
    public var rateControlDrops: UInt64
    public var latenessSumNanos: UInt64
    public var latenessMaxNanos: UInt64

    public init(due: UInt64, published: UInt64, drops: UInt64 = 0, rateControlDrops: UInt64 = 0, latenessSumNanos: UInt64 = 0,
                latenessMaxNanos: UInt64 = 0) {
        self.due = due
        self.published = published
        self.drops = drops
        self.rateControlDrops = rateControlDrops
        self.latenessSumNanos = latenessSumNanos
        self.latenessMaxNanos = latenessMaxNanos
    }
}

/// What a worker emits for each processed frame.
public struct WorkerEvent: Sendable, Codable, Equatable {
    public var stream: Int
    public var seq: UInt64
    public var worker: String
    public var result: Double
    /// Monotonic ns at the end of service.
    public var at: UInt64

    public init(stream: Int, seq: UInt64, worker: String, result: Double, at: UInt64) {
        self.stream = stream
        self.seq = seq
        self.worker = worker
        self.result = result
        self.at = at
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
    /// CPU time the worker's thread spent on the service (real time; nil in virtual time).
    public var cpuNanos: UInt64?
    /// The worker instance that served the frame (``RunInstances/Worker/name``): a shared
    /// kind's instances, or a pipeline's own worker (nil: recorded before instances were).
    public var instance: String?
    /// A process worker's service seen from both sides (nil for other kinds).
    public var process: ProcessServiceRecord?

    public init(stream: Int, worker: String, seq: UInt64, capturedAt: UInt64, distributedAt: UInt64,
                serviceStart: UInt64, serviceEnd: UInt64, cpuNanos: UInt64? = nil, instance: String? = nil) {
        self.stream = stream
        self.worker = worker
        self.seq = seq
        self.capturedAt = capturedAt
        self.distributedAt = distributedAt
        self.serviceStart = serviceStart
        self.serviceEnd = serviceEnd
        self.cpuNanos = cpuNanos
        self.instance = instance
    }
}

/// One service of a process worker, measured from both sides: the workbench's encoding,
/// the child's CPU time over the service (from its process CPU clock) and the worker's own
/// figures from its reply. The round trip is the service (start to end) less the encoding.
public struct ProcessServiceRecord: Sendable, Equatable {
    public var childCPUNanos: UInt64?
    public var encodeNanos: UInt64
    /// The reply's `timing.total_ms` and `timing.inference_ms`.
    public var workerMs: Double
    public var inferenceMs: Double
    /// The reply's `data.person_count`.
    public var persons: Int

    public init(childCPUNanos: UInt64?, encodeNanos: UInt64, workerMs: Double, inferenceMs: Double, persons: Int) {
        self.childCPUNanos = childCPUNanos
        self.encodeNanos = encodeNanos
        self.workerMs = workerMs
        self.inferenceMs = inferenceMs
        self.persons = persons
    }
}
