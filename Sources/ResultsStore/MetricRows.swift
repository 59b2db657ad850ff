import Foundation
import GRDB
import GRDBSQLite
import ScaleBenchCore

/// Writes a ``RunResult``'s metrics as rows, inside the caller's transaction.
enum MetricRows {
    static func insert(_ result: RunResult, runID: String, db: Database) throws {
        let workers = try db.cachedStatement(sql: """
            INSERT INTO worker_metrics (run_id, pipeline, stream, worker, cost, delivered, slot_drops, drop_fraction,
                cross_stream_drops, processed,
                processed_fps, latency_p50_ms, latency_p90_ms, latency_p99_ms, latency_p999_ms, latency_max_ms, latency_mean_ms,
                age_p50_ms, age_p90_ms, age_p99_ms, age_p999_ms, age_max_ms, age_mean_ms, service_p50_ms, service_p99_ms,
                handoff_p50_ms, handoff_p99_ms, latency_histogram, age_histogram)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for w in result.workers {
            let l = w.latencyMs, a = w.ageMs
            let values: [(any DatabaseValueConvertible)?] = [
                runID, w.pipeline, w.stream, w.worker, w.cost, Int64(w.delivered), Int64(w.drops), w.dropFraction,
                Int64(w.crossStreamDrops), Int64(w.processed), w.processedFPS, l.p50, l.p90, l.p99, l.p999, l.max, l.mean,
                a.p50, a.p90, a.p99, a.p999, a.max, a.mean, w.serviceMs.p50, w.serviceMs.p99, w.handoffMs.p50, w.handoffMs.p99,
                Data(w.histograms?.latency.serialized() ?? LatencyHistogram().serialized()),
                Data(w.histograms?.age.serialized() ?? LatencyHistogram().serialized()),
            ]
            try workers.execute(arguments: StatementArguments(values))
        }

        let inboxDrops = Dictionary(result.pipelines.flatMap { p in p.streams.map { ($0, p.inboxDrops) } }, uniquingKeysWith: +)
        let streams = try db.cachedStatement(sql: """
            INSERT INTO stream_metrics (run_id, stream, status, error, error_category, due, published, capture_drops,
                rate_control_drops, capture_drop_rate, real_fps, inbox_drops, loops, reconnects, bytes_read,
                produce_p50_ms, produce_p95_ms, produce_max_ms, produce_mean_ms, lateness_mean_ms, lateness_max_ms,
                stalled_frames)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for s in result.streams {
            let values: [(any DatabaseValueConvertible)?] = [
                runID, s.stream, s.status, s.error, s.errorCategory, Int64(s.due), Int64(s.published), Int64(s.captureDrops),
                Int64(s.rateControlDrops), s.captureDropRate, s.realFPS, inboxDrops[s.stream].map { Int64($0) }, s.loops,
                s.reconnects, s.bytesRead, s.productionMs.p50, s.productionMs.p95, s.productionMs.max, s.productionMs.mean,
                s.meanLatenessMs, s.maxLatenessMs, Int64(s.stalledFrames),
            ]
            try streams.execute(arguments: StatementArguments(values))
        }

        let states = try db.cachedStatement(sql: """
            INSERT INTO state_metrics (run_id, stream, worker, state, seconds, offered, processed, served_fps, drop_fraction,
                latency_p50_ms, latency_p99_ms, latency_max_ms, latency_histogram)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for s in result.states {
            let values: [(any DatabaseValueConvertible)?] = [
                runID, s.stream, s.worker, s.state, s.seconds, Int64(s.offered), Int64(s.processed), s.servedFPS, s.dropFraction,
                s.latencyMs.p50, s.latencyMs.p99, s.latencyMs.max, Data((s.latency ?? LatencyHistogram()).serialized()),
            ]
            try states.execute(arguments: StatementArguments(values))
        }

        let pools = try db.cachedStatement(sql: """
            INSERT INTO pool_metrics (run_id, pool, worker, streams, instances, capacity_fps, offered_fps, overload_fraction, closed_form)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, p) in result.pools.enumerated() {
            let values: [(any DatabaseValueConvertible)?] = [
                runID, index, p.worker, p.streams.count, p.instances, p.capacityFPS, p.offeredFPS,
                p.overloadFraction, p.closedForm,
            ]
            try pools.execute(arguments: StatementArguments(values))
        }

        let batches = try db.cachedStatement(sql: "INSERT INTO batch_metrics (run_id, worker, size, batches) VALUES (?, ?, ?, ?)")
        let waits = try db.cachedStatement(sql: """
            INSERT INTO batch_wait (run_id, worker, frames, p50_ms, p99_ms, mean_ms, max_ms, histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for batch in result.batches {
            for (index, count) in batch.sizes.enumerated() { try batches.execute(arguments: [runID, batch.worker, index + 1, Int64(count)]) }
            let w = batch.waitMs
            let values: [(any DatabaseValueConvertible)?] = [
                runID, batch.worker, Int64(w.count), w.p50, w.p99, w.mean, w.max,
                Data((batch.waitHistogram ?? LatencyHistogram()).serialized()),
            ]
            try waits.execute(arguments: StatementArguments(values))
        }

        let failures = try db.cachedStatement(sql: """
            INSERT INTO worker_failure (run_id, instance, worker, kind, detail, at_seconds, restarted) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for f in result.workerFailures {
            try failures.execute(arguments: [runID, f.instance, f.worker, f.kind, f.detail, Double(f.atNanos) / 1e9, f.restarted])
        }

        // A simulation without a box models no CPU: it has no CPU rows (not zeros).
        if result.mode == .realtime || result.host != nil {
            let cpu = try db.cachedStatement(sql: "INSERT INTO cpu_usage (run_id, class, seconds, cores) VALUES (?, ?, ?, ?)")
            let c = result.cpu
            var classes = [("process", c.process), ("capture", c.capture), ("supplier", c.supplier), ("worker", c.worker),
                           ("harness", c.harness), ("unattributed", c.unattributed)]
            if let children = c.workerProcesses { classes.append(("worker-process", children)) }
            for (name, share) in classes {
                try cpu.execute(arguments: [runID, name, share.seconds, share.cores])
            }
        }
        if let host = result.host {
            let kinds = String(decoding: try JSONEncoder().encode(host.coresByKind), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO host_usage (run_id, profile, cores, threads, smt, memory_gb, cpus, pinned, cores_in_use, utilisation,
                                        run_queue_mean, run_queue_p99, cores_by_worker)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, host.spec.profile, host.spec.cores, host.spec.threads, host.spec.smt.map(format3).joined(separator: ","),
                                 host.spec.memoryGB, host.cpus, host.pinned, host.coresInUse, host.utilisation, host.runQueueMean,
                                 host.runQueueP99, kinds])
        }

        let timeline = try db.cachedStatement(sql: """
            INSERT INTO timeline (run_id, seconds, process_cpu_seconds, rss_bytes, capture_drops, inbox_drops, slot_drops,
                                  slot_deliveries)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for t in result.timeline {
            try timeline.execute(arguments: [runID, t.seconds, t.processCPUSeconds, Int64(t.rssBytes), Int64(t.captureDrops),
                                             Int64(t.inboxDrops), Int64(t.slotDrops), Int64(t.slotDeliveries)])
        }

        let fairness = try db.cachedStatement(sql: "INSERT INTO fairness (run_id, worker, jain, served_fps_json) VALUES (?, ?, ?, ?)")
        for fair in result.fairness {
            let served = String(decoding: try JSONEncoder().encode(fair.servedFPS), as: UTF8.self)
            try fairness.execute(arguments: [runID, fair.worker, fair.jain, served])
        }

        let faults = try db.cachedStatement(sql: """
            INSERT INTO fault_isolation (run_id, fault_index, fault, kind, at_seconds, window_seconds, other_streams,
                before_seconds, before_expected, before_processed, before_drop_fraction, before_processed_fps, before_latency_p99_ms,
                during_expected, during_processed, during_drop_fraction, during_processed_fps, during_latency_p99_ms,
                latency_p99_delta_ms, drop_fraction_delta, processed_fps_change)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (index, f) in result.faults.enumerated() {
            let values: [(any DatabaseValueConvertible)?] = [
                runID, index, f.fault, f.kind, f.atSeconds, f.windowSeconds, f.otherStreams.map(String.init).joined(separator: ","),
                f.before.seconds, Int64(f.before.expected), Int64(f.before.processed), f.before.dropFraction, f.before.processedFPS,
                f.before.latencyP99Ms, Int64(f.during.expected), Int64(f.during.processed), f.during.dropFraction,
                f.during.processedFPS, f.during.latencyP99Ms, f.latencyP99DeltaMs, f.dropFractionDelta, f.processedFPSChange,
            ]
            try faults.execute(arguments: StatementArguments(values))
        }

        let devices = try db.cachedStatement(sql: """
            INSERT INTO device_usage (run_id, device, memory_gb, model_memory_gb, sharing, busy_seconds, mean_concurrency,
                max_concurrency, jobs, utilisation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for d in result.devices {
            try devices.execute(arguments: [runID, d.device, d.memoryGB, d.modelMemoryGB, d.sharing, d.usage.busySeconds,
                                            d.usage.meanConcurrency, d.usage.maxConcurrency, d.usage.jobs, d.utilisation])
        }

        let accounting = try db.cachedStatement(sql: """
            INSERT INTO accounting (run_id, stage, subject, input, output, dropped, in_flight) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for line in result.accounting.lines {
            try accounting.execute(arguments: [runID, line.stage, line.subject, Int64(line.input), Int64(line.output),
                                               Int64(line.dropped), Int64(line.inFlightAtStop)])
        }
    }

    /// Raw per-frame records, bound straight into one prepared statement (this is the bulk
    /// path: a million rows per run are possible).
    static func insertTrace(_ records: [FrameTraceRecord], runID: String, db: Database) throws {
        guard !records.isEmpty else { return }
        let statement = try db.makeStatement(sql: """
            INSERT INTO frame_trace (run_id, stream, worker, seq, captured_ns, distributed_ns, start_ns, end_ns, cpu_ns, instance,
                                     child_cpu_ns, encode_ns, worker_ms, inference_ms, persons)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let raw = statement.sqliteStatement
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        // Bindings survive sqlite3_reset: the run id is bound once and the worker name only
        // when it changes (records come worker by worker), so each row binds six integers.
        _ = runID.withCString { sqlite3_bind_text(raw, 1, $0, -1, transient) }
        var boundWorker: String?, boundInstance: String??
        for record in records {
            if record.worker != boundWorker {
                _ = record.worker.withCString { sqlite3_bind_text(raw, 3, $0, -1, transient) }
                boundWorker = record.worker
            }
            if record.instance != boundInstance {
                if let instance = record.instance {
                    _ = instance.withCString { sqlite3_bind_text(raw, 10, $0, -1, transient) }
                } else {
                    sqlite3_bind_null(raw, 10)
                }
                boundInstance = record.instance
            }
            sqlite3_bind_int64(raw, 2, Int64(record.stream))
            sqlite3_bind_int64(raw, 4, Int64(bitPattern: record.seq))
            sqlite3_bind_int64(raw, 5, Int64(bitPattern: record.capturedAt))
            sqlite3_bind_int64(raw, 6, Int64(bitPattern: record.distributedAt))
            sqlite3_bind_int64(raw, 7, Int64(bitPattern: record.serviceStart))
            sqlite3_bind_int64(raw, 8, Int64(bitPattern: record.serviceEnd))
            if let cpu = record.cpuNanos { sqlite3_bind_int64(raw, 9, Int64(bitPattern: cpu)) } else { sqlite3_bind_null(raw, 9) }
            if let process = record.process {
                if let child = process.childCPUNanos { sqlite3_bind_int64(raw, 11, Int64(bitPattern: child)) } else { sqlite3_bind_null(raw, 11) }
                sqlite3_bind_int64(raw, 12, Int64(bitPattern: process.encodeNanos))
                sqlite3_bind_double(raw, 13, process.workerMs)
                sqlite3_bind_double(raw, 14, process.inferenceMs)
                sqlite3_bind_int64(raw, 15, Int64(process.persons))
            } else {
                for column: Int32 in 11...15 { sqlite3_bind_null(raw, column) }
            }
            let code = sqlite3_step(raw)
            sqlite3_reset(raw)
            guard code == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }
}
