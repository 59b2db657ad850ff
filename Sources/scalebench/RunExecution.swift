import ArgumentParser
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

/// `--mode`: real time on OS threads, or simulated time (the same plan and policies in
/// virtual nanoseconds).
struct ModeOption: ParsableArguments {
    @Option(help: "realtime (OS threads, wall clock) or simulated (virtual time: same topology and policies, no CPU or memory figures).")
    var mode: RunMode = .realtime

    @Option(help: "Use the service-time fits stored by `scalebench calibrate RUN` (from the results database --db) for the workers they name.")
    var calibrated: String?

    @Flag(name: .customLong("on-available-cpus"), help: "Real time with a declared host larger than this machine: run on the CPUs it has instead of refusing (the run records that it was not pinned to the box).")
    var onAvailableCPUs = false

    /// Real-time options with this choice of CPUs.
    func options(cancel: StopSignal, keepEvents: Bool = false) -> RealtimeExecutor.Options {
        var options = RealtimeExecutor.Options(keepEvents: keepEvents, cancel: cancel)
        options.onAvailableCPUs = onAvailableCPUs
        return options
    }

    func validated() -> RunMode { mode }

    /// With --calibrated, each worker the calibration names gets its fitted distribution.
    func calibrate(_ scenario: inout RunScenario, db: String) throws {
        guard let calibrated else { return }
        let source = try AnalysisSource(path: db)
        do {
            try scenario.applyCalibration(of: calibrated, from: source.database, path: db)
        } catch let error as CalibrationError {
            throw UsageError("--calibrated \(calibrated): \(error.description)")
        }
    }
}

/// ``RunService`` with its refusals as bad input (exit 2).
enum RunExecution {
    static func run(_ identity: RunIdentity, database: ResultsDatabase?, provenance: @autoclosure () -> Provenance = .current(),
                    options: RealtimeExecutor.Options) throws -> (result: RunResult, events: [WorkerEvent]) {
        do {
            return try RunService.run(identity, database: database, provenance: provenance(), options: options)
        } catch {
            throw refusal(error, mode: identity.mode)
        }
    }

    /// A source or scenario the executor refused, as bad input; any other error as it is.
    static func refusal(_ error: any Error, mode: RunMode) -> any Error {
        if let error = error as? VideoError { return UsageError(error.description) }
        if let error = error as? ScenarioError { return usage(error, mode: mode) }
        if let error = error as? HostMismatch { return UsageError("host: \(error.description)") }
        return error
    }

    /// A simulated run's refusals (source, `pixels` workers, the memory and horizon
    /// budget), for commands that check every cell before the first one starts.
    static func checkBeforeStart(_ identity: RunIdentity, onAvailableCPUs: Bool = false) throws {
        do { try RunService.checkBeforeStart(identity, onAvailableCPUs: onAvailableCPUs) } catch { throw refusal(error, mode: identity.mode) }
    }

    private static func usage(_ error: ScenarioError, mode: RunMode) -> UsageError {
        UsageError("--mode \(mode): \(error.key) \(error.value): expected \(error.allowed)")
    }
}
