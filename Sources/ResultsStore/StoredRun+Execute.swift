import ScaleBench

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
        if identity.mode == "simulated" { try VirtualExecutor.check(identity.scenario) }
        let id = try begin(identity, provenance: provenance)
        do {
            let (result, events) = identity.mode == "simulated"
                ? (try VirtualExecutor(scenario: identity.scenario).run(), [])
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
        }
    }

    /// Removes a run that never started.
    func discard(_ id: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id]) }
    }
}

extension ResultsDatabase {
    /// Appends raw per-frame records to a run in one transaction (the `--trace` path).
    public func insertTrace(_ records: [FrameTraceRecord], runID: String) throws {
        try pool.write { db in try MetricRows.insertTrace(records, runID: runID, db: db) }
    }
}
