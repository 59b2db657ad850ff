import Random

/// How a room's load changes: a semi-Markov chain of states (idle, active, alert…), each
/// with its frame rate and a dwell-time distribution; on leaving a state the next is
/// drawn by the state's weights (by default every other state alike). docs/queueing.md
/// §7: with dwell times long against the frame period and the service, each state runs
/// as a stationary stream at its own rate.
public struct LoadProfile: Sendable, Equatable, Codable {
    public struct State: Sendable, Equatable, Codable {
        public var name: String
        public var fps: Double
        public var dwell: ServiceDistribution
        /// Weights of the next state, by name; empty: every other state equally.
        public var next: [String: Double]

        public init(name: String, fps: Double, dwell: ServiceDistribution, next: [String: Double] = [:]) {
            self.name = name
            self.fps = fps
            self.dwell = dwell
            self.next = next
        }
    }

    public var states: [State]

    public init(states: [State]) { self.states = states }

    /// The transition probabilities from state `i`, by state index.
    public func transitions(from i: Int) -> [Double] {
        guard states.count > 1 else { return [1] }
        let weights = states.indices.map { j -> Double in
            if states[i].next.isEmpty { return j == i ? 0 : 1 }
            return states[i].next[states[j].name] ?? 0
        }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// The long-run fraction of time in each state: the embedded chain's stationary
    /// distribution weighted by the mean dwell times.
    public var timeFractions: [Double] {
        let n = states.count
        guard n > 1 else { return [1] }
        // Power iteration on the embedded chain, from uniform; the chains here are small.
        var visits = Array(repeating: 1 / Double(n), count: n)
        let matrix = states.indices.map(transitions(from:))
        for _ in 0..<10_000 {
            var next = Array(repeating: 0.0, count: n)
            for i in 0..<n { for j in 0..<n { next[j] += visits[i] * matrix[i][j] } }
            // Averaging with the previous step converges for periodic chains too (a cycle).
            let mixed = zip(visits, next).map { ($0 + $1) / 2 }
            if zip(mixed, visits).allSatisfy({ abs($0 - $1) < 1e-15 }) { visits = mixed; break }
            visits = mixed
        }
        let weighted = states.indices.map { visits[$0] * states[$0].dwell.meanNanos }
        let total = weighted.reduce(0, +)
        return weighted.map { $0 / total }
    }

    /// The long-run mean frame rate.
    public var meanFPS: Double { zip(timeFractions, states).reduce(0) { $0 + $1.0 * $1.1.fps } }

    /// What is wrong with it, if anything, for an error message.
    public func problem(fpsRange: ClosedRange<Double>) -> String? {
        guard !states.isEmpty else { return "at least one state, e.g. {name: idle, fps: 0.5, dwell: exponential(60s)}" }
        var seen = Set<String>()
        for state in states {
            guard seen.insert(state.name).inserted else { return "state names once each (\"\(state.name)\" twice)" }
            guard state.fps.isFinite, fpsRange.contains(state.fps) else {
                return "each state's fps from \(format3(fpsRange.lowerBound)) to \(format3(fpsRange.upperBound)) (\(state.name): \(format3(state.fps)))"
            }
            guard state.dwell.meanNanos > 0 else { return "each state's dwell time with a mean above 0 (\(state.name))" }
        }
        for state in states {
            if let unknown = state.next.keys.sorted().first(where: { !seen.contains($0) }) {
                return "next states among the profile's (\(state.name) names \"\(unknown)\"; known: \(states.map(\.name).joined(separator: ", ")))"
            }
            if state.next.values.contains(where: { !($0.isFinite && $0 >= 0) }) || (!state.next.isEmpty && state.next.values.reduce(0, +) <= 0) {
                return "next-state weights ≥ 0 with a positive sum (\(state.name))"
            }
        }
        return nil
    }
}

/// One stream's states over time: a pure, seeded sequence of segments, drawn as time
/// goes on. The first state is drawn from the long-run fractions, so the load is
/// stationary from the start.
public struct LoadSchedule {
    public struct Segment: Sendable, Equatable {
        public var state: Int
        public var start: UInt64
        public var end: UInt64
    }

    public let profile: LoadProfile
    private let random: GSLRandom
    private let samplers: [ServiceDistribution.Sampler]
    private let transitions: [[Double]]
    /// The segment in force.
    public private(set) var current: Segment

    public init(profile: LoadProfile, seed: UInt64) {
        self.profile = profile
        random = GSLRandom(seed: seed, algorithm: .taus2)
        samplers = profile.states.map { ServiceDistribution.Sampler($0.dwell) }
        transitions = profile.states.indices.map(profile.transitions(from:))
        let first = Self.pick(profile.timeFractions, random.uniform())
        current = Segment(state: first, start: 0, end: max(samplers[first].sample(random), 1))
    }

    /// Moves to the segment that contains `time` (never back) and returns it.
    public mutating func segment(at time: UInt64) -> Segment {
        while time >= current.end {
            let next = Self.pick(transitions[current.state], random.uniform())
            current = Segment(state: next, start: current.end, end: current.end &+ max(samplers[next].sample(random), 1))
        }
        return current
    }

    private static func pick(_ probabilities: [Double], _ u: Double) -> Int {
        var sum = 0.0
        for (index, p) in probabilities.enumerated() {
            sum += p
            if u < sum { return index }
        }
        return probabilities.lastIndex { $0 > 0 } ?? 0
    }
}

/// Streams whose capture differs from the scenario's: the first `streams` of a cell's
/// streams that earlier groups have not taken (a count, or a share of the cell's), each
/// with its own rate, arrival process, phase or load profile (nil: the scenario's).
public struct CaptureGroup: Sendable, Equatable, Codable {
    public enum Size: Sendable, Equatable, Codable, CustomStringConvertible {
        case count(Int)
        /// A fraction of the cell's streams, rounded to the nearest stream.
        case share(Double)

        public var description: String {
            switch self {
            case .count(let n): return "\(n)"
            case .share(let f): return format3(f * 100) + "%"
            }
        }

        func streams(of total: Int) -> Int {
            switch self {
            case .count(let n): return n
            case .share(let f): return Int((f * Double(total)).rounded())
            }
        }
    }

    public var size: Size
    public var fps: Double?
    public var arrival: ArrivalProcess?
    public var phase: PhasePolicy?
    public var load: LoadProfile?

    public init(size: Size, fps: Double? = nil, arrival: ArrivalProcess? = nil, phase: PhasePolicy? = nil, load: LoadProfile? = nil) {
        self.size = size
        self.fps = fps
        self.arrival = arrival
        self.phase = phase
        self.load = load
    }

    /// Each stream's group index (nil: the scenario's own capture), for `streams` streams.
    public static func membership(_ groups: [CaptureGroup], streams: Int) -> [Int?] {
        var member = [Int?](repeating: nil, count: streams)
        var next = 0
        for (index, group) in groups.enumerated() {
            let take = min(max(group.size.streams(of: streams), 0), streams - next)
            for stream in next..<next + take { member[stream] = index }
            next += take
        }
        return member
    }
}

/// One stream's capture, resolved: the scenario's, or its group's where the group says.
public struct StreamCapture: Sendable, Equatable {
    public var fps: Double
    public var arrival: ArrivalProcess
    public var phase: PhasePolicy
    public var load: LoadProfile?
}
