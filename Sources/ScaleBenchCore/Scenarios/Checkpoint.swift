import Random

/// A decision checkpoint as a scenario declares it: the service levels a configuration
/// must meet, and the checkpoint's items as rules over measured metrics. Evaluated from
/// the results database by the report; not part of the scenario's identity (changing a
/// criterion does not change what is measured).
public struct Checkpoint: Sendable, Equatable, Codable {
    /// A bound on a metric. A figure each room has (``Metric/isPerRoom``) is judged room by
    /// room — in every room, or in a stated share of rooms — never on the mean over rooms,
    /// which lets a configuration that starves some rooms pass.
    public struct ServiceLevel: Sendable, Equatable, Codable, CustomStringConvertible {
        public var metric: Metric
        public var max: Double?
        public var min: Double?
        /// Which rooms must meet the bound, for a per-room figure; nil: every room.
        public var acrossRooms: AcrossRooms?

        public init(metric: Metric, max: Double? = nil, min: Double? = nil, acrossRooms: AcrossRooms? = nil) {
            self.metric = metric
            self.max = max
            self.min = min
            self.acrossRooms = acrossRooms
        }

        /// How the rooms are judged: nil for a figure of the whole box (CPU, memory).
        public var rooms: AcrossRooms? { metric.isPerRoom ? acrossRooms ?? .worst : nil }

        public func isMet(by value: Double) -> Bool { (max.map { value <= $0 } ?? true) && (min.map { value >= $0 } ?? true) }

        public var description: String {
            let unit = metric.unit.isEmpty ? "" : " \(metric.unit)"
            let bound = max.map { "≤ \(format3($0))" } ?? "≥ \(format3(min ?? 0))"
            return "\(metric.label) \(bound)\(unit)" + (rooms.map { " \($0.phrase)" } ?? "")
        }
    }

    /// Which rooms a per-room service level must hold in.
    public enum AcrossRooms: Sendable, Equatable, Codable, CustomStringConvertible {
        /// Every room: the level holds for the worst one.
        case worst
        /// `p90`: at least 90 % of the rooms (rounded up) meet the level — the level holds
        /// for the room at that share, counted from the best.
        case percentile(Double)

        /// How many of `rooms` rooms must meet the level (at least one).
        public func needed(of rooms: Int) -> Int {
            switch self {
            case .worst: return rooms
            case .percentile(let p): return Swift.max(1, Swift.min(rooms, Int((p / 100 * Double(rooms) - 1e-9).rounded(.up))))
            }
        }

        /// "in every room", "in at least 90 % of rooms".
        public var phrase: String {
            switch self {
            case .worst: return "in every room"
            case .percentile(let p): return "in at least \(format3(p)) % of rooms"
            }
        }

        /// As a scenario file writes it: `worst`, `p90`.
        public var description: String {
            switch self {
            case .worst: return "worst"
            case .percentile(let p): return "p\(format3(p))"
            }
        }
    }

    /// One checkpoint item: how `option` compares with `versus` on a metric at some
    /// stream counts.
    public struct Criterion: Sendable, Equatable, Codable {
        public enum Rule: Sendable, Equatable, Codable {
            /// Met when option's median is at most (1 + margin) × versus's: shown when an
            /// upper bound of option's median is within (1 + margin) × a lower bound of
            /// versus's (distribution-free order-statistic bounds, their joint coverage
            /// stated); not met when the opposite bounds show it beyond.
            case within(Double)
            /// Met when option's median exceeds (1 + margin) × versus's: a lower bound of
            /// option's median beyond (1 + margin) × an upper bound of versus's; not met when
            /// the bounds show it within. The mirror of `within`.
            case exceeds(Double)

            public var margin: Double {
                switch self {
                case .within(let margin), .exceeds(let margin): return margin
                }
            }
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
    /// The worker kinds an alert waits for, in order (`alert-chain: [person-detector, pose]`):
    /// what the `alert-latency` metric adds up at each room. Empty: none declared.
    public var alertChain: [String] = []
    /// The assumptions the answer may hinge on, with their ranges: what `scalebench
    /// sensitivity` varies.
    public var sensitivity: [Sensitivity] = []

    public init(serviceLevels: [ServiceLevel] = [], criteria: [Criterion] = [], alertChain: [String] = [], sensitivity: [Sensitivity] = []) {
        self.serviceLevels = serviceLevels
        self.criteria = criteria
        self.alertChain = alertChain
        self.sensitivity = sensitivity
    }

    // Scenarios stored before the alert chain or the sensitivity list existed decode with none.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serviceLevels = try container.decode([ServiceLevel].self, forKey: .serviceLevels)
        criteria = try container.decode([Criterion].self, forKey: .criteria)
        alertChain = try container.decodeIfPresent([String].self, forKey: .alertChain) ?? []
        sensitivity = try container.decodeIfPresent([Sensitivity].self, forKey: .sensitivity) ?? []
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
