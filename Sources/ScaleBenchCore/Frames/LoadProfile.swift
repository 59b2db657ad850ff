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
        /// Probabilities of the next state, by name; empty: every other state equally.
        public var next: [String: Double]
        /// The worker kinds (by name) that get the frames of this state; nil: every kind.
        /// The original runs its heavy workers only when a room needs them (the VLM in an
        /// alert): a kind not listed is not offered the state's frames at all.
        public var workers: [String]?

        public init(name: String, fps: Double, dwell: ServiceDistribution, next: [String: Double] = [:], workers: [String]? = nil) {
            self.name = name
            self.fps = fps
            self.dwell = dwell
            self.next = next
            self.workers = workers
        }

        /// Whether worker kind `kind` gets the frames of this state.
        public func serves(_ kind: String) -> Bool { workers?.contains(kind) ?? true }
    }

    public var states: [State]
    /// States are numbered in a byte on every frame.
    public static let maximumStates = 16

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
        guard states.count <= Self.maximumStates else { return "at most \(Self.maximumStates) states" }
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
            let total = state.next.values.reduce(0, +)
            if state.next.values.contains(where: { !($0.isFinite && $0 >= 0) }) || (!state.next.isEmpty && abs(total - 1) > 1e-6) {
                let terms = state.next.keys.sorted().map { "\($0) \(format3(state.next[$0]!))" }.joined(separator: " + ")
                return "next-state probabilities from 0 to 1 that sum to 1 (\(state.name): \(terms) = \(format3(total)))"
            }
        }
        return chainProblem
    }

    /// A chain that ends in one state for good, or splits into parts that never reach
    /// each other, has no long-run fractions that describe the scenario: refused. States
    /// the chain never enters (reached only through a storm) are allowed.
    private var chainProblem: String? {
        guard states.count > 1 else { return nil }
        let n = states.count
        var reaches = states.indices.map { i in transitions(from: i).map { $0 > 0 } }
        if let absorbing = states.indices.first(where: { i in reaches[i].indices.allSatisfy { reaches[i][$0] == ($0 == i) } }) {
            return "no absorbing state (\(states[absorbing].name) only leads to itself)"
        }
        for k in 0..<n { for i in 0..<n where reaches[i][k] { for j in 0..<n where reaches[k][j] { reaches[i][j] = true } } }
        // A closed class: states that reach each other and nothing outside. Exactly one.
        let closed = states.indices.filter { i in reaches[i][i] && states.indices.allSatisfy { j in !reaches[i][j] || reaches[j][i] } }
        var classes: [[Int]] = []
        for i in closed where !classes.contains(where: { $0.contains(i) }) { classes.append(closed.filter { reaches[i][$0] }) }
        guard classes.count > 1 else { return nil }
        let parts = classes.map { "{" + $0.map { states[$0].name }.joined(separator: ", ") + "}" }
        return "one chain (\(parts.joined(separator: " and ")) never reach each other)"
    }
}

/// A correlated burst (an alert storm): events that move a share of the rooms into one
/// state at once. Events start at gaps drawn from `every` (the first one gap after the
/// start) and last a draw from `lasts`; each room joins each event with probability
/// `rooms`, independently. A room in a storm is in `state` whatever its own chain says;
/// its own chain goes on underneath and takes over when the storm ends. Every room draws
/// the same event times (one seed for the building) and its own membership.
public struct Storm: Sendable, Equatable, Codable {
    public var every: ServiceDistribution
    public var lasts: ServiceDistribution
    public var rooms: Double
    public var state: String

    public init(every: ServiceDistribution, lasts: ServiceDistribution, rooms: Double, state: String) {
        self.every = every
        self.lasts = lasts
        self.rooms = rooms
        self.state = state
    }

    /// The long-run fraction of time a storm of this kind is on (events not overlapping).
    public var timeOn: Double { min(lasts.meanNanos / every.meanNanos, 1) }
}

/// One stream's states over time: a pure, seeded sequence of segments, drawn as time
/// goes on. The first state is drawn from the long-run fractions, so the load is
/// stationary from the start. Storms override the stream's own state while they last.
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
    /// The stream's own segment (its chain or its trace, storms aside).
    private var own: Segment
    /// A recorded stream's steps (nil: the chain draws its states), and the one in force.
    private var steps: [LoadTrace.Step]?
    private var step = 0
    private var storms: [StormWindows]
    /// The segment in force at the last query.
    public private(set) var current: Segment

    /// `stormSeed` is the building's (the same for every stream), `stream` picks this
    /// stream's memberships.
    public init(profile: LoadProfile, seed: UInt64, storms: [Storm] = [], stormSeed: UInt64 = 0, stream: Int = 0) {
        self.profile = profile
        random = GSLRandom(seed: seed, algorithm: .taus2)
        samplers = profile.states.map { ServiceDistribution.Sampler($0.dwell) }
        transitions = profile.states.indices.map(profile.transitions(from:))
        steps = nil
        let first = Self.pick(profile.timeFractions, random.uniform())
        own = Segment(state: first, start: 0, end: max(samplers[first].sample(random), 1))
        self.storms = storms.enumerated().compactMap { index, storm in
            profile.states.firstIndex { $0.name == storm.state }.map {
                StormWindows(storm: storm, state: $0, seed: SeedSequence.derive(stormSeed, 0x5708, UInt64(index)),
                             memberSeed: SeedSequence.derive(stormSeed, 0x5709, UInt64(index), UInt64(stream)))
            }
        }
        current = own
        current = segment(at: 0)
    }

    /// A recorded stream: its trace's steps (at least one), in its first step's state from
    /// the start; storms still act on it.
    public init(profile: LoadProfile, steps: [LoadTrace.Step], storms: [Storm] = [], stormSeed: UInt64 = 0, stream: Int = 0) {
        self.init(profile: profile, seed: 0, storms: storms, stormSeed: stormSeed, stream: stream)
        self.steps = steps
        own = Segment(state: steps[0].state, start: 0, end: steps.count > 1 ? steps[1].at : .max)
        current = own
        current = segment(at: 0)
    }

    /// Moves to the segment that contains `time` (never back) and returns it.
    public mutating func segment(at time: UInt64) -> Segment {
        while time >= own.end {
            if let steps {
                step += 1
                own = Segment(state: steps[step].state, start: own.end, end: step + 1 < steps.count ? steps[step + 1].at : .max)
                continue
            }
            let next = Self.pick(transitions[own.state], random.uniform())
            own = Segment(state: next, start: own.end, end: own.end &+ max(samplers[next].sample(random), 1))
        }
        guard !storms.isEmpty else {
            current = own
            return own
        }
        var start = own.start, end = own.end
        var storming: (state: Int, start: UInt64, end: UInt64)?
        for index in storms.indices {
            let window = storms[index].window(after: time)
            if window.start <= time {
                if storming == nil || window.start < storming!.start { storming = (window.state, window.start, window.end) }
            } else {
                end = min(end, window.start)
            }
            if let last = storms[index].lastEnd, last <= time { start = max(start, last) }
        }
        if let storming {
            current = Segment(state: storming.state, start: storming.start, end: storming.end)
        } else {
            current = Segment(state: own.state, start: start, end: end)
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

/// The windows of one storm kind that a stream joins, in time order.
private struct StormWindows {
    let state: Int
    private let rooms: Double
    private let every: ServiceDistribution.Sampler
    private let lasts: ServiceDistribution.Sampler
    private let events: GSLRandom
    private let memberSeed: UInt64
    private var index: UInt64 = 0
    private var eventStart: UInt64 = 0
    /// The joined window not yet over, and where the one before it ended.
    private var next: (state: Int, start: UInt64, end: UInt64)?
    private(set) var lastEnd: UInt64?

    init(storm: Storm, state: Int, seed: UInt64, memberSeed: UInt64) {
        self.state = state
        rooms = storm.rooms
        every = ServiceDistribution.Sampler(storm.every)
        lasts = ServiceDistribution.Sampler(storm.lasts)
        events = GSLRandom(seed: seed, algorithm: .taus2)
        self.memberSeed = memberSeed
    }

    /// The first joined window that ends after `time`.
    mutating func window(after time: UInt64) -> (state: Int, start: UInt64, end: UInt64) {
        while next == nil || next!.end <= time {
            if let ended = next { lastEnd = max(lastEnd ?? 0, ended.end) }
            next = nil
            while next == nil {
                // Every stream draws the same events; its membership from its own seed.
                eventStart &+= max(every.sample(events), 1)
                let end = eventStart &+ max(lasts.sample(events), 1)
                let joins = GSLRandom(seed: SeedSequence.derive(memberSeed, index)).uniform() < rooms
                index += 1
                if joins { next = (state, max(eventStart, lastEnd ?? 0), end) }
            }
        }
        return next!
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
    /// The group's video: synthetic frames, a recorded file or a live URL (nil: the
    /// scenario's), and the frame size (nil: the scenario's; a recorded source decoded to it).
    public var source: VideoSource?
    public var resolution: Resolution?

    public init(size: Size, fps: Double? = nil, arrival: ArrivalProcess? = nil, phase: PhasePolicy? = nil, load: LoadProfile? = nil,
                source: VideoSource? = nil, resolution: Resolution? = nil) {
        self.size = size
        self.fps = fps
        self.arrival = arrival
        self.phase = phase
        self.load = load
        self.source = source
        self.resolution = resolution
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
    /// Its video (a per-index `sources` entry, else its group's, else the scenario's) and
    /// frame size (nil: a recorded source's own).
    public var source: VideoSource = .synthetic
    public var resolution: Resolution?
    /// A recorded stream's target rate (nil: the file's own).
    public var targetFPS: Double?
    public var fps: Double
    public var arrival: ArrivalProcess
    public var phase: PhasePolicy
    public var load: LoadProfile?
    /// A recorded stream's steps through `load`'s states (nil: its chain draws them).
    public var trace: [LoadTrace.Step]? = nil
}
