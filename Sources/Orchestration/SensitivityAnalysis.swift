import Evaluation
import Realtime
import ResultsStore
import RuntimeSupport
import ScaleBenchCore

/// Re-answers a scenario's decision checkpoint across each declared assumption's range, in
/// simulated time: the grid first (the range's `steps` values and the scenario's own
/// value), then, wherever two neighbouring values give a different choice at some stream
/// count, bisection `refinements` times (whole cores: until the two are neighbours). Each value's runs are
/// stored as a sweep of their own (``SensitivitySection/scenarioName(_:_:_:)``), so an
/// interrupted analysis resumes and `report` reads the answer back from the database.
public struct SensitivityAnalysis {
    public var name: String
    public var base: RunScenario
    public var topologies: [TopologyKind]
    public var counts: [Int]
    public var repetitions: Int
    public var sharedWorkers: [String]
    public var refinements: Int
    public var settings: Comparison.Settings
    public let database: ResultsDatabase
    /// Validates a value's scenario before it runs (the caller names the file's lines).
    public var check: (RunScenario) throws -> Void = { _ in }
    /// Told of each value once its checkpoint is answered.
    public var answered: (_ sensitivity: Sensitivity, _ value: Double, _ choices: [Int: String]) -> Void = { _, _, _ in }

    public init(name: String, base: RunScenario, topologies: [TopologyKind], counts: [Int], repetitions: Int,
                sharedWorkers: [String], refinements: Int, settings: Comparison.Settings, database: ResultsDatabase) {
        self.name = name
        self.base = base
        self.topologies = topologies
        self.counts = counts
        self.repetitions = repetitions
        self.sharedWorkers = sharedWorkers
        self.refinements = refinements
        self.settings = settings
        self.database = database
    }

    /// Runs every assumption's values (those the database lacks) and returns their answers.
    /// Stops between runs when `cancel` is raised (``Cancelled``).
    public func run(_ sensitivities: [Sensitivity], cancel: StopSignal, provenance: Provenance) throws -> SensitivitySection {
        var lines: [SensitivitySection.Line] = []
        for sensitivity in sensitivities {
            var points: [SensitivitySection.Point] = []
            // The scenario's own value too, so that the table shows the answer as it stands.
            var values = sensitivity.grid
            if let own = sensitivity.assumption.value(in: base), own >= sensitivity.low, own <= sensitivity.high, !values.contains(own) {
                values.append(own)
            }
            for value in values.sorted() {
                points.append(try answer(sensitivity, at: value, cancel: cancel, provenance: provenance))
            }
            for _ in 0..<refinements {
                points.sort { $0.value < $1.value }
                let flips = SensitivitySection.flips(points, counts: counts)
                // Each interval where some count flips, narrowed once per round.
                var added = false
                for flip in flips {
                    let (below, above) = (flip.below, flip.above)
                    var middle = (below + above) / 2
                    if sensitivity.assumption.isWhole {
                        middle = middle.rounded(.down)
                        guard middle > below, middle < above else { continue }
                    }
                    guard !points.contains(where: { $0.value == middle }) else { continue }
                    points.append(try answer(sensitivity, at: middle, cancel: cancel, provenance: provenance))
                    added = true
                }
                if !added { break }
            }
            // The points answered here, not read back and answered again (`report` reads
            // every stored value, those of earlier analyses too).
            lines.append(SensitivitySection.Line(sensitivity: sensitivity, baseline: sensitivity.assumption.value(in: base),
                                                 points: points, counts: counts))
        }
        return SensitivitySection(scenario: name, lines: lines)
    }

    /// Runs `sensitivity` at `value` (the runs the database lacks), then answers its checkpoint.
    func answer(_ sensitivity: Sensitivity, at value: Double, cancel: StopSignal, provenance: Provenance) throws -> SensitivitySection.Point {
        let scenarioName = SensitivitySection.scenarioName(name, sensitivity.assumption, value)
        let scenario = sensitivity.assumption.applied(value, to: base)
        let plan = SweepPlan(name: scenarioName, base: scenario, topologies: topologies, streams: counts, repetitions: repetitions,
                             sharedWorkers: sharedWorkers, mode: .simulated)
        for cell in plan.cells { try check(plan.identity(of: cell).scenario) }
        let sweep = try Sweep(plan: plan, database: database, settingsHash: plan.baseHash)
        _ = try sweep.run(pause: .seconds(0), trace: false, cancel: cancel, provenance: provenance)
        guard !cancel.isRaised else { throw CapacityProbe.Cancelled() }
        let runs = try database.records(scenario: scenarioName, mode: .simulated)
        let choices = SensitivitySection.choices(runs: runs, infeasible: try database.infeasibleCells(scenario: scenarioName, mode: .simulated),
                                                 settings: settings)
        answered(sensitivity, value, choices)
        return SensitivitySection.Point(value: value, choices: choices)
    }
}
