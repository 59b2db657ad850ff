import GRDB
import ScaleBenchCore

extension ResultsDatabase {
    /// Copies every run of the database at `source` that this one does not hold yet (runs
    /// are identified by their UUID), with its environment and metric rows. Merging the
    /// same database twice adds nothing. Returns the number of runs added.
    @discardableResult
    public func merge(from source: String) throws -> Int {
        // Opening it checks that it is a scalebench database of a known schema (and
        // migrates an older one) before anything is copied.
        _ = try ResultsDatabase(path: source)
        return try pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
            defer { try? db.execute(sql: "DETACH DATABASE source") }
            var added = 0
            try db.inTransaction {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO environment (fingerprint, host, cpu_model, cores, memory_bytes, os, kernel, swift_version,
                        build_configuration, git_commit, git_dirty, ffmpeg_version, gsl_version)
                    SELECT fingerprint, host, cpu_model, cores, memory_bytes, os, kernel, swift_version,
                        build_configuration, git_commit, git_dirty, ffmpeg_version, gsl_version FROM source.environment
                    """)
                try db.execute(sql: """
                    CREATE TEMP TABLE new_runs AS SELECT id FROM source.run WHERE id NOT IN (SELECT id FROM main.run)
                    """)
                defer { try? db.execute(sql: "DROP TABLE temp.new_runs") }
                added = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.new_runs") ?? 0
                // Environments are matched by fingerprint, since ids differ between databases.
                try db.execute(sql: """
                    INSERT INTO main.run (id, sweep_key, scenario_name, scenario_hash, scenario_json, topology, variant, streams,
                        repetition, seed, mode, status, error, started_at, ended_at, warmup_seconds, measured_seconds,
                        peak_rss_bytes, rss_bytes, frame_pool_bytes, preloaded_clip_bytes, host, pid, environment_id)
                    SELECT r.id, r.sweep_key, r.scenario_name, r.scenario_hash, r.scenario_json, r.topology, r.variant, r.streams,
                        r.repetition, r.seed, r.mode, r.status, r.error, r.started_at, r.ended_at, r.warmup_seconds,
                        r.measured_seconds, r.peak_rss_bytes, r.rss_bytes, r.frame_pool_bytes, r.preloaded_clip_bytes, r.host,
                        r.pid, (SELECT m.id FROM main.environment m JOIN source.environment s ON s.fingerprint = m.fingerprint
                                WHERE s.id = r.environment_id)
                    FROM source.run r WHERE r.id IN (SELECT id FROM temp.new_runs)
                    """)
                for table in ["worker_metrics", "stream_metrics", "cpu_usage", "timeline", "accounting", "frame_trace", "fairness", "state_metrics", "pool_metrics", "batch_metrics", "batch_wait",
                              "host_usage", "fault_isolation", "device_usage", "calibration", "worker_failure"] {
                    try db.execute(sql: """
                        INSERT INTO main.\(table) SELECT * FROM source.\(table) WHERE run_id IN (SELECT id FROM temp.new_runs)
                        """)
                }
                return .commit
            }
            return added
        }
    }
}
