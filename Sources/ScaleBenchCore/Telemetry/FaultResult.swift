import Random

/// How a fault touched the streams it should not have: the other streams' latency p99,
/// drop fraction and processed fps in the fault window against the window before it.
///
/// "Other streams" are every stream but the faulted one (a camera, or a worker of one
/// stream's own pipeline); a fault on a kind shared by all streams has no bystanders, so
/// every stream is counted. Frames are attributed to a window by capture time, so a
/// frame captured in the window counts there whenever its service ends.
public struct FaultResult: Sendable, Codable, Equatable {
    public var fault: String
    public var kind: String
    /// From the start of the measured window.
    public var atSeconds: Double
    public var windowSeconds: Double
    /// The streams whose figures these are.
    public var otherStreams: [Int]
    public var before: FaultWindowMetrics
    public var during: FaultWindowMetrics

    /// During − before (ms; fraction; fps).
    public var latencyP99DeltaMs: Double? {
        guard let a = before.latencyP99Ms, let b = during.latencyP99Ms else { return nil }
        return b - a
    }
    public var dropFractionDelta: Double { during.dropFraction - before.dropFraction }
    /// Relative change of the processed fps (during / before − 1); nil without a before.
    public var processedFPSChange: Double? {
        before.processedFPS > 0 ? during.processedFPS / before.processedFPS - 1 : nil
    }
}

/// The other streams' figures in one window, pooled over their stream × worker rows.
public struct FaultWindowMetrics: Sendable, Codable, Equatable {
    public var seconds: Double
    /// Frames the other streams' cameras published, times the worker kinds serving each.
    public var expected: UInt64
    public var processed: UInt64
    /// 1 − processed / expected: frames the workers never finished, whatever the cause.
    public var dropFraction: Double
    /// Mean processed fps per stream × worker row.
    public var processedFPS: Double
    public var latencyP99Ms: Double?
}

/// A device's modelled memory and measured use.
public struct DeviceResult: Sendable, Codable, Equatable {
    public var device: String
    public var memoryGB: Double
    /// Model instances placed on it (modelled, not measured).
    public var modelMemoryGB: Double
    public var sharing: String
    /// Over the whole run (warm-up and the stop included): what the device's accounting holds.
    public var usage: DeviceUsage
    /// Fraction of the measured window with at least one job on it (nil: not measured; the
    /// host's memory row). A batch is one job, so a batching kind keeps it busy with fewer,
    /// longer jobs.
    public var utilisation: Double? = nil
}
