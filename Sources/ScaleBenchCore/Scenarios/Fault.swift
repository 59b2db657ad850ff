import Random

/// A fault a scenario injects: what fails, when, and for how long.
///
/// Times count from the start of the measured window (after the warm-up), so a fault at
/// 5s in a 10s run happens half-way through what is measured.
public struct Fault: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The camera delivers nothing for `duration`, then resumes.
        case captureStall = "capture-stall"
        /// The camera stops for good.
        case captureCrash = "capture-crash"
        /// The worker stops taking frames (its thread exits, the frame in hand is lost);
        /// it is restarted after `duration`, or never when no duration is given.
        case workerCrash = "worker-crash"
        /// Every service that starts within `duration` takes `factor` times as long.
        case workerSlowdown = "worker-slowdown"

        public var isCapture: Bool { self == .captureStall || self == .captureCrash }
    }

    public var kind: Kind
    public var at: Duration
    /// The camera (capture faults), or whose pipeline's worker (worker faults on a kind
    /// that is not shared). A fault on a shared kind hits all its instances.
    public var stream: Int?
    /// The worker kind, by name (worker faults).
    public var worker: String?
    public var duration: Duration?
    public var factor: Double?

    public init(kind: Kind, at: Duration, stream: Int? = nil, worker: String? = nil,
                duration: Duration? = nil, factor: Double? = nil) {
        self.kind = kind
        self.at = at
        self.stream = stream
        self.worker = worker
        self.duration = duration
        self.factor = factor
    }

    public var description: String {
        var text = "\(kind.rawValue) at \(at)"
        if let worker { text += " on \(worker)" }
        if let stream { text += (worker == nil ? " on" : ",") + " stream \(stream)" }
        if let duration { text += kind == .workerCrash ? ", restart after \(duration)" : " for \(duration)" }
        if let factor { text += " ×\(format3(factor))" }
        return text
    }

    /// The fault window [start, end) in nanoseconds from the measured window's start:
    /// a crash without restart lasts until the end of the measured window.
    public func window(measured: Duration) -> (start: UInt64, end: UInt64) {
        let start = min(at.nanoseconds, measured.nanoseconds)
        switch kind {
        case .captureCrash: return (start, measured.nanoseconds)
        case .captureStall, .workerSlowdown, .workerCrash:
            guard let duration else { return (start, measured.nanoseconds) }
            return (start, min(start + duration.nanoseconds, measured.nanoseconds))
        }
    }
}
