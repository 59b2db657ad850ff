import Foundation
import GRDB
import ScaleBenchCore

/// A completed run as the analysis reads it: identity, environment and one summary value
/// per run-level metric, plus the pooled latency distributions of each worker kind.
public struct RunRecord: Sendable {
    public var id: String
    public var scenarioName: String
    public var scenarioHash: String
    public var topology: String
    public var variant: String
    public var streams: Int
    public var repetition: Int
    public var seed: UInt64
    public var mode: RunMode
    public var startedAt: String
    public var measuredSeconds: Double
    public var warmupSeconds: Double
    /// The environment fingerprint: runs are comparable when theirs are equal.
    public var environment: String
    /// Per worker kind, in the order the run lists them.
    public var kinds: [KindRecord]
    /// CPU in use over the window, cores: the workbench's process and, in real time, its
    /// process workers' children (nil: no CPU rows, a simulation without a box).
    public var processCores: Double?
    public var peakRSSBytes: Int64?
    /// Per device: modelled model memory and the device's memory (GB).
    public var devices: [(device: String, modelMemoryGB: Double, memoryGB: Double)]
    public var fairness: [(worker: String, jain: Double, servedFPS: [Double])]
    public var faults: [FaultRecord]
    public var crossStreamDrops: Int64
    /// The fully resolved scenario the run ran (nil if it cannot be read back).
    public var scenario: RunScenario?
    /// The box the run modelled and the CPUs it had (nil: no box declared).
    public var host: HostRecord? = nil
    /// The CPUs of the machine the run ran on (its environment's): a real-time run's CPU
    /// ceiling when it declared no box.
    public var machineCPUs: Int? = nil
    /// Each worker kind's figures by load state, pooled over its streams.
    public var states: [StateRecord] = []
    /// Each pool of instances against the load its streams offered, as `pool_metrics` holds it.
    public var pools: [PoolRecord] = []
    /// Each worker kind at each stream, over the window and in each load state: what a
    /// service level judged room by room reads.
    public var rooms: [RoomRecord] = []
    /// Process worker kinds' services and failures (empty unless the run has any).
    public var processWorkers: [ProcessWorkerRecord] = []
    /// CPU by class, cores, as `cpu_usage` holds it (read for runs with process workers).
    public var cpuByClass: [(name: String, cores: Double)] = []

    /// A kind at one stream (room), as `worker_metrics` (state nil) or `state_metrics`
    /// (a stream's row in a load state) holds it.
    public struct RoomRecord: Sendable {
        public var worker: String
        public var stream: Int
        /// nil: the whole window; otherwise the frames that arrived in that load state.
        public var state: String?
        /// Seconds the row covers: the measured window, or the time the stream spent in the state.
        public var seconds: Double
        /// Frames processed per second (nil: the stream was never in the state).
        public var servedFPS: Double?
        public var dropFraction: Double?
        public var processed: Int64
        /// Mean latency, capture → end of service (nil when nothing was processed).
        public var meanLatencyMs: Double?
        /// The latency histogram as stored: 16 bytes a recorded bucket, where a live
        /// histogram holds its whole counts array (about 120 KB), and a 32-room sweep has
        /// thousands of these rows.
        public var serializedLatency: [UInt8]

        /// Capture → end of service (empty if the stored bytes cannot be read).
        public var latency: LatencyHistogram { (try? LatencyHistogram(serialized: serializedLatency)) ?? LatencyHistogram() }

        public init(worker: String, stream: Int, state: String? = nil, seconds: Double, servedFPS: Double?, dropFraction: Double?,
                    processed: Int64, latency: LatencyHistogram) {
            self.worker = worker
            self.stream = stream
            self.state = state
            self.seconds = seconds
            self.servedFPS = servedFPS
            self.dropFraction = dropFraction
            self.processed = processed
            meanLatencyMs = latency.count == 0 ? nil : latency.quantiles.mean
            serializedLatency = latency.serialized()
        }
    }

    /// Each batching kind's batches and its frames' waits for them (`batch_metrics`, `batch_wait`).
    public var batches: [BatchRecord] = []
    /// By device: its busy fraction of the measured window (runs stored before it was
    /// measured have none).
    public var deviceUtilisation: [String: Double] = [:]

    /// A batching kind's batches in the window.
    public struct BatchRecord: Sendable {
        public var worker: String
        /// Batches by size (index 0: of one frame).
        public var sizes: [Int64]
        /// Each frame's wait for its batch (nil: stored before it was measured).
        public var wait: LatencyHistogram?

        public var batches: Int64 { sizes.reduce(0, +) }
        public var frames: Int64 { sizes.enumerated().reduce(0) { $0 + Int64($1.offset + 1) * $1.element } }
    }

    public struct PoolRecord: Sendable, Equatable {
        public var worker: String
        public var streams: Int
        public var instances: Int
        public var capacityFPS: Double?
        public var offeredFPS: Double
        public var overloadFraction: Double
        public var closedForm: Double?
    }

    /// A kind in a load state, as `state_metrics` holds it (its streams pooled).
    public struct StateRecord: Sendable {
        public var worker: String
        public var state: String
        public var servedFPS: Double?
        public var dropFraction: Double?
        public var processed: Int64
        public var latency: LatencyHistogram
    }

    /// A run's box, as `host_usage` holds it.
    public struct HostRecord: Sendable, Equatable {
        public var description: String
        public var threads: Int
        public var cpus: Int
        public var pinned: Bool
        public var utilisation: Double
        /// The box's physical cores, and the most cores' worth of work it does at once
        /// (cores × the SMT gain with every thread busy): a simulated run's CPU ceiling.
        public var cores: Int = 0
        public var peakCores: Double = 0
    }

    /// The option as people name it: `A`, `B single-inbox`, `C drop-new` …
    public var option: String {
        let details = variant.split(separator: "/").first.map(String.init) ?? ""
        return details.isEmpty || details == "per-stream-inbox" || details == "overwrite" ? topology : "\(topology) \(details)"
    }
}

/// One worker kind of a run, pooled over the streams it served.
public struct KindRecord: Sendable {
    public var worker: String
    /// Capture → service end, every stream's histogram added.
    public var latency: LatencyHistogram
    public var meanDropFraction: Double
    /// Mean over streams of the processed fps.
    public var meanServedFPS: Double
    public var processed: Int64
}

/// A fault's isolation figures as stored.
public struct FaultRecord: Sendable {
    public var fault: String
    public var kind: String
    public var latencyP99DeltaMs: Double?
    public var dropFractionDelta: Double
    public var processedFPSChange: Double?
    public var otherStreams: String
}

extension ResultsDatabase {
    /// Names of the scenarios with completed runs, in first-run order.
    public func scenarioNames(mode: RunMode = .realtime) throws -> [String] {
        try pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT scenario_name FROM run WHERE status = 'completed' AND mode = ?
                GROUP BY scenario_name ORDER BY min(started_at)
                """, arguments: [mode.rawValue])
        }
    }

    /// The completed runs of `scenario` (every run when nil) in `mode`, oldest first.
    public func records(scenario: String?, mode: RunMode = .realtime) throws -> [RunRecord] {
        try pool.read { db in
            var sql = """
                SELECT r.*, e.fingerprint, e.cores AS machine_cpus FROM run r JOIN environment e ON e.id = r.environment_id
                WHERE r.status = 'completed' AND r.mode = ?
                """
            var arguments: [any DatabaseValueConvertible] = [mode.rawValue]
            if let scenario {
                sql += " AND r.scenario_name = ?"
                arguments.append(scenario)
            }
            sql += " ORDER BY r.started_at, r.rowid"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                let id: String = row["id"]
                let (kinds, rooms) = try Self.kinds(db, run: id, seconds: row["measured_seconds"])
                var record = RunRecord(
                    id: id, scenarioName: row["scenario_name"], scenarioHash: row["scenario_hash"], topology: row["topology"],
                    variant: row["variant"], streams: row["streams"], repetition: row["repetition"],
                    seed: UInt64(bitPattern: row["seed"] as Int64), mode: RunMode(rawValue: row["mode"]) ?? .realtime, startedAt: row["started_at"],
                    measuredSeconds: row["measured_seconds"], warmupSeconds: row["warmup_seconds"], environment: row["fingerprint"],
                    kinds: kinds,
                    // The workbench's CPU and its process workers' children's: the original's
                    // workers are processes, and the options differ in how many there are.
                    processCores: try Double.fetchOne(db, sql: """
                        SELECT sum(cores) FROM cpu_usage WHERE run_id = ? AND class IN ('process', 'worker-process')
                        """, arguments: [id]),
                    peakRSSBytes: row["peak_rss_bytes"],
                    devices: try Row.fetchAll(db, sql: "SELECT device, model_memory_gb, memory_gb FROM device_usage WHERE run_id = ? ORDER BY rowid", arguments: [id])
                        .map { ($0["device"], $0["model_memory_gb"], $0["memory_gb"]) },
                    fairness: try Row.fetchAll(db, sql: "SELECT worker, jain, served_fps_json FROM fairness WHERE run_id = ? ORDER BY rowid", arguments: [id])
                        .map { ($0["worker"], $0["jain"], (try? JSONDecoder().decode([Double].self, from: Data(($0["served_fps_json"] as String).utf8))) ?? []) },
                    faults: try Row.fetchAll(db, sql: "SELECT * FROM fault_isolation WHERE run_id = ? ORDER BY fault_index", arguments: [id])
                        .map { FaultRecord(fault: $0["fault"], kind: $0["kind"], latencyP99DeltaMs: $0["latency_p99_delta_ms"],
                                           dropFractionDelta: $0["drop_fraction_delta"], processedFPSChange: $0["processed_fps_change"],
                                           otherStreams: $0["other_streams"]) },
                    crossStreamDrops: try Self.crossStreamDrops(db, run: id),
                    scenario: try? JSONDecoder().decode(RunScenario.self, from: Data((row["scenario_json"] as String).utf8)),
                    host: try Row.fetchOne(db, sql: "SELECT * FROM host_usage WHERE run_id = ?", arguments: [id]).map { host in
                        let spec = HostSpec(profile: host["profile"], cores: host["cores"], threads: host["threads"],
                                            smt: (host["smt"] as String).split(separator: ",").compactMap { Double($0) },
                                            memoryGB: host["memory_gb"])
                        return RunRecord.HostRecord(description: spec.description, threads: spec.threads, cpus: host["cpus"], pinned: host["pinned"],
                                          utilisation: host["utilisation"], cores: spec.cores, peakCores: spec.peakCapacity)
                    },
                    states: try Row.fetchAll(db, sql: """
                        SELECT worker, state, served_fps, drop_fraction, processed, latency_histogram FROM state_metrics
                        WHERE run_id = ? AND stream = -1 ORDER BY rowid
                        """, arguments: [id]).map { state in
                        RunRecord.StateRecord(worker: state["worker"], state: state["state"], servedFPS: state["served_fps"],
                                              dropFraction: state["drop_fraction"], processed: state["processed"],
                                              latency: (try? LatencyHistogram(serialized: [UInt8](state["latency_histogram"] as Data))) ?? LatencyHistogram())
                    },
                    pools: try Row.fetchAll(db, sql: "SELECT * FROM pool_metrics WHERE run_id = ? ORDER BY pool", arguments: [id]).map { pool in
                        RunRecord.PoolRecord(worker: pool["worker"], streams: pool["streams"], instances: pool["instances"],
                                             capacityFPS: pool["capacity_fps"], offeredFPS: pool["offered_fps"],
                                             overloadFraction: pool["overload_fraction"], closedForm: pool["closed_form"])
                    },
                    batches: try Self.batches(db, run: id),
                    deviceUtilisation: Dictionary(try Row.fetchAll(db, sql: """
                        SELECT device, utilisation FROM device_usage WHERE run_id = ? AND utilisation IS NOT NULL
                        """, arguments: [id]).map { ($0["device"] as String, $0["utilisation"] as Double) }, uniquingKeysWith: { first, _ in first }))
                record.rooms = rooms + (try Self.roomStates(db, run: id))
                record.machineCPUs = row["machine_cpus"]
                // Only runs with process workers: the figures scan the run's trace.
                let processKinds = record.scenario.map { WorkerSpec.uniquelyNamed($0.workers).filter { $0.cost.processSpec != nil }.map(\.name) } ?? []
                if !processKinds.isEmpty {
                    record.processWorkers = try Self.processWorkers(db, run: id, kinds: processKinds)
                    record.cpuByClass = try Self.cpuByClass(db, run: id)
                }
                return record
            }
        }
    }

    private static func batches(_ db: Database, run: String) throws -> [RunRecord.BatchRecord] {
        var order: [String] = [], sizes: [String: [Int64]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT worker, size, batches FROM batch_metrics WHERE run_id = ? ORDER BY worker, size",
                                    arguments: [run]) {
            let worker: String = row["worker"], size: Int = row["size"]
            if sizes[worker] == nil { order.append(worker) }
            var counts = sizes[worker, default: []]
            if counts.count < size { counts += Array(repeating: 0, count: size - counts.count) }
            counts[size - 1] = row["batches"]
            sizes[worker] = counts
        }
        let waits = Dictionary(try Row.fetchAll(db, sql: "SELECT worker, histogram FROM batch_wait WHERE run_id = ?", arguments: [run]).map {
            ($0["worker"] as String, try? LatencyHistogram(serialized: [UInt8]($0["histogram"] as Data)))
        }, uniquingKeysWith: { first, _ in first })
        return order.map { RunRecord.BatchRecord(worker: $0, sizes: sizes[$0]!, wait: waits[$0] ?? nil) }
    }

    /// The kinds pooled over their streams, and each stream's own row.
    private static func kinds(_ db: Database, run: String, seconds: Double) throws -> ([KindRecord], [RunRecord.RoomRecord]) {
        var rooms: [RunRecord.RoomRecord] = []
        var order: [String] = []
        var byKind: [String: KindRecord] = [:]
        var streams: [String: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT stream, worker, drop_fraction, processed_fps, processed, latency_histogram FROM worker_metrics
            WHERE run_id = ? ORDER BY rowid
            """, arguments: [run])
        while let row = try rows.next() {
            let worker: String = row["worker"]
            let bytes = [UInt8](row["latency_histogram"] as Data)
            let histogram = try LatencyHistogram(serialized: bytes)
            if byKind[worker] == nil {
                order.append(worker)
                byKind[worker] = KindRecord(worker: worker, latency: LatencyHistogram(), meanDropFraction: 0, meanServedFPS: 0, processed: 0)
            }
            byKind[worker]!.latency.add(histogram)
            byKind[worker]!.meanDropFraction += row["drop_fraction"]
            byKind[worker]!.meanServedFPS += row["processed_fps"]
            byKind[worker]!.processed += row["processed"] as Int64
            streams[worker, default: 0] += 1
            var room = RunRecord.RoomRecord(worker: worker, stream: row["stream"], seconds: seconds, servedFPS: row["processed_fps"],
                                            dropFraction: row["drop_fraction"], processed: row["processed"], latency: LatencyHistogram())
            room.meanLatencyMs = histogram.count == 0 ? nil : histogram.quantiles.mean
            room.serializedLatency = bytes
            rooms.append(room)
        }
        let kinds = order.map { worker in
            var kind = byKind[worker]!
            kind.meanDropFraction /= Double(streams[worker]!)
            kind.meanServedFPS /= Double(streams[worker]!)
            return kind
        }
        return (kinds, rooms)
    }

    /// Each stream's rows by load state (the pooled rows, stream −1, are `states`).
    private static func roomStates(_ db: Database, run: String) throws -> [RunRecord.RoomRecord] {
        try Row.fetchAll(db, sql: """
            SELECT stream, worker, state, seconds, served_fps, drop_fraction, processed, latency_histogram FROM state_metrics
            WHERE run_id = ? AND stream >= 0 ORDER BY rowid
            """, arguments: [run]).map { row in
            RunRecord.RoomRecord(worker: row["worker"], stream: row["stream"], state: row["state"], seconds: row["seconds"], servedFPS: row["served_fps"],
                                 dropFraction: row["drop_fraction"], processed: row["processed"],
                                 latency: (try? LatencyHistogram(serialized: [UInt8](row["latency_histogram"] as Data))) ?? LatencyHistogram())
        }
    }

    /// Inbox plus worker-slot cross-stream drops; a slot shared by all streams reports its
    /// total on every stream's row, so each kind counts once.
    private static func crossStreamDrops(_ db: Database, run: String) throws -> Int64 {
        let slots = try Int64.fetchOne(db, sql: """
            SELECT coalesce(sum(m), 0) FROM (SELECT max(cross_stream_drops) AS m FROM worker_metrics WHERE run_id = ? GROUP BY worker)
            """, arguments: [run]) ?? 0
        return slots
    }
}

extension ResultsDatabase {
    /// The stored environments with these fingerprints, described in one line each.
    public func environmentDescriptions(_ fingerprints: [String]) throws -> [(fingerprint: String, text: String)] {
        try pool.read { db in
            try fingerprints.compactMap { fingerprint in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM environment WHERE fingerprint = ?", arguments: [fingerprint]) else { return nil }
                let memory = Double(row["memory_bytes"] as Int64) / 1_073_741_824
                let dirty: Bool = row["git_dirty"]
                let commit: String = row["git_commit"]
                let text = "\(row["host"] as String): \(row["cpu_model"] as String), \(row["cores"] as Int) cores, "
                    + String(format: "%.1f GiB", memory) + "; \(row["os"] as String), kernel \(row["kernel"] as String); "
                    + "Swift \(row["swift_version"] as String) (\(row["build_configuration"] as String)); scalebench \(commit)\(dirty ? " (dirty)" : ""); "
                    + "FFmpeg \(row["ffmpeg_version"] as String), GSL \(row["gsl_version"] as String) — fingerprint \(fingerprint.prefix(12))"
                return (fingerprint, text)
            }
        }
    }
}
