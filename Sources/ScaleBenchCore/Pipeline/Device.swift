import Random

/// Shared accelerators ("devices", e.g. `gpu0`) on which offloaded worker jobs run
/// concurrently and share capacity.
///
/// Everything here is a pure value (DESIGN principle 2): no clock, thread or I/O. The
/// realtime ``DeviceGate`` drives a ``ProcessorSharing`` from OS threads; a virtual-time
/// executor can drive the same value from its event queue.

/// An accelerator as a scenario declares it.
public struct DeviceSpec: Sendable, Equatable, Codable {
    public var name: String
    /// Memory available for model instances placed on the device.
    public var memoryGB: Double
    /// How concurrent jobs share the device's compute.
    public var sharing: DeviceSharing

    public init(name: String, memoryGB: Double, sharing: DeviceSharing = .divided) {
        self.name = name
        self.memoryGB = memoryGB
        self.sharing = sharing
    }
}

/// How a device's throughput behaves as more jobs run on it at once.
public enum DeviceSharing: Sendable, Equatable, CustomStringConvertible {
    /// The device's throughput is fixed: with k concurrent jobs each runs k× slower.
    case divided
    /// `curve[i]` is the device's total throughput with i+1 concurrent jobs relative to one
    /// job (e.g. `[1, 1.6, 1.9, 2.0]`: batching recovers idle compute, with diminishing
    /// returns). Beyond the curve's end its last value holds.
    case efficiency([Double])

    public static let grammar = "divided or efficiency(T1,T2,…) where Ti > 0 is the total throughput with i concurrent jobs relative to one job (normally T1 = 1)"

    /// Speed of each of `k` concurrent jobs relative to the same job running alone.
    public func perJobSpeed(concurrentJobs k: Int) -> Double {
        precondition(k >= 1, "a speed is defined for at least one job")
        switch self {
        case .divided:
            return 1 / Double(k)
        case .efficiency(let curve):
            precondition(!curve.isEmpty, "an efficiency curve needs at least one value")
            return curve[min(k, curve.count) - 1] / Double(k)
        }
    }

    /// Parses `divided` or `efficiency(1,1.6,1.9)`.
    public static func parse(_ text: String) throws(ParseError) -> DeviceSharing {
        let lowered = text.lowercased().trimmingCharacters(in: " ")
        if lowered == "divided" { return .divided }
        guard lowered.hasPrefix("efficiency("), lowered.hasSuffix(")") else {
            throw ParseError("'\(text)' is not a device sharing; expected \(grammar)")
        }
        var curve: [Double] = []
        for item in lowered.dropFirst(11).dropLast().split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Double(String(item).trimmingCharacters(in: " ")), value.isFinite, value > 0 else {
                throw ParseError("'\(item)' in '\(text)' is not a throughput > 0; expected \(grammar)")
            }
            curve.append(value)
        }
        // A first value other than 1 is accepted (a lone job then runs at that speed), so
        // that every curve a scenario can hold survives the round trip through JSON.
        return .efficiency(curve)
    }

    public var description: String {
        switch self {
        case .divided: return "divided"
        case .efficiency(let curve): return "efficiency(" + curve.map(format3).joined(separator: ",") + ")"
        }
    }
}

// Stored in JSON as the text a scenario uses (`"efficiency(1,1.6)"`), like other policies.
extension DeviceSharing: TextCodable {
    static func decode(text: String) -> DeviceSharing? { try? parse(text) }
}

/// The policy of one device in time: processor sharing between the jobs on it.
///
/// A job's work is its service time in nanoseconds when running alone. While k jobs are
/// unfinished each progresses at `sharing.perJobSpeed(k)`. A finished job stops counting
/// towards k at its exact finishing instant, even if its owner removes it later (a thread
/// takes a while to wake up; the device does not wait for it).
///
/// No clock: every mutation says what time it is, so a realtime gate and a discrete-event
/// executor drive the same code. Time never goes back.
public struct ProcessorSharing: Sendable {
    private struct Job: Sendable {
        let id: Int
        /// Solo nanoseconds still to do; 0 once finished. Double so that progress at
        /// fractional speeds does not drift by a rounding per step.
        var remaining: Double
    }

    /// Remaining work below this (a picosecond) counts as done: absorbs floating-point
    /// residue when several jobs finish at the same instant or are advanced along
    /// different step sequences. Completion times are whole nanoseconds anyway.
    static let finishedBelow = 1e-3

    public let sharing: DeviceSharing
    /// The instant the state describes (the latest time passed in).
    public private(set) var time: UInt64
    /// In arrival order, so ties are broken deterministically (first come, first named).
    private var jobs: [Job] = []

    /// Nanoseconds during which at least one job was unfinished.
    public private(set) var busyNanos: Double = 0
    /// Integral of the number of unfinished jobs over time (job-nanoseconds).
    public private(set) var concurrencyNanos: Double = 0
    /// Most jobs ever unfinished at once.
    public private(set) var maxConcurrency = 0
    /// Jobs that have finished their work (removed or not).
    public private(set) var completedJobs = 0

    public init(sharing: DeviceSharing, start: UInt64 = 0) {
        self.sharing = sharing
        self.time = start
    }

    /// Jobs currently sharing the device (unfinished).
    public var activeJobs: Int { jobs.count { $0.remaining > 0 } }

    /// Mean number of jobs sharing the device while it was busy (0 if never busy).
    public var meanConcurrency: Double { busyNanos > 0 ? concurrencyNanos / busyNanos : 0 }

    /// A job arrives with `work` solo nanoseconds to do. Ids must be unique among the
    /// jobs present (finished jobs stay present until removed).
    public mutating func add(job: Int, work: UInt64, at now: UInt64) {
        precondition(!jobs.contains { $0.id == job }, "job \(job) is already on the device")
        advance(to: now)
        jobs.append(Job(id: job, remaining: Double(work)))
        if work == 0 { completedJobs += 1 }
        maxConcurrency = max(maxConcurrency, activeJobs)
    }

    /// The job leaves: normally once finished; before that it is a cancellation and its
    /// remaining work is dropped.
    public mutating func remove(job: Int, at now: UInt64) {
        advance(to: now)
        guard let index = jobs.firstIndex(where: { $0.id == job }) else {
            preconditionFailure("job \(job) is not on the device")
        }
        jobs.remove(at: index)
    }

    /// Progresses every unfinished job to `now`. Piecewise: when a job finishes inside
    /// the interval the others speed up from that instant, so the result does not depend
    /// on how often (or rarely) this is called.
    public mutating func advance(to now: UInt64) {
        precondition(now >= time, "time cannot go back (\(now) < \(time))")
        var left = Double(now - time)
        time = now
        while left > 0 {
            let active = jobs.indices.filter { jobs[$0].remaining > 0 }
            guard let first = active.min(by: { jobs[$0].remaining < jobs[$1].remaining }) else { break }
            let k = active.count
            let speed = sharing.perJobSpeed(concurrentJobs: k)
            let untilFirst = jobs[first].remaining / speed
            let step = min(left, untilFirst)
            for i in active {
                jobs[i].remaining -= step * speed
                // The job that defined the step is done exactly (no residue loops).
                if (i == first && step == untilFirst) || jobs[i].remaining < Self.finishedBelow {
                    jobs[i].remaining = 0
                    completedJobs += 1
                }
            }
            busyNanos += step
            concurrencyNanos += step * Double(k)
            left -= step
        }
    }

    /// The earliest finishing among unfinished jobs if nothing arrives or leaves, rounded
    /// up to a whole nanosecond so that advancing to it finds that job finished.
    /// Nil when no job is unfinished.
    public func nextCompletion() -> (job: Int, at: UInt64)? {
        let active = jobs.filter { $0.remaining > 0 }
        guard let first = active.min(by: { $0.remaining < $1.remaining }) else { return nil }
        let speed = sharing.perJobSpeed(concurrentJobs: active.count)
        return (first.id, time + UInt64((first.remaining / speed).rounded(.up)))
    }

    /// When `job` finishes if no other job arrives (jobs finishing before it speed it
    /// up), rounded up to a whole nanosecond; `time` if already finished, nil if unknown.
    public func projectedCompletion(of job: Int) -> UInt64? {
        guard let remaining = remainingWork(job: job) else { return nil }
        if remaining == 0 { return time }
        var future = self
        // Each step finishes at least one job, so this ends after at most `jobs.count` steps.
        while let next = future.nextCompletion() {
            future.advance(to: next.at)
            if future.isFinished(job: job) { return next.at }
        }
        preconditionFailure("job \(job) never finishes")
    }

    /// Solo nanoseconds `job` still has to do (0 once finished), nil if it is not present.
    public func remainingWork(job: Int) -> Double? {
        jobs.first { $0.id == job }?.remaining
    }

    /// Whether `job` has done all its work. False for a job that is not present.
    public func isFinished(job: Int) -> Bool { remainingWork(job: job) == 0 }
}

/// What a device did over a run, from its ``ProcessorSharing`` accounting.
public struct DeviceUsage: Sendable, Equatable, Codable {
    /// Seconds with at least one job on the device.
    public var busySeconds: Double
    /// Mean number of concurrent jobs while busy (time-weighted).
    public var meanConcurrency: Double
    public var maxConcurrency: Int
    /// Jobs completed.
    public var jobs: Int

    public init(busySeconds: Double, meanConcurrency: Double, maxConcurrency: Int, jobs: Int) {
        self.busySeconds = busySeconds
        self.meanConcurrency = meanConcurrency
        self.maxConcurrency = maxConcurrency
        self.jobs = jobs
    }

    public init(_ sharing: ProcessorSharing) {
        self.init(busySeconds: sharing.busyNanos / 1e9, meanConcurrency: sharing.meanConcurrency,
                  maxConcurrency: sharing.maxConcurrency, jobs: sharing.completedJobs)
    }
}

/// Model instances of one worker placed on one device.
public struct ModelPlacement: Sendable, Equatable {
    public var worker: String
    public var device: String
    public var instances: Int
    public var modelMemoryGB: Double

    public init(worker: String, device: String, instances: Int, modelMemoryGB: Double) {
        self.worker = worker
        self.device = device
        self.instances = instances
        self.modelMemoryGB = modelMemoryGB
    }

    public var memoryGB: Double { Double(instances) * modelMemoryGB }
}

/// A device whose placed models do not fit in its memory (or that is not declared).
public struct DeviceInfeasibility: Sendable, Equatable, CustomStringConvertible {
    public var device: String
    public var neededGB: Double
    /// The device's memory; 0 if no device of that name is declared.
    public var availableGB: Double
    /// The placements on the device, in the order given.
    public var placements: [ModelPlacement]
    /// False when placements name a device the scenario does not declare.
    public var isDeclared: Bool

    public init(device: String, neededGB: Double, availableGB: Double, placements: [ModelPlacement], isDeclared: Bool = true) {
        self.device = device
        self.neededGB = neededGB
        self.availableGB = availableGB
        self.placements = placements
        self.isDeclared = isDeclared
    }

    /// `gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 24.0 GB`
    public var description: String {
        let parts = placements.map { "\($0.worker) \($0.instances) × \(gigabytes($0.modelMemoryGB)) GB" }.joined(separator: " + ")
        let needs = "\(device): needs \(gigabytes(neededGB)) GB (\(parts))"
        return isDeclared ? "\(needs) but has \(gigabytes(availableGB)) GB" : "\(needs) but no device \(device) is declared"
    }
}

/// Whether the models placed on each device fit in its memory.
public enum DeviceFeasibility {
    /// Sums instances × model memory per device and compares with the device's memory.
    /// Empty means feasible. Declared devices come first in declaration order, then
    /// undeclared device names in order of first placement.
    public static func check(_ placements: [ModelPlacement], devices: [DeviceSpec]) -> [DeviceInfeasibility] {
        var problems: [DeviceInfeasibility] = []
        for device in devices {
            let here = placements.filter { $0.device == device.name }
            let needed = here.reduce(0) { $0 + $1.memoryGB }
            // A relative tolerance so that 3 × 8.0 GB on 24 GB (or 3 × 0.1 on 0.3) fits.
            if needed > device.memoryGB * (1 + 1e-9) {
                problems.append(DeviceInfeasibility(device: device.name, neededGB: needed, availableGB: device.memoryGB, placements: here))
            }
        }
        let declared = Set(devices.map(\.name))
        var undeclared: [String] = []
        for placement in placements where !declared.contains(placement.device) && !undeclared.contains(placement.device) {
            undeclared.append(placement.device)
        }
        for name in undeclared {
            let here = placements.filter { $0.device == name }
            problems.append(DeviceInfeasibility(device: name, neededGB: here.reduce(0) { $0 + $1.memoryGB }, availableGB: 0,
                                                placements: here, isDeclared: false))
        }
        return problems
    }
}

/// `32.0`, `7.5`, `0.25`: one decimal at least, so a size reads as a size, up to three.
private func gigabytes(_ value: Double) -> String {
    let text = format3(value)
    return text.contains(".") ? text : text + ".0"
}
