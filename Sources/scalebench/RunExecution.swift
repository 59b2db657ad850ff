import ArgumentParser
import ResultsStore
import ScaleBench

/// `--mode`: real time on OS threads, or simulated time (the same plan and policies in
/// virtual nanoseconds).
struct ModeOption: ParsableArguments {
    @Option(help: "realtime (OS threads, wall clock) or simulated (virtual time: same topology and policies, no CPU or memory figures).")
    var mode: String = "realtime"

    @Option(help: "Use the service-time fits stored by `scalebench calibrate RUN` (from the results database --db) for the workers they name.")
    var calibrated: String?

    func validated() throws -> String {
        guard ["realtime", "simulated"].contains(mode) else { throw UsageError("--mode \(mode): expected realtime or simulated") }
        return mode
    }

    /// With --calibrated, each worker the calibration names gets its fitted distribution
    /// (keeping its cost model: offload stays offload, cpu stays cpu).
    func calibrate(_ scenario: inout RunScenario, db: String) throws {
        guard let calibrated else { return }
        let source = try AnalysisSource(path: db)
        guard let run = try source.database.runID(matching: calibrated) else {
            throw UsageError("--calibrated \(calibrated): no run with that id in \(db)")
        }
        let fits = try source.database.calibration(run: run)
        guard !fits.isEmpty else { throw UsageError("--calibrated \(calibrated): the run has no calibration; run `scalebench calibrate \(calibrated)` first") }
        var applied = 0
        for index in scenario.workers.indices {
            guard let fit = fits.first(where: { $0.worker == scenario.workers[index].name }) else { continue }
            switch scenario.workers[index].cost {
            case .offload: scenario.workers[index].cost = .offload(fit.distribution)
            case .cpu: scenario.workers[index].cost = .cpu(fit.distribution)
            case .pixels: continue
            }
            applied += 1
        }
        guard applied > 0 else {
            throw UsageError("--calibrated \(calibrated): its fits (\(fits.map(\.worker).joined(separator: ", "))) name none of this scenario's workers (\(scenario.workers.map(\.name).joined(separator: ", ")))")
        }
        scenario.calibratedFrom = run
    }
}

/// Runs one identity, stored when a database is given; a run the executor refuses
/// before it starts is bad input.
enum RunExecution {
    static func run(_ identity: RunIdentity, database: ResultsDatabase?, provenance: @autoclosure () -> Provenance = .current(),
                    options: RealtimeExecutor.Options) throws -> (result: RunResult, events: [WorkerEvent]) {
        do {
            if let database { return try database.execute(identity, provenance: provenance(), options: options) }
            if identity.mode == "simulated" { return (try VirtualExecutor(scenario: identity.scenario).run(), []) }
            return try RealtimeExecutor(scenario: identity.scenario, options: options).run()
        } catch let error as VideoError {
            throw UsageError("--source \(error.url): \(error.reason) (\(error.call))")
        } catch let error as ScenarioError {
            throw usage(error, mode: identity.mode)
        }
    }

    /// A simulated run's refusals (source, `pixels` workers, the memory and horizon
    /// budget), for commands that check every cell before the first one starts.
    static func checkBeforeStart(_ identity: RunIdentity) throws {
        guard identity.mode == "simulated" else { return }
        do { try VirtualExecutor.check(identity.scenario) } catch { throw usage(error, mode: identity.mode) }
    }

    private static func usage(_ error: ScenarioError, mode: String) -> UsageError {
        UsageError("--mode \(mode): \(error.key) \(error.value): expected \(error.allowed)")
    }
}
