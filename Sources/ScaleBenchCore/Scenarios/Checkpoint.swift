import Random

/// A decision checkpoint as a scenario declares it: the service levels a configuration
/// must meet, and the checkpoint's items as rules over measured metrics. Evaluated from
/// the results database by the report; not part of the scenario's identity (changing a
/// criterion does not change what is measured).
public struct Checkpoint: Sendable, Equatable, Codable {
    /// A bound on a metric's median over a configuration's runs.
    public struct ServiceLevel: Sendable, Equatable, Codable, CustomStringConvertible {
        public var metric: Metric
        public var max: Double?
        public var min: Double?

        public init(metric: Metric, max: Double? = nil, min: Double? = nil) {
            self.metric = metric
            self.max = max
            self.min = min
        }

        public func isMet(by value: Double) -> Bool { (max.map { value <= $0 } ?? true) && (min.map { value >= $0 } ?? true) }

        public var description: String {
            let unit = metric.unit.isEmpty ? "" : " \(metric.unit)"
            if let max { return "\(metric.label) ≤ \(format3(max))\(unit)" }
            return "\(metric.label) ≥ \(format3(min ?? 0))\(unit)"
        }
    }

    /// One checkpoint item: how `option` compares with `versus` on a metric at some
    /// stream counts.
    public struct Criterion: Sendable, Equatable, Codable {
        public enum Rule: Sendable, Equatable, Codable {
            /// Met when option's median is at most (1 + margin) × versus's, with confidence:
            /// the upper end of the ratio's CI is within.
            case within(Double)
            /// Met when option's median exceeds (1 + margin) × versus's, significantly
            /// (adjusted p < alpha) and with the ratio's CI above.
            case exceeds(Double)
        }

        public var item: String
        public var metric: Metric
        public var streams: [Int]
        public var option: TopologyKind
        public var versus: TopologyKind
        public var rule: Rule

        public init(item: String, metric: Metric, streams: [Int], option: TopologyKind, versus: TopologyKind, rule: Rule) {
            self.item = item
            self.metric = metric
            self.streams = streams
            self.option = option
            self.versus = versus
            self.rule = rule
        }
    }

    public var serviceLevels: [ServiceLevel] = []
    public var criteria: [Criterion] = []

    public init(serviceLevels: [ServiceLevel] = [], criteria: [Criterion] = []) {
        self.serviceLevels = serviceLevels
        self.criteria = criteria
    }
}

/// A scenario's defaults for `scalebench gate`: the significance level and, per quantity
/// (`latency-p99`) or metric (`latency-p99:vlm`), the worst change allowed — relative,
/// except drop fractions (absolute). Flags override them. Not part of the identity.
public struct GateDefaults: Sendable, Equatable, Codable {
    public var alpha: Double?
    public var thresholds: [String: Double] = [:]

    public init(alpha: Double? = nil, thresholds: [String: Double] = [:]) {
        self.alpha = alpha
        self.thresholds = thresholds
    }
}
