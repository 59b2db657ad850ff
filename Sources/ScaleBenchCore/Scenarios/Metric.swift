import Random

/// A run-level metric: one summary value per run, the unit of comparison between
/// options (repetitions are the samples). Named in scenario files (service levels,
/// checkpoint criteria) and on the command line: `latency-p99:vlm`, `cpu-cores`.
public struct Metric: Sendable, Hashable, CustomStringConvertible {
    public enum Quantity: String, Sendable, CaseIterable {
        case latencyP99 = "latency-p99"
        case latencyP50 = "latency-p50"
        case dropFraction = "drop-fraction"
        case servedFPS = "served-fps"
        case processCores = "cpu-cores"
        case peakRSS = "peak-rss"
        case modelMemory = "model-memory"
        /// Seconds between a kind's looks at a room: 1 / the room's served fps (the mean
        /// gap; the store keeps no per-frame gaps by default).
        case lookGap = "look-gap"
        /// The checkpoint's alert chain at a room, in ms (``Checkpoint/alertChain``).
        case alertLatency = "alert-latency"
    }

    public var quantity: Quantity
    /// The worker kind (latency, drops, served fps) or device (model memory) it is of.
    public var subject: String?
    /// A load state (`latency-p99:vlm@alert`): the kind's frames that arrived while their
    /// stream was in it; nil: all frames.
    public var state: String?

    public init(_ quantity: Quantity, _ subject: String? = nil, state: String? = nil) {
        self.quantity = quantity
        self.subject = subject
        self.state = state
    }

    /// `latency-p99:vlm`, `served-fps:vlm@alert`, `cpu-cores`: how flags and tables name it.
    public var description: String {
        (subject.map { "\(quantity.rawValue):\($0)" } ?? quantity.rawValue) + (state.map { "@\($0)" } ?? "")
    }

    /// For people: "vlm latency p99", "vlm latency p99 in alert".
    public var label: String { stateless.baseLabel + (state.map { " in \($0)" } ?? "") }

    private var stateless: Metric { Metric(quantity, subject) }

    private var baseLabel: String {
        switch quantity {
        case .latencyP99: return "\(subject ?? "") latency p99"
        case .latencyP50: return "\(subject ?? "") latency p50"
        case .dropFraction: return "\(subject ?? "") drop fraction"
        case .servedFPS: return "\(subject ?? "") fps per stream"
        case .processCores: return "process CPU"
        case .peakRSS: return "peak RSS"
        case .modelMemory: return "\(subject ?? "") model memory"
        case .lookGap: return "gap between \(subject ?? "") looks"
        case .alertLatency: return "alert latency"
        }
    }

    public var unit: String {
        switch quantity {
        case .latencyP99, .latencyP50: return "ms"
        case .dropFraction: return ""
        case .servedFPS: return "fps"
        case .processCores: return "cores"
        case .peakRSS: return "MiB"
        case .modelMemory: return "GB"
        case .lookGap: return "s"
        case .alertLatency: return "ms"
        }
    }

    /// Whether each room (stream) has its own value — a worker kind's figures, the gap
    /// between its looks, the alert latency — which service levels judge room by room;
    /// CPU, RSS and model memory are the box's.
    public var isPerRoom: Bool {
        switch quantity {
        case .latencyP99, .latencyP50, .dropFraction, .servedFPS, .lookGap, .alertLatency: return true
        case .processCores, .peakRSS, .modelMemory: return false
        }
    }

    /// Whether a larger value is worse (everything but the served rate).
    public var higherIsWorse: Bool { quantity != .servedFPS }

    /// A percentile metric needs enough frames in the run to be reported at all.
    public var percentile: Double? {
        switch quantity {
        case .latencyP99: return 99
        case .latencyP50: return 50
        default: return nil
        }
    }

    /// Parses `latency-p99:vlm`, `drop-fraction:vlm@alert`, `cpu-cores`, `model-memory:gpu0`,
    /// `look-gap:vlm`, `alert-latency`, `alert-latency@alert`.
    public static func parse(_ text: String) -> Metric? {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        // The alert latency has no subject (its kinds are the checkpoint's chain) but may
        // name a load state.
        let alert = parts[0].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, alert.count == 2, alert[0] == Quantity.alertLatency.rawValue {
            return alert[1].isEmpty ? nil : Metric(.alertLatency, state: alert[1])
        }
        guard let quantity = Quantity(rawValue: parts[0]), parts.count == 1 || !parts[1].isEmpty else { return nil }
        let needsSubject = ![.processCores, .peakRSS, .alertLatency].contains(quantity)
        guard needsSubject == (parts.count == 2) else { return nil }
        guard parts.count == 2 else { return Metric(quantity) }
        // A state only on a worker kind's figures.
        let subject = parts[1].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard subject.count == 1 || (![.modelMemory].contains(quantity) && !subject[0].isEmpty && !subject[1].isEmpty) else { return nil }
        return Metric(quantity, subject[0], state: subject.count == 2 ? subject[1] : nil)
    }

    public static let grammar = "latency-p99:KIND, latency-p50:KIND, drop-fraction:KIND, served-fps:KIND, look-gap:KIND (each also KIND@STATE for a load state), alert-latency, cpu-cores, peak-rss or model-memory:DEVICE"
}

/// Stored (in a scenario's JSON) as its text, `latency-p99:vlm`.
extension Metric: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let metric = Metric.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a metric: \(text)"))
        }
        self = metric
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
