import ResultsStore
import ScaleBench

/// A run-level metric: one summary value per run, the unit of comparison between
/// options (repetitions are the samples).
public struct Metric: Sendable, Hashable, CustomStringConvertible {
    public enum Quantity: String, Sendable, CaseIterable {
        case latencyP99 = "latency-p99"
        case latencyP50 = "latency-p50"
        case dropFraction = "drop-fraction"
        case servedFPS = "served-fps"
        case processCores = "cpu-cores"
        case peakRSS = "peak-rss"
        case modelMemory = "model-memory"
    }

    public var quantity: Quantity
    /// The worker kind (latency, drops, served fps) or device (model memory) it is of.
    public var subject: String?

    public init(_ quantity: Quantity, _ subject: String? = nil) {
        self.quantity = quantity
        self.subject = subject
    }

    /// `latency-p99:vlm`, `cpu-cores`: how flags and tables name it.
    public var description: String { subject.map { "\(quantity.rawValue):\($0)" } ?? quantity.rawValue }

    /// For people: "vlm latency p99".
    public var label: String {
        switch quantity {
        case .latencyP99: return "\(subject ?? "") latency p99"
        case .latencyP50: return "\(subject ?? "") latency p50"
        case .dropFraction: return "\(subject ?? "") drop fraction"
        case .servedFPS: return "\(subject ?? "") fps per stream"
        case .processCores: return "CPU cores"
        case .peakRSS: return "peak RSS"
        case .modelMemory: return "\(subject ?? "") model memory"
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

    /// The run's value, or nil when the run does not have it.
    public func value(in run: RunRecord) -> Double? {
        switch quantity {
        case .latencyP99: return run.kinds.first { $0.worker == subject }?.latency.quantiles.p99
        case .latencyP50: return run.kinds.first { $0.worker == subject }?.latency.quantiles.p50
        case .dropFraction: return run.kinds.first { $0.worker == subject }?.meanDropFraction
        case .servedFPS: return run.kinds.first { $0.worker == subject }?.meanServedFPS
        case .processCores: return run.processCores
        case .peakRSS: return run.peakRSSBytes.map { Double($0) / 1_048_576 }
        case .modelMemory: return run.devices.first { $0.device == subject }?.modelMemoryGB
        }
    }

    /// Frames behind a percentile value in the run (nil for other metrics).
    public func samples(in run: RunRecord) -> Int64? {
        guard percentile != nil else { return nil }
        return run.kinds.first { $0.worker == subject }?.processed
    }

    /// Parses `latency-p99:vlm`, `cpu-cores`, `model-memory:gpu0`.
    public static func parse(_ text: String) -> Metric? {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard let quantity = Quantity(rawValue: parts[0]) else { return nil }
        let needsSubject = ![.processCores, .peakRSS].contains(quantity)
        guard needsSubject == (parts.count == 2) else { return nil }
        return Metric(quantity, parts.count == 2 ? parts[1] : nil)
    }

    public static let grammar = "latency-p99:KIND, latency-p50:KIND, drop-fraction:KIND, served-fps:KIND, cpu-cores, peak-rss or model-memory:DEVICE"

    /// Every metric the runs have, in a stable order: per worker kind (as the runs list
    /// them) latency p99, p50, drops and served rate; then CPU, memory, model memory.
    public static func all(in runs: [RunRecord]) -> [Metric] {
        var kinds: [String] = [], devices: [String] = []
        for run in runs {
            for kind in run.kinds where !kinds.contains(kind.worker) { kinds.append(kind.worker) }
            for device in run.devices where !devices.contains(device.device) { devices.append(device.device) }
        }
        return kinds.flatMap { [Metric(.latencyP99, $0), Metric(.latencyP50, $0), Metric(.dropFraction, $0), Metric(.servedFPS, $0)] }
            + [Metric(.processCores), Metric(.peakRSS)] + devices.map { Metric(.modelMemory, $0) }
    }
}
