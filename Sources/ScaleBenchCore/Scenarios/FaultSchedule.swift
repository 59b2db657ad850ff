import Random

/// The faults of a scenario in absolute monotonic time, as each component sees them.
/// Pure: no clock, the executor asks with its own times.
public struct FaultSchedule: Sendable {
    /// A fault with its absolute window and the windows its isolation compares.
    public struct Entry: Sendable {
        public var fault: Fault
        public var start: UInt64
        public var end: UInt64
        /// The window before, of the same length as the fault's (shorter when the fault
        /// starts early in the measured window).
        public var beforeStart: UInt64
    }

    public let entries: [Entry]

    /// `measuredStart` is the absolute start of the measured window.
    public init(faults: [Fault], measuredStart: UInt64, measured: Duration) {
        entries = faults.map { fault in
            let window = fault.window(measured: measured)
            let start = measuredStart + window.start, end = measuredStart + window.end
            let length = end - start
            return Entry(fault: fault, start: start, end: end,
                         beforeStart: max(measuredStart, start >= length ? start - length : 0))
        }
    }

    /// The isolation windows, two per fault (before, during), as [start, end) pairs.
    public var windows: [(start: UInt64, end: UInt64)] {
        entries.flatMap { [($0.beforeStart, $0.start), ($0.start, $0.end)] }
    }

    /// What the camera of `stream` suffers.
    public func capture(stream: Int) -> CaptureFaults {
        var faults = CaptureFaults()
        for entry in entries where entry.fault.stream == stream {
            switch entry.fault.kind {
            case .captureStall: faults.stalls.append((entry.start, entry.end))
            case .captureCrash: faults.crashAt = min(faults.crashAt ?? .max, entry.start)
            case .workerCrash, .workerSlowdown: break
            }
        }
        return faults
    }

    /// What an instance of worker `name` suffers: the instance of `stream`'s pipeline,
    /// or (stream nil) an instance of a kind shared by all streams.
    public func worker(_ name: String, stream: Int?) -> WorkerFaults {
        var faults = WorkerFaults()
        for entry in entries where entry.fault.worker == name && (stream == nil || entry.fault.stream == stream) {
            switch entry.fault.kind {
            case .workerCrash:
                faults.crashes.append((entry.start, entry.fault.duration.map { entry.start + $0.nanoseconds }))
            case .workerSlowdown:
                faults.slowdowns.append((entry.start, entry.end, entry.fault.factor ?? 1))
            case .captureStall, .captureCrash: break
            }
        }
        faults.crashes.sort { $0.at < $1.at }
        return faults
    }
}

/// A camera's faults: stalled spans and a crash time.
///
/// Semantics, the same in every executor: at each arrival's due time, a crashed camera
/// (due ≥ crash) ends its stream for good; otherwise a stalled camera delivers nothing —
/// the frame never existed (not due, not a drop); otherwise the frame is due.
public struct CaptureFaults: Sendable {
    public enum Outcome: Sendable, Equatable {
        case due
        case stalled
        case crashed
    }

    public var stalls: [(start: UInt64, end: UInt64)] = []
    public var crashAt: UInt64?

    public init(stalls: [(start: UInt64, end: UInt64)] = [], crashAt: UInt64? = nil) {
        self.stalls = stalls
        self.crashAt = crashAt
    }

    public var isEmpty: Bool { stalls.isEmpty && crashAt == nil }

    /// What happens to the arrival due at `time`.
    public func outcome(at time: UInt64) -> Outcome {
        if let crashAt, time >= crashAt { return .crashed }
        if stalls.contains(where: { time >= $0.start && time < $0.end }) { return .stalled }
        return .due
    }
}

/// A worker instance's faults: crashes (each with its restart time, nil for never) and
/// slowdowns.
///
/// Semantics, the same in every executor: a crash at time c stops the instance at c. A
/// frame in service is lost with it (counted as lost to the fault), its job ends at c —
/// on a shared device it stops taking capacity at c, a `cpu` worker stops spinning at c —
/// and no result is emitted. An instance idle at c takes no frame: frames keep arriving
/// in its slot and wait there (or overwrite each other) until it restarts. With a
/// restart time r it takes frames again from r; without, never. A slowdown by factor f
/// makes a service that starts inside its span take f × its drawn time.
public struct WorkerFaults: Sendable {
    public var crashes: [(at: UInt64, restart: UInt64?)] = []
    public var slowdowns: [(start: UInt64, end: UInt64, factor: Double)] = []

    public init(crashes: [(at: UInt64, restart: UInt64?)] = [], slowdowns: [(start: UInt64, end: UInt64, factor: Double)] = []) {
        self.crashes = crashes
        self.slowdowns = slowdowns
    }

    public var isEmpty: Bool { crashes.isEmpty && slowdowns.isEmpty }

    /// The first crash at or after `time`, if any.
    public func nextCrash(atOrAfter time: UInt64) -> (at: UInt64, restart: UInt64?)? {
        crashes.first { $0.at >= time }
    }

    /// How many times longer a service starting at `time` takes.
    public func slowdown(at time: UInt64) -> Double {
        var factor = 1.0
        for slowdown in slowdowns where time >= slowdown.start && time < slowdown.end { factor *= slowdown.factor }
        return factor
    }
}

/// Counts per isolation window, kept by the thread that owns them (no locks): frames
/// published (captures) or processed with their latencies (workers), by capture time.
public struct WindowCounts: Sendable {
    public let windows: [(start: UInt64, end: UInt64)]
    // Settable only so that ``count(capturedAt:latency:)`` inlines into other modules.
    public var frames: [UInt64]
    public var latency: [LatencyHistogram]

    public init(windows: [(start: UInt64, end: UInt64)], latencies: Bool) {
        self.windows = windows
        frames = Array(repeating: 0, count: windows.count)
        latency = latencies ? Array(repeating: LatencyHistogram(), count: windows.count) : []
    }

    /// Adds another's counts over the same windows.
    public mutating func add(_ other: WindowCounts) {
        for index in frames.indices { frames[index] += other.frames[index] }
        for index in latency.indices { latency[index].add(other.latency[index]) }
    }

    @inlinable
    public mutating func count(capturedAt: UInt64, latency nanos: UInt64 = 0) {
        for index in windows.indices where capturedAt >= windows[index].start && capturedAt < windows[index].end {
            frames[index] += 1
            if !latency.isEmpty { latency[index].record(nanos) }
        }
    }
}
