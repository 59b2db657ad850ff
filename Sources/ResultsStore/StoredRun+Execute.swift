import ScaleBench

extension ResultsDatabase {
    /// Runs `identity` — in real time, or in simulated time when its mode says
    /// `simulated` — with its row written as `running` first and the result committed at
    /// the end: `completed`, or `aborted` when the run was cancelled (the part it measured
    /// is kept). A scenario or source that is refused before the run starts leaves no row
    /// behind.
    public func execute(_ identity: RunIdentity, provenance: Provenance,
                        options: RealtimeExecutor.Options) throws -> (result: RunResult, events: [WorkerEvent]) {
        try identity.scenario.validate()
        if identity.mode == "simulated" { try VirtualExecutor.check(identity.scenario) }
        let id = try begin(identity, provenance: provenance)
        do {
            let (result, events) = identity.mode == "simulated"
                ? (try VirtualExecutor(scenario: identity.scenario).run(), [])
                : try RealtimeExecutor(scenario: identity.scenario, options: options).run()
            try finish(id, result: result, status: result.cancelled ? .aborted : .completed,
                       error: result.cancelled ? "cancelled after \(format3(result.measuredSeconds)) s of the measured window" : nil,
                       trace: result.trace)
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
