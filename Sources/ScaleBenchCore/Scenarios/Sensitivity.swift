/// An assumption of a scenario the decision checkpoint depends on, with the range it may
/// really take: the sensitivity analysis re-answers the checkpoint across that range (in
/// simulated time) and reports where the recommendation changes.
public struct Sensitivity: Sendable, Equatable, Codable {
    /// What is varied. Every case reads its value from a scenario and writes one into it,
    /// so a stored run says by itself which value it was run at.
    public enum Assumption: Sendable, Hashable, Codable, CustomStringConvertible {
        /// A worker kind's mean service time, in seconds; its distribution is scaled as a
        /// whole (the coefficient of variation kept).
        case service(String)
        /// A worker kind's model memory per instance, GB.
        case modelMemory(String)
        /// The box's physical cores; its hardware threads keep their ratio to the cores.
        case hostCores
        /// Every room's capture rate, frames a second.
        case captureFPS

        /// As a scenario file writes it: `service:vlm`, `model-memory-gb:pose`, `host-cores`, `capture-fps`.
        public var description: String {
            switch self {
            case .service(let kind): return "service:\(kind)"
            case .modelMemory(let kind): return "model-memory-gb:\(kind)"
            case .hostCores: return "host-cores"
            case .captureFPS: return "capture-fps"
            }
        }

        public static let grammar = "service:KIND (a mean service time), model-memory-gb:KIND, host-cores or capture-fps"

        public static func parse(_ text: String) -> Assumption? {
            switch text {
            case "host-cores": return .hostCores
            case "capture-fps": return .captureFPS
            default:
                if text.hasPrefix("service:"), text.count > 8 { return .service(String(text.dropFirst(8))) }
                if text.hasPrefix("model-memory-gb:"), text.count > 16 { return .modelMemory(String(text.dropFirst(16))) }
                return nil
            }
        }

        /// The worker kind it concerns, if any.
        public var kind: String? {
            switch self {
            case .service(let kind), .modelMemory(let kind): return kind
            case .hostCores, .captureFPS: return nil
            }
        }

        /// In words, for tables: "vlm service time".
        public var label: String {
            switch self {
            case .service(let kind): return "\(kind) service time"
            case .modelMemory(let kind): return "\(kind) model memory"
            case .hostCores: return "the box's cores"
            case .captureFPS: return "capture rate"
            }
        }

        /// Only whole cores exist.
        public var isWhole: Bool { self == .hostCores }

        /// A value as the tables show it: "1.9 s", "0.5 GB", "6 cores", "5 fps".
        public func text(_ value: Double) -> String {
            switch self {
            case .service: return value < 1 ? "\(format3(value * 1000)) ms" : "\(format3(value)) s"
            case .modelMemory: return "\(format3(value)) GB"
            case .hostCores: return "\(Int(value.rounded())) cores"
            case .captureFPS: return "\(format3(value)) fps"
            }
        }

        /// Why this assumption cannot be varied in `scenario`, or nil.
        public func problem(in scenario: RunScenario) -> String? {
            switch self {
            case .service(let kind), .modelMemory(let kind):
                guard let worker = scenario.workers.first(where: { $0.name == kind }) else {
                    return "unknown worker \"\(kind)\" (known: \(scenario.workerNames.joined(separator: ", ")))"
                }
                if case .service = self, worker.cost.meanServiceNanos == nil {
                    if case .process = worker.cost { return "\(kind) is a process worker: its service time is whatever the child's work costs, not an assumption" }
                    return "\(kind) is a pixels worker: its service time is whatever its work costs, not an assumption"
                }
                return nil
            case .hostCores:
                return scenario.host == nil ? "host-cores needs the box declared (host: with cores, or a profile)" : nil
            case .captureFPS:
                if scenario.load != nil || scenario.loadTrace != nil || scenario.captureGroups != nil {
                    return "capture-fps varies capture.fps, and this scenario's rates come from capture.load, a load trace or capture groups"
                }
                return nil
            }
        }

        /// Its value in `scenario` (nil where ``problem(in:)`` says it has none).
        public func value(in scenario: RunScenario) -> Double? {
            switch self {
            case .service(let kind):
                return scenario.workers.first { $0.name == kind }?.cost.meanServiceNanos.map { $0 / 1e9 }
            case .modelMemory(let kind):
                return scenario.workers.first { $0.name == kind }?.modelMemory
            case .hostCores:
                return scenario.host.map { Double($0.cores) }
            case .captureFPS:
                return scenario.rate
            }
        }

        /// `scenario` with this assumption at `value`.
        public func applied(_ value: Double, to scenario: RunScenario) -> RunScenario {
            var result = scenario
            switch self {
            case .service(let kind):
                for index in result.workers.indices where result.workers[index].name == kind {
                    result.workers[index].cost = result.workers[index].cost.scaled(toMeanSeconds: value)
                }
            case .modelMemory(let kind):
                for index in result.workers.indices where result.workers[index].name == kind {
                    result.workers[index].modelMemoryGB = value
                }
            case .hostCores:
                guard var host = result.host else { break }
                let cores = max(1, Int(value.rounded()))
                host.threads = max(cores, Int((Double(host.threads) * Double(cores) / Double(host.cores)).rounded()))
                host.cores = cores
                if let profile = host.profile, !profile.hasSuffix("(modified)") { host.profile = profile + " (modified)" }
                result.host = host
            case .captureFPS:
                result.fps = value
            }
            return result
        }
    }

    public var assumption: Assumption
    /// The lowest and highest values it may take, in its unit (seconds, GB, cores, fps).
    public var low: Double
    public var high: Double
    /// Values tried across the range, ends included, before bisecting where the answer changes.
    public var steps: Int

    public static let stepRange = 2...9

    public init(assumption: Assumption, low: Double, high: Double, steps: Int = 5) {
        self.assumption = assumption
        self.low = low
        self.high = high
        self.steps = steps
    }

    /// The grid's values, evenly spaced; whole ones for whole assumptions, each once.
    public var grid: [Double] {
        var values: [Double] = []
        for step in 0..<steps {
            var value = low + (high - low) * Double(step) / Double(steps - 1)
            if assumption.isWhole { value = value.rounded() }
            if !values.contains(value) { values.append(value) }
        }
        return values
    }
}

extension CostModel {
    /// The same family with its mean moved to `seconds`, every parameter scaled alike.
    public func scaled(toMeanSeconds seconds: Double) -> CostModel {
        switch self {
        case .offload(let distribution): return .offload(distribution.scaled(toMeanNanos: seconds * 1e9))
        case .cpu(let distribution): return .cpu(distribution.scaled(toMeanNanos: seconds * 1e9))
        case .pixels, .process: return self
        }
    }
}

extension ServiceDistribution {
    /// The distribution with every duration multiplied so that its mean is `mean`.
    public func scaled(toMeanNanos mean: Double) -> ServiceDistribution {
        guard meanNanos > 0 else { return .constant(Duration(nanoseconds: UInt64(max(0, mean).rounded()))) }
        let factor = mean / meanNanos
        func scale(_ duration: Duration) -> Duration { Duration(nanoseconds: UInt64((Double(duration.nanoseconds) * factor).rounded())) }
        switch self {
        case .constant(let d): return .constant(scale(d))
        case .uniform(let low, let high): return .uniform(low: scale(low), high: scale(high))
        case .exponential(let m): return .exponential(mean: scale(m))
        case .lognormal(let m, let sd): return .lognormal(mean: scale(m), sd: scale(sd))
        case .gamma(let m, let sd): return .gamma(mean: scale(m), sd: scale(sd))
        case .empirical(let samples): return .empirical(samples: samples.map { UInt64((Double($0) * factor).rounded()) })
        case .sequence(let samples): return .sequence(samples: samples.map { UInt64((Double($0) * factor).rounded()) })
        }
    }
}
