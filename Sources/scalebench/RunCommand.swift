import ArgumentParser
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run N camera streams through a topology in real time and report per stream × worker.",
        discussion: """
        Each stream gets its own capture thread, FrameSupplier and worker threads
        (topology A). Frames are synthetic, decoded from a file or read from a live URL
        (--source). Metrics cover the measured window (--duration) after the warm-up
        (--warmup), which is excluded by time. The run is stored in the results database
        (--db, default Reports/results.sqlite) unless --no-store.

        Workers: a preset (\(WorkerSpec.presets.map(\.name).joined(separator: ", "))) or
        offload:DIST (sleeps: accelerator), cpu:DIST (spins on the thread's CPU clock),
        pixels (luma downscale + motion score). DIST: \(ServiceDistribution.grammar).

        A scenario file (Scenarios/*.yaml) gives every setting; flags beside it override.
        A file whose streams or topology is a list runs every cell once and prints one
        table per stream count with the topologies side by side; a cell whose models do
        not fit its devices is reported as infeasible and not run.

        Examples:
          scalebench run Scenarios/hospital-10.yaml --topology C
          scalebench run Scenarios/decision-checkpoint.yaml --duration 3s --warmup 1s
          scalebench run --streams 4 --fps 30 --duration 5s --worker offload:50ms --json
          scalebench run --streams 10 --worker person-detector --worker vlm --resolution 1080p
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Flag(help: "Print the result as JSON instead of a table.")
    var json = false

    @Option(help: "Write every worker event (stream, seq, worker, result) as JSON lines to this file after the run.")
    var events: String?

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var modeOption: ModeOption

    @Option(help: "Scenario name the run is stored under (default: the scenario file's name, or cli-run).")
    var name: String?

    func run() throws {
        let file = try scenarioOptions.loadFile()
        if let file {
            // A matrix unless the flags pin it to one cell.
            let counts = scenarioOptions.streams?.count ?? file.streamCounts.count
            let kinds = scenarioOptions.topology == nil ? file.topologies.count : 1
            if counts * kinds > 1 { return try runMatrix(file) }
        }
        var scenario = try scenarioOptions.makeScenario(file: file)
        try modeOption.calibrate(&scenario, db: storeOptions.db)
        let reasons = scenario.infeasibilities
        if !reasons.isEmpty {
            throw UsageError("topology \(scenario.topology.rawValue) with \(scenario.streams) streams is infeasible, nothing was run: "
                             + reasons.map(\.description).joined(separator: "; "))
        }
        let name = self.name ?? file?.name ?? "cli-run"
        let mode = modeOption.validated()
        if let path = events {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path) else {
                throw UsageError("--events \(path): the folder \(url.deletingLastPathComponent().path) does not exist")
            }
        }
        // Refusals before the database is touched: nothing half-written.
        try RunExecution.checkBeforeStart(RunIdentity(scenarioName: name, scenario: scenario, mode: mode), onAvailableCPUs: modeOption.onAvailableCPUs)
        let database = try storeOptions.open()
        let trap = SignalTrap()
        var options = modeOption.options(cancel: trap.cancel, keepEvents: events != nil)
        options.trace = storeOptions.trace
        let (result, kept) = try RunExecution.run(RunIdentity(scenarioName: name, scenario: scenario, mode: mode),
                                                  database: database, options: options)
        // The result is printed before anything else can fail: a completed run is never lost.
        print(json ? try RunRenderer.json(result) : RunRenderer.table(result))
        if let path = events {
            do {
                try writeEvents(kept, to: path)
            } catch {
                FileHandleStderr.write("scalebench: could not write events to \(path): \(error)\n")
                throw ExitCode(1)
            }
        }
        try trap.exitIfSignalled()
        if !result.accounting.balanced {
            FileHandleStderr.write("scalebench: the frame accounting does not balance; see the accounting section\n")
            throw ExitCode(1)
        }
        try Self.failIfEveryStreamFailed(result)
    }

    /// A run whose every source failed measured nothing: exit 1, saying why.
    static func failIfEveryStreamFailed(_ result: RunResult) throws {
        guard let failure = result.everyStreamFailed else { return }
        FileHandleStderr.write("scalebench: every stream failed, nothing was measured: \(failure)\n")
        throw ExitCode(1)
    }

    /// Every cell of the file's matrix once (flags may pin streams or topology), then
    /// one side-by-side table per stream count.
    private func runMatrix(_ file: ScenarioFile) throws {
        if json || events != nil { throw UsageError("--json and --events take one run; pin --streams and --topology to run one cell of \(file.path)") }
        var counts = file.streamCounts, kinds = file.topologies
        if let streams = scenarioOptions.streams { counts = streams }
        if let topology = scenarioOptions.topology { kinds = [topology] }
        let mode = modeOption.validated()
        var base = try scenarioOptions.makeScenario(file: file, streams: counts[0], topology: kinds[0], validate: false)
        try modeOption.calibrate(&base, db: storeOptions.db)
        // The sweep's matrix, once each, with the file's seed (a run is not a repetition).
        let plan = SweepPlan(name: name ?? file.name, base: base, topologies: kinds, streams: counts, repetitions: 1,
                             sharedWorkers: file.base.sharedWorkers, mode: mode)
        let scenarios = plan.cells.map { cell -> RunScenario in
            var scenario = plan.identity(of: cell).scenario
            scenario.seed = base.seed
            return scenario
        }
        // Every cell is checked before the first run starts.
        for scenario in scenarios {
            try ScenarioOptions.check(scenario, file: file)
            try RunExecution.checkBeforeStart(RunIdentity(scenarioName: name ?? file.name, scenario: scenario, mode: mode),
                                              onAvailableCPUs: modeOption.onAvailableCPUs)
        }
        let database = try storeOptions.open()
        let trap = SignalTrap()
        var outcomes: [(streams: Int, topology: TopologyKind, outcome: MatrixOutcome)] = []
        for (index, scenario) in scenarios.enumerated() {
            if trap.signal != nil { break }
            let reasons = scenario.infeasibilities
            let label = "\(index + 1)/\(scenarios.count): option \(scenario.topology.rawValue) × \(scenario.streams) streams"
            if !reasons.isEmpty {
                try database?.recordInfeasible(RunIdentity(scenarioName: name ?? file.name, scenario: scenario, mode: mode), reasons: reasons)
                FileHandleStderr.write("\(label): infeasible, not run\n")
                outcomes.append((scenario.streams, scenario.topology, .infeasible(reasons)))
                continue
            }
            FileHandleStderr.write("\(label) (\(scenario.warmup) warm-up + \(scenario.duration)\(mode == .simulated ? ", simulated" : ""))\n")
            let result = try RunExecution.run(RunIdentity(scenarioName: name ?? file.name, scenario: scenario, mode: mode),
                                              database: database, options: modeOption.options(cancel: trap.cancel)).result
            outcomes.append((scenario.streams, scenario.topology, .ran(result)))
        }
        print("scalebench run \(file.path) · \(file.name)\(file.summary.map { " · \($0)" } ?? "")\n")
        print(MatrixTable.render(outcomes))
        try trap.exitIfSignalled()
        let ran = outcomes.compactMap { if case .ran(let result) = $0.outcome { return result } else { return nil } }
        if ran.contains(where: { !$0.accounting.balanced }) {
            FileHandleStderr.write("scalebench: the frame accounting does not balance in some run\n")
            throw ExitCode(1)
        }
        for result in ran { try Self.failIfEveryStreamFailed(result) }
    }

    private func writeEvents(_ events: [WorkerEvent], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for event in events {
            data.append(try encoder.encode(event))
            data.append(0x0A)
        }
        try writeAtomically(data, to: path)
    }
}
