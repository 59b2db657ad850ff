import Foundation
import Random

/// One pool of worker instances and the streams it serves, against the load those streams
/// offered (docs/queueing.md §7): a shared kind's instances (option B's pools, option C's
/// frame-buffer), or one pipeline's own instance of a kind (every own instance sees every
/// frame of its pipeline, so it is a pool of one: option A's room workers).
///
/// The pool is overloaded while its streams' offered rate — each at its current state's
/// fps — exceeds its nominal capacity, `instances / E[S]` with E[S] the solo mean service
/// (on an accelerator the device's throughput at `instances` concurrent jobs; contention
/// for the host's cores is not in it). The measured fraction replays the streams' pure
/// schedules over the window, the very states both executors drew; the closed form is §7's
/// for stationary streams.
public struct PoolResult: Sendable, Codable, Equatable {
    public var worker: String
    public var streams: [Int]
    public var instances: Int
    /// Frames per second the pool serves when every instance is busy (nil: a worker with
    /// no service-time model, `pixels`, whose pool is never counted overloaded).
    public var capacityFPS: Double?
    /// Time-average offered rate over the window (the states' nominal fps).
    public var offeredFPS: Double
    /// Fraction of the window with the offered rate above the capacity.
    public var overloadFraction: Double
    /// §7: P(Σ offered > capacity) for independent stationary streams, and its mixture with
    /// a storm's on-time; nil where there is none (several storm kinds, or over
    /// ``closedFormStreams`` streams).
    public var closedForm: Double?

    public init(worker: String, streams: [Int], instances: Int, capacityFPS: Double?, offeredFPS: Double,
                overloadFraction: Double, closedForm: Double?) {
        self.worker = worker
        self.streams = streams
        self.instances = instances
        self.capacityFPS = capacityFPS
        self.offeredFPS = offeredFPS
        self.overloadFraction = overloadFraction
        self.closedForm = closedForm
    }

    /// Pools over this many streams get no closed form (the exact convolution grows with
    /// the number of distinct sums).
    public static let closedFormStreams = 128

    /// Every pool of the run: the shared kinds', then each pipeline's own instances.
    static func pools(instances: RunInstances) -> [PoolResult] {
        let scenario = instances.scenario
        let window = (start: instances.windowStart - instances.origin, end: instances.windowEnd - instances.origin)
        let captureOf = Dictionary(instances.captures.map { ($0.stream, $0) }, uniquingKeysWith: { first, _ in first })
        func capacity(_ spec: WorkerSpec, _ count: Int) -> Double? {
            guard let mean = spec.cost.meanServiceNanos, mean > 0 else { return nil }
            var total = Double(count)
            if spec.cost.isOffload, let name = spec.device, let device = scenario.devices.first(where: { $0.name == name }) {
                total *= device.sharing.perJobSpeed(concurrentJobs: count)
            }
            // The host cost is the whole CPU part of a service (half before the accelerator's
            // part, half after), so a service lasts mean + hostCost.
            let host = Double(spec.hostCost?.nanoseconds ?? 0)
            return total / ((mean + host) / 1e9)
        }
        func pool(_ spec: WorkerSpec, _ count: Int, _ streams: [Int]) -> PoolResult {
            let captures = streams.compactMap { captureOf[$0] }
            let capacityFPS = capacity(spec, count)
            let (offered, overload) = replay(captures, kind: spec.name, window: window, capacity: capacityFPS ?? .infinity)
            return PoolResult(worker: spec.name, streams: streams, instances: count, capacityFPS: capacityFPS,
                              offeredFPS: offered, overloadFraction: overload,
                              // A recorded stream has no stationary law: no closed form.
                              closedForm: captures.contains { $0.trace != nil } ? nil : capacityFPS.map { capacity in
                                  closedForm(captures.map { ($0.fps, $0.load) }, kind: spec.name, storms: scenario.storms ?? [], capacity: capacity)
                              } ?? 0)
        }
        return instances.plan.shared.map { pool($0.spec, $0.instances, $0.streams) }
            + instances.plan.pipelines.flatMap { pipeline in pipeline.workers.map { pool($0, 1, pipeline.streams) } }
    }

    /// The offered rate's time average and the fraction of the window it spends above
    /// `capacity`, from the streams' state schedules (a constant rate without a profile);
    /// a state `kind` does not serve offers it nothing.
    static func replay(_ captures: [RunInstances.Capture], kind: String, window: (start: UInt64, end: UInt64),
                       capacity: Double) -> (offered: Double, overload: Double) {
        guard window.end > window.start else { return (0, 0) }
        var constant = 0.0
        var changes: [(at: UInt64, delta: Double)] = []
        for capture in captures {
            guard let load = capture.load else {
                constant += capture.fps
                continue
            }
            var schedule = capture.loadSchedule()!
            var at = window.start, previous = 0.0
            while at < window.end {
                let segment = schedule.segment(at: at)
                let state = load.states[segment.state]
                let fps = state.serves(kind) ? state.fps : 0
                changes.append((at, fps - previous))
                previous = fps
                at = min(segment.end, window.end)
            }
        }
        changes.sort { $0.at < $1.at }
        var demand = constant, at = window.start, area = 0.0, over: UInt64 = 0
        var index = 0
        while at < window.end {
            while index < changes.count, changes[index].at <= at {
                demand += changes[index].delta
                index += 1
            }
            let until = index < changes.count ? changes[index].at : window.end
            area += demand * Double(until - at)
            if demand > capacity * (1 + 1e-9) { over += until - at }
            at = until
        }
        let length = Double(window.end - window.start)
        return (area / length, Double(over) / length)
    }

    /// §7's closed form: each stream's offered rate is its state's fps with the state's
    /// long-run fraction (independent streams), convolved exactly; with one storm kind, a
    /// mixture over the number of events on — exact for exponential gaps, whose events
    /// overlap; otherwise one event at a time, on E[lasts]/E[every] of the time.
    public static func closedForm(_ streams: [(fps: Double, load: LoadProfile?)], kind: String, storms: [Storm], capacity: Double) -> Double? {
        guard streams.count <= closedFormStreams, storms.count <= 1 else { return nil }
        guard capacity.isFinite else { return 0 }
        func tail(_ distributions: [[(rate: Double, p: Double)]]) -> Double {
            // Rates kept to a micro-frame per second, so equal sums merge.
            var sums: [Int64: Double] = [0: 1]
            for distribution in distributions {
                var next: [Int64: Double] = [:]
                for (sum, p) in sums {
                    for outcome in distribution where outcome.p > 0 {
                        next[sum + Int64((outcome.rate * 1e6).rounded()), default: 0] += p * outcome.p
                    }
                }
                sums = next
            }
            let limit = Int64((capacity * (1 + 1e-9) * 1e6).rounded(.down))
            return min(max(sums.filter { $0.key > limit }.values.reduce(0, +), 0), 1)
        }
        let own = streams.map { stream -> [(rate: Double, p: Double)] in
            guard let load = stream.load else { return [(stream.fps, 1)] }
            return zip(load.states, load.timeFractions).map { ($0.serves(kind) ? $0.fps : 0, $1) }
        }
        let independent = tail(own)
        guard let storm = storms.first else { return independent }
        /// Each room in the storm's state with probability `joined`, else in its own chain.
        func storming(_ joined: Double) -> Double {
            tail(zip(streams, own).map { stream, distribution -> [(rate: Double, p: Double)] in
                guard let load = stream.load, let state = load.states.first(where: { $0.name == storm.state }) else { return distribution }
                return distribution.map { ($0.rate, $0.p * (1 - joined)) } + [(state.serves(kind) ? state.fps : 0, joined)]
            })
        }
        guard case .exponential = storm.every else {
            let on = storm.timeOn
            return (1 - on) * independent + on * storming(storm.rooms)
        }
        // Events starting as a Poisson process overlap: the number on at a time is
        // Poisson(E[lasts] / E[every]) (M/G/∞), and a room is in the storm when it joined
        // any of them: 1 − (1 − rooms)^m with m on.
        let mean = storm.lasts.meanNanos / storm.every.meanNanos
        var probability = exp(-mean), covered = probability, total = probability * independent
        var m = 0
        while 1 - covered > 1e-9, m < 1000 {
            m += 1
            probability *= mean / Double(m)
            covered += probability
            total += probability * storming(1 - pow(1 - storm.rooms, Double(m)))
        }
        return total
    }
}
