import ArgumentParser
import Evaluation
import Foundation
import Orchestration
import ResultsStore
import RuntimeSupport
import ScaleBenchCore

struct SensitivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensitivity",
        abstract: "Find where the checkpoint's recommendation changes across the scenario's uncertain assumptions (simulated time).",
        discussion: """
        For each assumption of checkpoint.sensitivity (a worker's service time or model
        memory, the box's cores, the capture rate), runs the scenario's matrix in simulated
        time at evenly spaced values across its range, answers the checkpoint at each, and
        bisects --refinements times wherever the recommendation differs between two
        neighbouring values. Each value's runs are stored under "NAME sensitivity:
        ASSUMPTION = VALUE", so an interrupted analysis resumes; `scalebench report` shows
        the table and the chart of the flip points.

        Example: scalebench sensitivity Scenarios/decision-checkpoint.yaml --db results.sqlite --repetitions 8 --duration 20s
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions
    @OptionGroup var storeOptions: StoreOptions

    @Option(parsing: .unconditional, help: "Runs per option and stream count at each value (default: the file's repetitions).")
    var repetitions: Int?

    @Option(parsing: .unconditional, help: "Bisections of each interval where the recommendation flips (0–8).")
    var refinements: Int = 3

    @Flag(help: "No progress output.")
    var quiet = false

    @Option(help: "Significance level of the CPU comparisons that separate two options meeting the service levels (after Holm's correction).")
    var alpha: Double = 0.05

    func run() throws {
        guard let file = try scenarioOptions.loadFile() else { throw UsageError("sensitivity needs a scenario file with checkpoint.sensitivity") }
        guard let sensitivities = file.base.checkpoint?.sensitivity, !sensitivities.isEmpty else {
            throw UsageError("\(file.path): no checkpoint.sensitivity to vary (e.g. {assumption: \"service:vlm\", range: [500ms, 5s]}; see Scenarios/README.md)")
        }
        guard (0...8).contains(refinements) else { throw UsageError("--refinements \(refinements): expected an integer from 0 to 8") }
        let runs = repetitions ?? file.repetitions
        guard (3...1000).contains(runs) else {
            throw UsageError("--repetitions \(runs): expected an integer from 3 to 1000 (the checkpoint's items need 3 runs a side)")
        }
        guard alpha > 0, alpha < 1 else { throw UsageError("--alpha \(alpha): expected a number in (0, 1), e.g. 0.05") }
        let counts = scenarioOptions.streams ?? file.streamCounts
        let topologies = scenarioOptions.topology.map { [$0] } ?? file.topologies
        guard let database = try storeOptions.open() else { throw UsageError("--no-store: sensitivity stores its runs; give --db") }
        let base = try scenarioOptions.makeScenario(file: file, streams: counts[0], topology: topologies[0], validate: false)
        var settings = Comparison.Settings()
        settings.alpha = alpha
        var analysis = SensitivityAnalysis(name: file.name, base: base, topologies: topologies, counts: counts, repetitions: runs,
                                           sharedWorkers: file.base.sharedWorkers, refinements: refinements, settings: settings,
                                           database: database)
        analysis.check = { try ScenarioOptions.check($0, file: file) }
        if !quiet {
            analysis.answered = { sensitivity, value, choices in
                let text = counts.map { "\($0): \(choices[$0] ?? "–")" }.joined(separator: ", ")
                FileHandleStderr.write("sensitivity: \(sensitivity.assumption) = \(sensitivity.assumption.text(value)) → \(text)\n")
            }
        }
        let trap = SignalTrap()
        let section: SensitivitySection
        do {
            section = try analysis.run(sensitivities, cancel: trap.cancel, provenance: .current())
        } catch is CapacityProbe.Cancelled {
            try trap.exitIfSignalled()
            throw ExitCode.failure
        } catch {
            throw RunExecution.refusal(error, mode: .simulated)
        }
        print("scalebench sensitivity \(file.path) · \(runs) simulated runs per option and stream count at each value")
        for line in section.lines {
            print("\(line.sensitivity.assumption.label) (\(line.points.count) values):")
            for sentence in section.sentences(line) { print("  \(sentence)") }
        }
    }
}
