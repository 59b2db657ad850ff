import Evaluation
import Realtime
import ResultsStore
import RuntimeSupport
import ScaleBenchCore

/// One measurement of a capacity search (``CapacitySearch``): at a stream count, run the
/// scenario's repetitions the database does not hold yet (stored like a sweep's, under
/// `name`, so an interrupted search resumes), then judge every run at that count against
/// the service levels. An infeasible count is a miss with its reasons, and is not run.
public struct CapacityProbe {
    public var name: String
    public var base: RunScenario
    public var topology: TopologyKind
    public var repetitions: Int
    public var sharedWorkers: [String]
    public var mode: RunMode
    public var levels: [Checkpoint.ServiceLevel]
    public let database: ResultsDatabase
    /// Validates a cell's scenario before it runs (the caller names flags or file lines).
    public var check: (RunScenario) throws -> Void = { _ in }
    /// Called before each run and after each count is judged.
    public var starting: (_ streams: Int, _ repetition: Int) -> Void = { _, _ in }
    public var judged: (_ streams: Int, _ status: DecisionCheckpoint.Status) -> Void = { _, _ in }

    public init(name: String, base: RunScenario, topology: TopologyKind, repetitions: Int, sharedWorkers: [String], mode: RunMode,
                levels: [Checkpoint.ServiceLevel], database: ResultsDatabase) {
        self.name = name
        self.base = base
        self.topology = topology
        self.repetitions = repetitions
        self.sharedWorkers = sharedWorkers
        self.mode = mode
        self.levels = levels
        self.database = database
    }

    /// Measures `streams`. `options` are the real-time executor's (its cancel signal is
    /// checked between runs: a raised signal stops with ``Cancelled``).
    public func probe(_ streams: Int, options: RealtimeExecutor.Options, provenance: Provenance) throws -> CapacitySearch.Probe {
        let plan = SweepPlan(name: name, base: base, topologies: [topology], streams: [streams], repetitions: repetitions,
                             sharedWorkers: sharedWorkers, mode: mode)
        let scenario = plan.identity(of: plan.cells[0]).scenario
        try check(scenario)
        let reasons = scenario.infeasibilities
        if !reasons.isEmpty {
            return CapacitySearch.Probe(streams: streams, meets: false,
                                        evidence: ["infeasible: " + reasons.map(\.description).joined(separator: "; ")])
        }
        let done = try database.completedSweepKeys(scenario: name)
        for cell in plan.cells where !done.contains(plan.identity(of: cell).sweepKey) {
            guard !options.cancel.isRaised else { throw Cancelled() }
            starting(streams, cell.repetition)
            _ = try RunService.run(plan.identity(of: cell), database: database, provenance: provenance, options: options)
            guard !options.cancel.isRaised else { throw Cancelled() }
        }
        let here = try database.records(scenario: name, mode: mode).filter { $0.streams == streams && $0.topology == topology.rawValue }
        let (status, evidence) = DecisionCheckpoint.judge(here, levels: levels, alertChain: base.checkpoint?.alertChain ?? [])
        judged(streams, status)
        return CapacitySearch.Probe(streams: streams, meets: status == .met, evidence: [status.rawValue + ": "] + evidence,
                                    insufficient: status == .insufficient)
    }

    /// The search was stopped by its cancel signal; the runs completed are stored.
    public struct Cancelled: Error {}
}
