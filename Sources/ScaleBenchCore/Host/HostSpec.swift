/// The box a scenario describes: its physical cores, hardware threads, what a second
/// thread on a core adds, and its memory. In real time a run is pinned to `threads`
/// CPUs; in simulated time every CPU job shares the box by processor sharing
/// (docs/queueing.md §6).
public struct HostSpec: Sendable, Equatable, Codable {
    /// The named profile it started from, if any (overrides may follow).
    public var profile: String?
    /// Physical cores.
    public var cores: Int
    /// Hardware threads (logical CPUs): `cores` without SMT, up to `cores × smt.count`.
    public var threads: Int
    /// Throughput of one core with 1, 2, … of its threads busy, relative to one thread
    /// alone: `[1]` without SMT, e.g. `[1, 1.25]` when a second thread adds a quarter.
    public var smt: [Double]
    /// Memory for the CPU models placed on the host (`device: host`), GB.
    public var memoryGB: Double

    public init(profile: String? = nil, cores: Int, threads: Int? = nil, smt: [Double] = [1], memoryGB: Double) {
        self.profile = profile
        self.cores = cores
        self.threads = threads ?? cores
        self.smt = smt
        self.memoryGB = memoryGB
    }

    /// The name `device: host` places CPU models under.
    public static let deviceName = "host"

    /// Cores' worth of work done per unit of time while `k` jobs are runnable: each job
    /// on a thread of its own while there are threads (the first `cores` on cores of
    /// their own, the next sharing a core with one), then all threads busy, time-sliced
    /// by the scheduler. Never more than `cores × smt.last`.
    public func capacity(runnable k: Int) -> Double {
        guard k > 0 else { return 0 }
        let busy = min(k, threads)
        if busy <= cores || smt.count < 2 { return Double(min(busy, cores)) }
        // Cores with a second thread busy each deliver smt[1] instead of 1 (two-way SMT;
        // deeper SMT adds smt[2], … in the same way).
        var capacity = Double(cores)
        var extra = busy - cores
        var level = 1
        while extra > 0, level < smt.count {
            let doubled = min(extra, cores)
            capacity += Double(doubled) * (smt[level] - smt[level - 1])
            extra -= doubled
            level += 1
        }
        return capacity
    }

    /// Speed of each of `k` runnable jobs relative to the same job alone on a core.
    public func perJobSpeed(runnable k: Int) -> Double { k == 0 ? 1 : min(1, capacity(runnable: k) / Double(k)) }

    /// The most the host can do: all its threads busy.
    public var peakCapacity: Double { capacity(runnable: threads) }

    /// Why the spec cannot describe a box, or nil.
    public var problem: String? {
        if cores < 1 { return "cores \(cores): expected at least 1" }
        if threads < cores { return "threads \(threads): expected at least the \(cores) cores (a core has at least one thread)" }
        if threads > cores * smt.count {
            return "threads \(threads): \(cores) cores with an SMT curve of \(smt.count) value\(smt.count == 1 ? "" : "s") have at most \(cores * smt.count); give smt: [1, …] for each thread a core can run"
        }
        let curve = "[" + smt.map(format3).joined(separator: ", ") + "]"
        if smt.first != 1 { return "smt \(curve): the first value is a core with one thread busy, so 1" }
        for (a, b) in zip(smt, smt.dropFirst()) where b < a {
            return "smt \(curve): a curve that falls (another busy thread never lowers a core's throughput)"
        }
        if !(memoryGB > 0) { return "memory-gb \(format3(memoryGB)): expected a number above 0" }
        return nil
    }

    public var description: String {
        let smtText = smt.count > 1 ? ", SMT " + smt.map(format3).joined(separator: "/") : ""
        return "\(profile.map { "\($0): " } ?? "")\(cores) core\(cores == 1 ? "" : "s") / \(threads) thread\(threads == 1 ? "" : "s")\(smtText), \(format3(memoryGB)) GB"
    }
}

/// The boxes the original targets, by name (docs/semantics.md). Figures are the makers'
/// core and thread counts; the SMT gain (a second thread adds about a quarter of a core
/// on inference-like work) is a typical figure, not a measurement: calibrate it.
public enum HostProfile {
    public static let all: [(name: String, spec: HostSpec, note: String)] = [
        ("nuc-i5-1135g7", HostSpec(profile: "nuc-i5-1135g7", cores: 4, threads: 8, smt: [1, 1.25], memoryGB: 16),
         "the edge box per residence: Intel NUC, i5-1135G7, 4 cores / 8 threads, 16 GB"),
        ("i7-10700", HostSpec(profile: "i7-10700", cores: 8, threads: 16, smt: [1, 1.25], memoryGB: 32),
         "planned scale target: i7-10700, 8 cores / 16 threads"),
        ("i9-12900k", HostSpec(profile: "i9-12900k", cores: 16, threads: 24, smt: [1, 1.25], memoryGB: 64),
         "planned scale target: i9-12900K, 8 P-cores with two threads + 8 E-cores (16 cores / 24 threads), modelled as equal cores"),
        ("jetson-xavier-nx", HostSpec(profile: "jetson-xavier-nx", cores: 6, threads: 6, smt: [1], memoryGB: 8),
         "a Jetson-class box: Xavier NX, 6 Carmel cores, 8 GB shared with its GPU"),
    ]

    public static func named(_ name: String) -> HostSpec? { all.first { $0.name == name.lowercased() }?.spec }
}

/// A real-time run of a box on a machine that cannot hold it.
public struct HostMismatch: Error, Sendable, CustomStringConvertible {
    public var spec: HostSpec
    public var availableCPUs: Int

    public var description: String {
        "the box (\(spec.description)) needs \(spec.threads) CPUs and this machine lets the run use \(availableCPUs); "
            + "run it in simulated time (--mode simulated), or measure on the \(availableCPUs) CPUs it has with --on-available-cpus (recorded as such)"
    }
}

extension HostSpec {
    /// The CPUs a real-time run of this box uses among `available`: the first `threads`
    /// of them (pinned), or with `onAvailable` all of them when there are fewer (not
    /// pinned to the box, and recorded so). Throws when there are fewer and `onAvailable`
    /// is not given.
    public func placement(available: [Int], onAvailable: Bool) throws(HostMismatch) -> (cpus: [Int], pinned: Bool) {
        if available.count >= threads { return (Array(available.prefix(threads)), true) }
        guard onAvailable else { throw HostMismatch(spec: self, availableCPUs: available.count) }
        return (available, false)
    }
}
