import Evaluation
import Realtime
import ResultsStore
import RuntimeSupport
import ScaleBenchCore

/// The main job's check of the host model on the machine at hand: the scenario's smallest
/// stream count in real time, each option that fits, on the CPUs this machine lets the run
/// use (declared as the box, so the model and the run describe one machine), traced; then
/// each run calibrated (its workers' CPU demand per service) and simulated with its fits on
/// the same CPUs. Stored as `NAME-slice`: the slice's report sets the two side by side.
public struct CheckpointSlice {
    public let name: String
    public let scenario: RunScenario
    public let streams: Int
    public let topologies: [TopologyKind]
    public let sharedWorkers: [String]
    public let cpus: Int
    public let database: ResultsDatabase
    /// Simulated repetitions of each calibrated run.
    public var simulations = 3

    /// Nil when no option fits the box at the smallest count.
    public init?(scenarioName: String, base: RunScenario, counts: [Int], topologies: [TopologyKind], sharedWorkers: [String],
                 duration: Duration, database: ResultsDatabase, cpus: Int = CPUAffinity.available().count) {
        var slice = base
        slice.host = HostSpec(profile: "this machine", cores: cpus, threads: cpus, memoryGB: base.host?.memoryGB ?? 16)
        slice.duration = duration
        slice.warmup = .seconds(1)
        let streams = counts.min() ?? 1
        let fitting = topologies.filter { slice.cell(streams: streams, topology: $0, shared: sharedWorkers).infeasibilities.isEmpty }
        guard !fitting.isEmpty else { return nil }
        name = "\(scenarioName)-slice"
        scenario = slice
        self.streams = streams
        self.topologies = fitting
        self.sharedWorkers = sharedWorkers
        self.cpus = cpus
        self.database = database
    }

    /// The real-time runs' plan (its hash is also the calibrated simulations').
    public var realtimePlan: SweepPlan {
        SweepPlan(name: name, base: scenario, topologies: topologies, streams: [streams], repetitions: 1,
                  sharedWorkers: sharedWorkers, mode: .realtime)
    }

    /// Fits and stores the calibration of each stored slice run (those with samples
    /// enough), and returns the plan of each one's calibrated simulation. `path` names the
    /// database in calibration errors.
    public func calibrate(path: String) throws -> [SweepPlan] {
        var plans: [SweepPlan] = []
        for run in try database.records(scenario: name, mode: .realtime) {
            guard let topology = TopologyKind(rawValue: run.topology) else { continue }
            let records = try CalibrationFitting.fit(run: run.id, database: database).flatMap(\.records)
            guard !records.isEmpty else { continue }
            try database.storeCalibration(records, run: run.id)
            var calibrated = scenario
            try calibrated.applyCalibration(of: run.id, from: database, path: path)
            plans.append(SweepPlan(name: name, base: calibrated, topologies: [topology], streams: [streams], repetitions: simulations,
                                   sharedWorkers: sharedWorkers, mode: .simulated))
        }
        return plans
    }
}
