import ArgumentParser
import Evaluation
import Foundation
import Orchestration
import Realtime
import ResultsStore
import RuntimeSupport
import ScaleBenchCore

/// The main job: the checkpoint answered for the scenario's box in simulated time, the
/// host model first checked against a short real-time slice on the machine at hand.
struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Answer the scenario's decision checkpoint for its box: a real-time slice on this machine checks the calibrated simulation, then the matrix and the sensitivity analysis run in simulated time.",
        discussion: """
        1. A slice in real time on this machine: the scenario's smallest stream count, each
           option that fits, --slice-duration long, traced, with the box declared as the
           CPUs this machine lets the run use (stored as "NAME-slice").
        2. Each slice run is calibrated (the workers' CPU demand per service) and simulated
           with its fits on the same CPUs; the agreement is printed and in the slice's report.
        3. The scenario's matrix in simulated time on the box it declares.
        4. The sensitivity analysis of checkpoint.sensitivity (scalebench sensitivity).
        5. Reports: OUT/NAME.md and .html (the answer first), OUT/NAME-slice.md and .html.

        Example: scalebench checkpoint Scenarios/decision-checkpoint.yaml --db results.sqlite --out Reports
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions
    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Folder the reports are written to.")
    var out: String = "Reports"

    @Option(parsing: .unconditional, help: "Simulated runs per option and stream count (default: the file's repetitions).")
    var repetitions: Int?

    @Option(name: .customLong("slice-duration"), parsing: .unconditional, help: "Measured length of each real-time slice run.", transform: Parsed.duration)
    var sliceDuration: Duration = .seconds(8)

    @Option(name: .customLong("sensitivity-repetitions"), parsing: .unconditional, help: "Simulated runs per option and stream count at each value of the sensitivity analysis (default: as --repetitions, so that its answer at the scenario's own values is the checkpoint's).")
    var sensitivityRepetitions: Int?

    @Option(parsing: .unconditional, help: "Bisections of each interval where the recommendation flips (0–8).")
    var refinements: Int = 2

    func run() throws {
        guard let file = try scenarioOptions.loadFile(), let checkpoint = file.base.checkpoint else {
            throw UsageError("checkpoint needs a scenario file with a checkpoint: section (see Scenarios/README.md)")
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), isFolder.boolValue else { throw UsageError("--out \(out): no such folder") }
        let repetitions = self.repetitions ?? file.repetitions
        guard (3...1000).contains(repetitions) else { throw UsageError("--repetitions \(repetitions): expected an integer from 3 to 1000 (the checkpoint's items need 3 runs a side)") }
        let sensitivityRepetitions = self.sensitivityRepetitions ?? repetitions
        guard (3...1000).contains(sensitivityRepetitions) else { throw UsageError("--sensitivity-repetitions \(sensitivityRepetitions): expected an integer from 3 to 1000") }
        guard (0...8).contains(refinements) else { throw UsageError("--refinements \(refinements): expected an integer from 0 to 8") }
        guard sliceDuration.nanoseconds >= 1_000_000_000 else { throw UsageError("--slice-duration \(sliceDuration): expected at least 1s") }
        guard let database = try storeOptions.open() else { throw UsageError("--no-store: checkpoint stores its runs; give --db") }
        let counts = scenarioOptions.streams ?? file.streamCounts
        let topologies = scenarioOptions.topology.map { [$0] } ?? file.topologies
        let base = try scenarioOptions.makeScenario(file: file, streams: counts[0], topology: topologies[0], validate: false)
        let trap = SignalTrap(), provenance = Provenance.current()
        let settings = Comparison.Settings()

        // 1–2: the slice on this machine's CPUs, then its calibrated simulations.
        // Other work on the machine takes CPUs from the slice, and the host model knows
        // nothing of it: the load beforehand is printed beside the agreement.
        let loadBefore = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
        guard let slice = CheckpointSlice(scenarioName: file.name, base: base, counts: counts, topologies: topologies,
                                          sharedWorkers: file.base.sharedWorkers, duration: sliceDuration, database: database) else {
            throw UsageError("\(file.path): no option fits the box at \(counts.min()!) streams, so there is no slice to check the simulation with")
        }
        stage("real-time slice on this machine (\(slice.cpus) CPUs): \(slice.streams) rooms × options \(slice.topologies.map(\.rawValue).joined(separator: ", ")), \(sliceDuration) each")
        let realPlan = slice.realtimePlan
        try sweep(realPlan, database: database, settingsHash: realPlan.baseHash, trace: true, trap: trap, provenance: provenance)
        for plan in try slice.calibrate(path: storeOptions.db) {
            try sweep(plan, database: database, settingsHash: realPlan.baseHash, trace: false, trap: trap, provenance: provenance)
        }
        let source = try AnalysisSource(path: storeOptions.db)
        let (sliceReport, sliceFiles) = try ReportFiles.write(name: slice.name, runs: try database.records(scenario: slice.name, mode: .realtime),
                                                              beside: nil, mode: .realtime, source: source, settings: settings, out: out)

        // 3–4: the matrix on the declared box, then the sensitivity analysis.
        stage("the checkpoint in simulated time on the box: \(counts.map(String.init).joined(separator: ", ")) rooms × \(topologies.map(\.rawValue).joined(separator: ", ")) × \(repetitions) runs")
        let plan = SweepPlan(name: file.name, base: base, topologies: topologies, streams: counts, repetitions: repetitions,
                             sharedWorkers: file.base.sharedWorkers, mode: .simulated)
        try sweep(plan, database: database, settingsHash: plan.baseHash, trace: false, trap: trap, provenance: provenance)
        if !checkpoint.sensitivity.isEmpty {
            stage("sensitivity: " + checkpoint.sensitivity.map { "\($0.assumption)" }.joined(separator: ", ") + " (\(sensitivityRepetitions) runs per cell and value)")
            var analysis = SensitivityAnalysis(name: file.name, base: base, topologies: topologies, counts: counts, repetitions: sensitivityRepetitions,
                                               sharedWorkers: file.base.sharedWorkers, refinements: refinements, settings: settings, database: database)
            analysis.check = { try ScenarioOptions.check($0, file: file) }
            do {
                _ = try analysis.run(checkpoint.sensitivity, cancel: trap.cancel, provenance: provenance)
            } catch is CapacityProbe.Cancelled {
                try trap.exitIfSignalled()
                throw ExitCode.failure
            }
        }
        let (report, files) = try ReportFiles.write(name: file.name, runs: try database.records(scenario: file.name, mode: .simulated),
                                                    beside: nil, mode: .simulated, source: source, settings: settings, out: out)

        // The first screen.
        print(report.answerMarkdown(), terminator: "")
        print(Self.agreement(sliceReport.simulation, cpus: slice.cpus), terminator: "")
        if let loadBefore {
            print(String(format: "\nLoad average before the slice: %.2f on %d CPUs", loadBefore, slice.cpus)
                  + (loadBefore > 0.75 * Double(slice.cpus) ? " — other work was running; it competes with the slice, and the model does not know it." : "."))
        }
        print("\nReports: \(files.markdown) (and .html), \(sliceFiles.markdown) (the slice).")
    }

    /// The slice's calibrated simulations against the real-time runs they were fitted
    /// from: a line per option and CPU-bound worker kind.
    static func agreement(_ check: SimulationCheck?, cpus: Int) -> String {
        var out = "## The host model on this machine (\(cpus) CPUs)\n\n"
        out += "Each real-time slice run against the simulation calibrated from it, of the same seed (its captures' phases) where there is one (real / simulated, simulated − real; "
        out += "a kind that serves only a few frames in the slice, a slow accelerator's, shows the noise of counting a few looks):\n\n"
        guard let check, !check.calibrated.isEmpty else { return out + "- no agreement to show: no slice run could be calibrated.\n" }
        let shown: [Metric.Quantity] = [.servedFPS, .dropFraction, .latencyP50, .latencyP99, .processCores]
        for option in check.calibrated.map(\.option).uniqued().sorted() {
            let rows = check.calibrated.filter { $0.option == option && shown.contains($0.metric.quantity) }
            for subject in rows.map(\.metric.subject).uniqued() {
                let parts = rows.filter { $0.metric.subject == subject }.map { row in
                    let simulated = row.sameSeed ?? row.simulated
                    let error = row.sameSeed == nil ? row.errorAgainstSource : row.errorAgainstSourceSameSeed
                    return "\(row.metric.quantity.rawValue) \(Report.number(row.sourceValue)) / \(Report.number(simulated))"
                        + (error.map { String(format: " (%+.0f %%)", $0 * 100) } ?? "")
                }
                out += "- option \(option)\(subject.map { ", \($0)" } ?? ""): " + parts.joined(separator: "; ") + "\n"
            }
        }
        return out
    }

    private func stage(_ text: String) { FileHandleStderr.write("checkpoint: \(text)\n") }

    private func sweep(_ plan: SweepPlan, database: ResultsDatabase, settingsHash: String, trace: Bool, trap: SignalTrap, provenance: Provenance) throws {
        for cell in plan.cells { try RunExecution.checkBeforeStart(plan.identity(of: cell), onAvailableCPUs: false) }
        let sweep: Sweep
        do {
            sweep = try Sweep(plan: plan, database: database, settingsHash: settingsHash)
        } catch let error as Sweep.ChangedSettings {
            throw UsageError("\(storeOptions.db) holds runs of a scenario named '\(error.name)' with other settings; use another --db")
        }
        do {
            _ = try sweep.run(pause: .seconds(0), trace: trace, cancel: trap.cancel, provenance: provenance)
        } catch {
            throw RunExecution.refusal(error, mode: plan.mode)
        }
        try trap.exitIfSignalled()
    }
}
