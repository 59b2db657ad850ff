import Foundation
import GRDB
import ScaleBenchCore

extension ResultsDatabase {
    /// A run's identity and window, as a timeline export needs it.
    public struct TracedRun: Sendable {
        public var id: String
        public var scenarioName: String
        public var topology: String
        public var streams: Int
        public var mode: String
        public var warmupSeconds: Double
        public var measuredSeconds: Double
        /// Rows the run traced (0: a run without `--trace`).
        public var traceRows: Int
        /// Its first traced capture (a production's start, or a served frame's capture: a
        /// production's row has no capture time) and its last traced service end, in the
        /// run's ns (nil: no trace).
        public var originNanos: UInt64?
        public var lastEndNanos: UInt64?
    }

    /// The run whose id starts with `prefix`, with its count of trace rows; nil when none.
    public func tracedRun(matching prefix: String) throws -> TracedRun? {
        guard let id = try runID(matching: prefix) else { return nil }
        return try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, scenario_name, topology, streams, mode, warmup_seconds, measured_seconds FROM run WHERE id = ?
                """, arguments: [id]) else { return nil }
            let trace = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(CASE WHEN worker = ? THEN start_ns ELSE captured_ns END) AS first, max(end_ns) AS last
                FROM frame_trace WHERE run_id = ?
                """, arguments: [RunScenario.captureTraceName, id])
            return TracedRun(id: row["id"], scenarioName: row["scenario_name"], topology: row["topology"], streams: row["streams"],
                             mode: row["mode"], warmupSeconds: row["warmup_seconds"], measuredSeconds: row["measured_seconds"] ?? 0,
                             traceRows: trace?["n"] ?? 0,
                             originNanos: (trace?["first"] as Int64?).map { UInt64(bitPattern: $0) },
                             lastEndNanos: (trace?["last"] as Int64?).map { UInt64(bitPattern: $0) })
        }
    }

    /// A run's traced frames whose service ended in `[from, to)` ns of the run's clock and
    /// whose stream is in `streams` (nil: every stream), by service end.
    public func frameTrace(run: String, from: UInt64 = 0, to: UInt64 = .max, streams: Set<Int>? = nil) throws -> [FrameTraceRecord] {
        try pool.read { db in
            var records: [FrameTraceRecord] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT stream, worker, seq, captured_ns, distributed_ns, start_ns, end_ns, cpu_ns, instance FROM frame_trace
                WHERE run_id = ? AND end_ns >= ? AND end_ns < ? ORDER BY end_ns, rowid
                """, arguments: [run, Int64(clamping: from), Int64(clamping: to)])
            while let row = try rows.next() {
                let stream: Int = row["stream"]
                if let streams, !streams.contains(stream) { continue }
                records.append(FrameTraceRecord(
                    stream: stream, worker: row["worker"], seq: UInt64(bitPattern: row["seq"]),
                    capturedAt: UInt64(bitPattern: row["captured_ns"]), distributedAt: UInt64(bitPattern: row["distributed_ns"]),
                    serviceStart: UInt64(bitPattern: row["start_ns"]), serviceEnd: UInt64(bitPattern: row["end_ns"]),
                    cpuNanos: (row["cpu_ns"] as Int64?).map { UInt64(bitPattern: $0) }, instance: row["instance"]))
            }
            return records
        }
    }
}
