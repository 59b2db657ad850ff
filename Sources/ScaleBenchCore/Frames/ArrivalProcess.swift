import Random

/// When a camera's frames arrive.
public enum ArrivalProcess: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Exactly every 1/fps.
    case periodic
    /// Every 1/fps, each arrival displaced by Uniform[−jitter, +jitter] (jitter < period/2,
    /// so arrivals never reorder).
    case jittered(Duration)
    /// Exponential inter-arrival times with mean 1/fps.
    case poisson

    public var description: String {
        switch self {
        case .periodic: return "periodic"
        case .jittered(let j): return "jitter(\(j))"
        case .poisson: return "poisson"
        }
    }

    public static let grammar = "periodic, jitter(DURATION) or poisson"

    public static func parse(_ text: String) throws(ParseError) -> ArrivalProcess {
        let lowered = text.lowercased().trimmingCharacters(in: " ")
        switch lowered {
        case "periodic": return .periodic
        case "poisson": return .poisson
        default:
            guard lowered.hasPrefix("jitter("), lowered.hasSuffix(")") else {
                throw ParseError("'\(text)' is not an arrival process; expected \(grammar)")
            }
            return .jittered(try Duration.parse(String(lowered.dropFirst(7).dropLast())))
        }
    }
}

/// Where each stream's first frame falls within the period, so N cameras are not in
/// lock-step unless asked.
public enum PhasePolicy: String, Sendable, Equatable, Codable, CaseIterable {
    /// Stream i starts at i/N of the period.
    case spread
    /// All streams start together (lock-step).
    case aligned
    /// Each stream starts at a seeded Uniform[0, period).
    case random
}

/// The arrival times of one stream, relative to the run's start: a pure, seeded
/// sequence (no clock), so the realtime capture and a simulator draw the same times.
///
/// Periodic times are computed from the frame index, never accumulated, so they do not
/// drift over long runs.
public struct ArrivalSchedule {
    // What ``next()`` reads comes first (declaration order is the layout's): a simulator
    // asks once a frame period, after the other streams have moved it out of the L1 cache.
    /// Arrivals drawn ahead, in order, and the position of the next one. The generator
    /// is this schedule's alone, so drawing a batch at once gives the very same times;
    /// its `log1p` calls then overlap instead of each waiting for the previous arrival to
    /// be scheduled (drawn one at a time, `log1p` was a quarter of docs/queueing.md §1's
    /// simulation profile; ahead, that simulation runs 10 % faster).
    @usableFromInline var ahead: [UInt64] = []
    /// Starts at the end of an empty batch: the first call draws one.
    @usableFromInline var aheadPosition = Self.batch
    /// With a load profile: the state of each arrival drawn ahead, and of the last one
    /// returned (0 without a profile).
    @usableFromInline var aheadStates: [UInt8] = []
    /// Settable only so that ``next()`` inlines into the executors; only the schedule writes it.
    public var lastState = 0
    public let fps: Double
    public let process: ArrivalProcess
    public let phaseNanos: UInt64
    private let random: GSLRandom
    private var index: UInt64 = 0
    private var poissonClock: Double
    @usableFromInline static let batch = 32

    /// A load profile's states over time, when the stream's rate changes (nil: `fps` always).
    private var load: LoadSchedule?
    /// Modulated arrivals: the segment being filled, its next periodic index, the last time.
    private var segment: LoadSchedule.Segment?
    private var segmentIndex: UInt64 = 0
    private var last: UInt64?

    /// `load` modulates the rate: within each of its segments the stream arrives by
    /// `process` at the state's rate (periodic arrivals restart at the segment's start,
    /// `phaseNanos` taken as the same fraction of the state's period; Poisson arrivals
    /// are memoryless, so restarting at each change is exact).
    public init(fps: Double, process: ArrivalProcess, phaseNanos: UInt64, seed: UInt64, load: LoadSchedule? = nil) {
        self.fps = fps
        periodNanos = 1e9 / fps
        self.process = process
        self.phaseNanos = phaseNanos
        self.load = load
        random = GSLRandom(seed: seed, algorithm: .taus2)
        poissonClock = Double(phaseNanos)
    }

    /// 1e9 / fps, divided once: the simulator asks for every frame.
    public let periodNanos: Double

    /// The next arrival, in ns after the run's start; strictly increasing. Inlined into
    /// the simulator's loop: all but one call in 32 only reads the batch.
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        // Against the batch's fixed size, and read through the buffer unchecked: the
        // array's header (its count), a line apart from most of its times, stays unread.
        if aheadPosition == Self.batch { refill() }
        defer { aheadPosition &+= 1 }
        if !aheadStates.isEmpty { lastState = Int(aheadStates[aheadPosition]) }
        return ahead.withUnsafeBufferPointer { $0[aheadPosition] }
    }

    @usableFromInline
    mutating func refill() {
        // Overwritten in place: emptying and appending went through the array's generic
        // replaceSubrange, as costly as the draws themselves. Taken out of `self` while
        // filled, so that it is written through its buffer (no uniqueness check per draw).
        var drawn: [UInt64] = []
        swap(&drawn, &ahead)
        if drawn.isEmpty { drawn = Array(repeating: 0, count: Self.batch) }
        if !aheadStates.isEmpty { aheadStates.removeAll(keepingCapacity: true) }
        drawn.withUnsafeMutableBufferPointer { buffer in
            if load == nil, case .jittered(let jitter) = process {
                // draw()'s jittered case with its bound worked out once a batch: the same draws.
                let j = min(Double(jitter.nanoseconds), periodNanos / 2 - 1)
                if let taus = random.tausStream {
                    for slot in buffer.indices {
                        buffer[slot] = max(Double(phaseNanos) + Double(index) * periodNanos + taus.flat(-j, j), 0).roundedNanoseconds
                        index += 1
                    }
                } else {
                    for slot in buffer.indices {
                        buffer[slot] = max(Double(phaseNanos) + Double(index) * periodNanos + random.flat(-j, j), 0).roundedNanoseconds
                        index += 1
                    }
                }
            } else {
                for slot in buffer.indices { buffer[slot] = draw() }
            }
        }
        ahead = drawn
        aheadPosition = 0
    }

    private mutating func draw() -> UInt64 {
        if load != nil { return drawModulated() }
        defer { index += 1 }
        // The nominal arrival is computed from the index, never accumulated: no drift.
        switch process {
        case .periodic:
            return (Double(phaseNanos) + Double(index) * periodNanos).roundedNanoseconds
        case .jittered(let jitter):
            let j = min(Double(jitter.nanoseconds), periodNanos / 2 - 1)
            return max(Double(phaseNanos) + Double(index) * periodNanos + random.flat(-j, j), 0).roundedNanoseconds
        case .poisson:
            poissonClock += random.exponential(mean: periodNanos)
            return poissonClock.roundedNanoseconds
        }
    }

    private mutating func drawModulated() -> UInt64 {
        var time = last.map { $0 &+ 1 } ?? 0
        while true {
            let current = load!.segment(at: time)
            if current != segment {
                segment = current
                segmentIndex = 0
                if case .poisson = process { poissonClock = Double(max(current.start, last.map { $0 &+ 1 } ?? 0)) }
            }
            let period = 1e9 / load!.profile.states[current.state].fps
            let candidate: Double
            switch process {
            case .periodic, .jittered:
                let fraction = Double(phaseNanos) / periodNanos
                var at = Double(current.start) + (fraction + Double(segmentIndex)) * period
                if case .jittered(let jitter) = process {
                    let j = min(Double(jitter.nanoseconds), period / 2 - 1)
                    at = max(at + random.flat(-j, j), Double(current.start))
                }
                candidate = at
                segmentIndex += 1
            case .poisson:
                poissonClock += random.exponential(mean: period)
                candidate = poissonClock
            }
            guard candidate < Double(current.end) else {
                time = current.end
                continue
            }
            // Jitter near a change of state could reorder; arrivals stay strictly increasing.
            let arrival = max(candidate.roundedNanoseconds, last.map { $0 &+ 1 } ?? 0)
            last = arrival
            aheadStates.append(UInt8(current.state))
            index += 1
            return arrival
        }
    }

    /// The phase of stream `stream` of `count` under `policy`.
    public static func phase(stream: Int, of count: Int, policy: PhasePolicy, fps: Double, seed: UInt64) -> UInt64 {
        let period = 1e9 / fps
        switch policy {
        case .aligned: return 0
        case .spread: return UInt64((period * Double(stream) / Double(max(count, 1))).rounded())
        case .random: return UInt64(GSLRandom(seed: SeedSequence.derive(seed, 0xFA5E, UInt64(stream))).flat(0, period))
        }
    }
}
