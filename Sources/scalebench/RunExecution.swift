import ArgumentParser
import ResultsStore
import ScaleBench

/// `--mode`: real time on OS threads, or simulated time (the same plan and policies in
/// virtual nanoseconds).
struct ModeOption: ParsableArguments {
    @Option(help: "realtime (OS threads, wall clock) or simulated (virtual time: same topology and policies, no CPU or memory figures).")
    var mode: String = "realtime"

    func validated() throws -> String {
        guard ["realtime", "simulated"].contains(mode) else { throw UsageError("--mode \(mode): expected realtime or simulated") }
        return mode
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
            throw UsageError("--mode \(identity.mode): \(error.key) \(error.value): expected \(error.allowed)")
        }
    }
}
