/// The box a run modelled, the CPUs it really ran on, and what the CPUs did over the
/// measured window.
public struct HostResult: Sendable, Codable, Equatable {
    /// The declared box.
    public var spec: HostSpec
    /// Logical CPUs the run's threads could use: in real time those it was pinned to
    /// (`spec.threads`), or all the machine had with `--on-available-cpus`; in simulated
    /// time the box's threads.
    public var cpus: Int
    /// Real time: whether the run was pinned to the box's threads (false: it ran on the
    /// CPUs the machine had, and says so).
    public var pinned: Bool
    /// CPU in use over the window, in cores, and as a share of the box's peak.
    public var coresInUse: Double
    public var utilisation: Double
    /// Runnable CPU jobs (simulated) or threads (real time, sampled): time average, p99.
    public var runQueueMean: Double?
    public var runQueueP99: Double?
    /// Cores in use by each worker kind, in the scenario's order.
    public var coresByKind: [KindShare]

    public struct KindShare: Sendable, Codable, Equatable {
        public var worker: String
        public var cores: Double
        public init(worker: String, cores: Double) {
            self.worker = worker
            self.cores = cores
        }
    }

    public init(spec: HostSpec, cpus: Int, pinned: Bool, coresInUse: Double, utilisation: Double, runQueueMean: Double?,
                runQueueP99: Double?, coresByKind: [KindShare]) {
        self.spec = spec
        self.cpus = cpus
        self.pinned = pinned
        self.coresInUse = coresInUse
        self.utilisation = utilisation
        self.runQueueMean = runQueueMean
        self.runQueueP99 = runQueueP99
        self.coresByKind = coresByKind
    }
}
