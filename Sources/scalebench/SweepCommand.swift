import ArgumentParser
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a matrix of topologies × stream counts × repetitions into the results database.",
        discussion: """
        Runs in interleaved order (repetition-major: every topology at every stream count,
        then the next repetition), each repetition with its own recorded seed. Running the
        same sweep again resumes: completed runs are skipped. --shard i/n runs a
        deterministic 1/n of the matrix, so a sweep can be spread over machines (a CI
        matrix, a Kubernetes indexed Job, a Slurm array) and the databases united with
        `scalebench merge`. SIGINT or SIGTERM stops the current run, keeps what it measured
        as `aborted`, and exits 130 or 143.
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions
    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Scenario name the runs are stored under (default: the scenario file's name, or cli-sweep); resuming needs the same name and content.")
    var name: String?

    @Option(help: "Topologies, comma-separated (default: the file's topology list, or A).", transform: Parsed.topologies)
    var topologies: [TopologyKind]?

    @Option(parsing: .unconditional, help: "Repetitions of the whole matrix (default: the file's, or 1).")
    var repetitions: Int?

    @Option(parsing: .unconditional, help: "Pause between runs (default: the file's cooldown, or 0s; e.g. 2s).", transform: Parsed.duration)
    var cooldown: Duration?

    @Option(help: "Run only shard i of n (e.g. 2/4; default 1/1).", transform: Parsed.shard)
    var shard: Shard?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var modeOption: ModeOption

    func run() throws {
        let file = try scenarioOptions.loadFile()
        let counts = scenarioOptions.streams ?? file?.streamCounts ?? [4]
        if let single = scenarioOptions.topology, topologies != nil {
            throw UsageError("--topology \(single.rawValue): give the sweep's topologies once, with --topologies")
        }
        let kinds = scenarioOptions.topology.map { [$0] } ?? topologies ?? file?.topologies ?? [.independentPipelines]
        let repetitions = self.repetitions ?? file?.repetitions ?? 1
        guard (1...1000).contains(repetitions) else { throw UsageError("--repetitions \(repetitions): expected an integer from 1 to 1000") }
        var pause = cooldown ?? file?.cooldown ?? .seconds(0)
        let mode = modeOption.validated()
        // The pause lets the machine settle between real-time runs; virtual time needs none.
        if mode == .simulated { pause = .seconds(0) }
        var base = try scenarioOptions.makeScenario(file: file, streams: counts[0], topology: kinds[0], validate: false)
        let name = self.name ?? file?.name ?? "cli-sweep"
        let sharedWorkers = file?.base.sharedWorkers ?? scenarioOptions.shared
        // The scenario's settings as written: a calibrated simulation models the same
        // scenario (its workers draw fitted times), so it may join the same name.
        let settingsHash = SweepPlan(name: name, base: base, topologies: kinds, streams: counts, repetitions: repetitions,
                                     sharedWorkers: sharedWorkers, mode: mode).baseHash
        try modeOption.calibrate(&base, db: storeOptions.db)
        let plan = SweepPlan(name: name, base: base, topologies: kinds, streams: counts, repetitions: repetitions,
                             sharedWorkers: sharedWorkers, mode: mode)
        // Every cell is checked before the first run starts, and before the database is touched.
        for cell in plan.cells {
            try ScenarioOptions.check(plan.identity(of: cell).scenario, file: file)
            try RunExecution.checkBeforeStart(plan.identity(of: cell), onAvailableCPUs: modeOption.onAvailableCPUs)
        }
        guard let database = try storeOptions.open() else {
            throw UsageError("--no-store: a sweep needs a results database (--db)")
        }
        let sweep: Sweep
        do {
            sweep = try Sweep(plan: plan, database: database, shard: (shard?.index ?? 1, shard?.count ?? 1), settingsHash: settingsHash)
        } catch let error as Sweep.ChangedSettings {
            throw UsageError("--name \(name): \(storeOptions.db) holds runs of a scenario named '\(name)' with other settings (hash \(error.known.joined(separator: ", ")), now \(error.now)); use another --name or --db")
        }
        let progress = Progress(total: sweep.todo.count, skipped: sweep.skipped, quiet: quiet, name: name,
                                plannedPerRun: base.warmup.seconds + base.duration.seconds + pause.seconds)
        let trap = SignalTrap()
        var observer = Sweep.Observer()
        observer.starting = { position, cell in progress.starting(position, cell: cell, seconds: base.warmup.seconds + base.duration.seconds) }
        observer.infeasible = { position, cell, reasons in progress.infeasible(position, cell: cell, reasons: reasons) }
        observer.finished = { position, cell, result in progress.finished(position, cell: cell, result: result) }
        observer.sample = { sample in progress.sample(sample) }
        let failures: [String]
        do {
            failures = try sweep.run(pause: pause, trace: storeOptions.trace, cancel: trap.cancel,
                                     onAvailableCPUs: modeOption.onAvailableCPUs, observer: observer)
        } catch {
            throw RunExecution.refusal(error, mode: mode)
        }
        progress.done()
        try trap.exitIfSignalled()
        if !failures.isEmpty {
            // Stored as failed, so a resumed sweep runs them again.
            FileHandleStderr.write("scalebench: \(failures.count) run(s) measured nothing, every stream failed: \(failures[0])\n")
            throw ExitCode(1)
        }
    }
}

func monotonicNow() -> UInt64 { SystemClock().now() }
