import Realtime
import ResultsStore
import RuntimeSupport
import ScaleBenchCore

/// A sweep over a plan's cells, stored in a database: the guard against resuming changed
/// settings under the same name, the resume (cells already completed are skipped), the
/// shard, the cool-down between runs, infeasible cells recorded instead of run. The
/// caller watches it through ``Observer`` and renders.
public struct Sweep {
    /// What a caller sees while a sweep runs.
    public struct Observer {
        public var starting: (_ position: Int, _ cell: SweepPlan.Cell) -> Void = { _, _ in }
        public var infeasible: (_ position: Int, _ cell: SweepPlan.Cell, _ reasons: [DeviceInfeasibility]) -> Void = { _, _, _ in }
        public var finished: (_ position: Int, _ cell: SweepPlan.Cell, _ result: RunResult) -> Void = { _, _, _ in }
        public var sample: @Sendable (TimelineSample) -> Void = { _ in }
        public init() {}
    }

    /// A database that already holds runs of this name with other settings.
    public struct ChangedSettings: Error {
        public var name: String
        public var known: [String]
        public var now: String
    }

    public let plan: SweepPlan
    public let database: ResultsDatabase
    /// The cells of this shard still to run, in run order.
    public let todo: [SweepPlan.Cell]
    /// The cells of this shard the database already holds.
    public let skipped: Int

    /// `settingsHash` is the hash of the settings as written (before a calibration
    /// rewrote the workers), which a calibrated simulation may share with its source.
    public init(plan: SweepPlan, database: ResultsDatabase, shard: (index: Int, count: Int) = (1, 1),
                settingsHash: String) throws {
        let known = try database.scenarioHashes(named: plan.name)
        if !known.isEmpty && !known.contains(settingsHash) && !known.contains(plan.baseHash) {
            throw ChangedSettings(name: plan.name, known: known.sorted(), now: settingsHash)
        }
        self.plan = plan
        self.database = database
        let done = try database.completedSweepKeys(scenario: plan.name)
        let cells = plan.shard(shard.index, of: shard.count)
        todo = cells.filter { !done.contains(plan.identity(of: $0).sweepKey) }
        skipped = cells.count - todo.count
    }

    /// Runs what is left: returns the runs in which every stream failed (stored `failed`,
    /// so a resumed sweep runs them again). Stops early, between runs or within one, when
    /// `cancel` is raised; the run in progress is kept as `aborted`.
    public func run(pause: Duration, trace: Bool, cancel: StopSignal, onAvailableCPUs: Bool = false,
                    provenance: Provenance = .current(), observer: Observer = Observer()) throws -> [String] {
        var failures: [String] = []
        for (position, cell) in todo.enumerated() {
            if position > 0, pause.nanoseconds > 0, !cancel.sleep(until: monotonicNanos() + pause.nanoseconds) { break }
            if cancel.isRaised { break }
            let identity = plan.identity(of: cell)
            let reasons = identity.scenario.infeasibilities
            if !reasons.isEmpty {
                try database.recordInfeasible(identity, reasons: reasons)
                observer.infeasible(position, cell, reasons)
                continue
            }
            observer.starting(position, cell)
            var options = RealtimeExecutor.Options(cancel: cancel)
            options.trace = trace
            options.onAvailableCPUs = onAvailableCPUs
            options.onSample = observer.sample
            let (result, _) = try RunService.run(identity, database: database, provenance: provenance, options: options)
            observer.finished(position, cell, result)
            if let failure = result.everyStreamFailed {
                failures.append("option \(cell.topology.rawValue) × \(cell.streams) streams, repetition \(cell.repetition): \(failure)")
            }
        }
        return failures
    }
}
