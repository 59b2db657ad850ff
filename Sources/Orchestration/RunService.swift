import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Random

/// Runs one identity in its mode, stored when a database is given: the one place that
/// calls an executor and the store together.
public enum RunService {
    /// Runs `identity` without storing it (`run --no-store`), or stored in `database`.
    /// Throws ``ScenarioError`` or ``VideoError`` before anything runs.
    public static func run(_ identity: RunIdentity, database: ResultsDatabase?, provenance: @autoclosure () -> Provenance = .current(),
                           options: RealtimeExecutor.Options) throws -> (result: RunResult, events: [WorkerEvent]) {
        try identity.scenario.validate()
        try checkBeforeStart(identity, onAvailableCPUs: options.onAvailableCPUs)
        if let database { return try database.execute(identity, provenance: provenance(), options: options) }
        if identity.mode == .simulated { return (try VirtualExecutor(scenario: identity.scenario, trace: options.trace).run(), []) }
        return try RealtimeExecutor(scenario: identity.scenario, options: options).run()
    }

    /// What a run refuses before it starts, for commands that check every cell before the
    /// first one runs: in simulated time the source, `pixels` workers and the memory and
    /// horizon budget; in real time a box with more threads than this machine's CPUs
    /// (unless `onAvailableCPUs`).
    public static func checkBeforeStart(_ identity: RunIdentity, onAvailableCPUs: Bool = false) throws {
        switch identity.mode {
        case .simulated: try VirtualExecutor.check(identity.scenario)
        case .realtime:
            _ = try identity.scenario.host?.placement(available: CPUAffinity.available(), onAvailable: onAvailableCPUs)
            try RealtimeExecutor.check(identity.scenario)
        }
    }
}

extension ResultsDatabase {
    /// Runs `identity` — in real time, or in simulated time when its mode says
    /// `simulated` — with its row written as `running` first and the result committed at
    /// the end: `completed`, or `aborted` when the run was cancelled (the part it measured
    /// is kept), or `failed` when every stream's source failed (its metrics are kept, but
    /// no report or resumed sweep counts it). A scenario or source that is refused before
    /// the run starts leaves no row behind.
    public func execute(_ identity: RunIdentity, provenance: Provenance,
                        options: RealtimeExecutor.Options) throws -> (result: RunResult, events: [WorkerEvent]) {
        try identity.scenario.validate()
        if identity.mode == .simulated { try VirtualExecutor.check(identity.scenario) } else { try RealtimeExecutor.check(identity.scenario) }
        let id = try begin(identity, provenance: provenance)
        do {
            let (result, events) = identity.mode == .simulated
                ? (try VirtualExecutor(scenario: identity.scenario, trace: options.trace).run(), [])
                : try RealtimeExecutor(scenario: identity.scenario, options: options).run()
            if result.cancelled {
                try finish(id, result: result, status: .aborted,
                           error: "cancelled after \(format3(result.measuredSeconds)) s of the measured window", trace: result.trace)
            } else if let failure = result.everyStreamFailed {
                try finish(id, result: result, status: .failed, error: "every stream failed: \(failure)", trace: result.trace)
            } else {
                try finish(id, result: result, status: .completed, trace: result.trace)
            }
            return (result, events)
        } catch let error as VideoError {
            try discard(id)
            throw error
        } catch let error as ScenarioError {
            // A process worker whose program would not start: refused, not a run.
            try discard(id)
            throw error
        }
    }
}
