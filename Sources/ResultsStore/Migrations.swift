import GRDB
import ScaleBenchCore

/// The schema, as migrations `v1`, `v2`, … Once a migration has shipped it is never
/// edited: a change is a new migration. Tables are named by string, not by app types.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
        migrator.registerMigration("v4", migrate: v4)
        migrator.registerMigration("v5", migrate: v5)
        migrator.registerMigration("v6", migrate: v6)
        migrator.registerMigration("v7", migrate: v7)
        migrator.registerMigration("v8", migrate: v8)
        migrator.registerMigration("v9", migrate: v9)
        migrator.registerMigration("v10", migrate: v10)
        return migrator
    }

    /// A calibration's measured values kept in the order they were served, to be drawn in
    /// that order (`sequence`), when its services came in spells.
    static func v10(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE calibration ADD COLUMN ordered INTEGER NOT NULL DEFAULT 0")
    }

    /// Process workers: each traced service seen from both sides (the child's CPU time,
    /// the encoding on the worker's thread, the worker's own total and inference times,
    /// the persons it counted), and each failed worker instance with its reason.
    static func v9(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE frame_trace ADD COLUMN child_cpu_ns INTEGER;
            ALTER TABLE frame_trace ADD COLUMN encode_ns INTEGER;
            ALTER TABLE frame_trace ADD COLUMN worker_ms REAL;
            ALTER TABLE frame_trace ADD COLUMN inference_ms REAL;
            ALTER TABLE frame_trace ADD COLUMN persons INTEGER;
            CREATE TABLE worker_failure (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                instance TEXT NOT NULL,
                worker TEXT NOT NULL,
                kind TEXT NOT NULL,
                detail TEXT NOT NULL,
                at_seconds REAL NOT NULL,
                restarted INTEGER NOT NULL
            );
            """)
    }

    /// The worker instance that served each traced frame: a timeline has a track per
    /// instance (a pool's instances share their kind's name).
    static func v8(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE frame_trace ADD COLUMN instance TEXT;")
    }

    /// Cells of a matrix that could not run (their models do not fit the devices), so that
    /// reports are functions of the database alone.
    static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE infeasible_cell (
                id INTEGER PRIMARY KEY,
                scenario_name TEXT NOT NULL,
                scenario_hash TEXT NOT NULL,
                topology TEXT NOT NULL,
                streams INTEGER NOT NULL,
                mode TEXT NOT NULL,
                reason TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                UNIQUE (scenario_name, scenario_hash, topology, streams, mode)
            )
            """)
    }

    /// The box a run modelled and what its CPUs did (cores in use, per worker kind, the
    /// run queue), and each traced service's CPU time on its thread (what `calibrate`
    /// fits as a CPU worker's demand).
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE host_usage (
                run_id TEXT PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
                profile TEXT,
                cores INTEGER NOT NULL,
                threads INTEGER NOT NULL,
                smt TEXT NOT NULL,
                memory_gb REAL NOT NULL,
                cpus INTEGER NOT NULL,
                pinned INTEGER NOT NULL,
                cores_in_use REAL NOT NULL,
                utilisation REAL NOT NULL,
                run_queue_mean REAL,
                run_queue_p99 REAL,
                cores_by_worker TEXT NOT NULL
            );
            ALTER TABLE frame_trace ADD COLUMN cpu_ns INTEGER;
            -- What a fit describes: a service's wall time, a CPU worker's demand (its thread's
            -- CPU time), or an offload worker's accelerator part; and an offload worker's
            -- host cost (its CPU time per service).
            ALTER TABLE calibration ADD COLUMN quantity TEXT NOT NULL DEFAULT 'service';
            ALTER TABLE calibration ADD COLUMN host_cost_ms REAL;
            """)
    }

    /// Each frame's wait for its batch, per batching kind (p50, p99, mean and max in ms,
    /// and the full histogram, so that reports pool runs); and each device's busy fraction
    /// of the measured window (device_usage's other figures cover the whole run).
    static func v7(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE batch_wait (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                worker TEXT NOT NULL,
                frames INTEGER NOT NULL,
                p50_ms REAL,
                p99_ms REAL,
                mean_ms REAL,
                max_ms REAL,
                histogram BLOB NOT NULL,
                PRIMARY KEY (run_id, worker)
            );
            ALTER TABLE device_usage ADD COLUMN utilisation REAL;
            """)
    }

    /// A batching kind's batches in the window, by size.
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE batch_metrics (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                worker TEXT NOT NULL,
                size INTEGER NOT NULL,
                batches INTEGER NOT NULL,
                PRIMARY KEY (run_id, worker, size)
            )
            """)
    }

    /// Each pool of worker instances against the load its streams offered: a shared kind's
    /// pool, or one pipeline's own instance of a kind (`pool` numbers them in the run).
    static func v5(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE pool_metrics (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                pool INTEGER NOT NULL,
                worker TEXT NOT NULL,
                streams INTEGER NOT NULL,
                instances INTEGER NOT NULL,
                capacity_fps REAL,
                offered_fps REAL NOT NULL,
                overload_fraction REAL NOT NULL,
                closed_form REAL,
                PRIMARY KEY (run_id, pool)
            )
            """)
    }

    /// Figures by load state: per stream × worker kind × state, and per kind pooled over
    /// its streams (stream −1).
    static func v4(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE state_metrics (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                stream INTEGER NOT NULL,
                worker TEXT NOT NULL,
                state TEXT NOT NULL,
                seconds REAL NOT NULL,
                offered INTEGER NOT NULL,
                processed INTEGER NOT NULL,
                served_fps REAL,
                drop_fraction REAL,
                latency_p50_ms REAL,
                latency_p99_ms REAL,
                latency_max_ms REAL,
                latency_histogram BLOB NOT NULL,
                PRIMARY KEY (run_id, stream, worker, state)
            )
            """)
    }

    /// Runs, their environment and scenario, and everything they measured.
    static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE environment (
                id INTEGER PRIMARY KEY,
                fingerprint TEXT NOT NULL UNIQUE,
                host TEXT NOT NULL,
                cpu_model TEXT NOT NULL,
                cores INTEGER NOT NULL,
                memory_bytes INTEGER NOT NULL,
                os TEXT NOT NULL,
                kernel TEXT NOT NULL,
                swift_version TEXT NOT NULL,
                build_configuration TEXT NOT NULL,
                git_commit TEXT NOT NULL,
                git_dirty INTEGER NOT NULL,
                ffmpeg_version TEXT NOT NULL,
                gsl_version TEXT NOT NULL
            );

            CREATE TABLE run (
                id TEXT PRIMARY KEY,
                sweep_key TEXT NOT NULL,
                scenario_name TEXT NOT NULL,
                scenario_hash TEXT NOT NULL,
                scenario_json TEXT NOT NULL,
                topology TEXT NOT NULL,
                variant TEXT NOT NULL DEFAULT '',
                streams INTEGER NOT NULL CHECK (streams > 0),
                repetition INTEGER NOT NULL CHECK (repetition >= 0),
                seed INTEGER NOT NULL,
                mode TEXT NOT NULL CHECK (mode IN ('realtime', 'simulated')),
                status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted', 'failed')),
                error TEXT,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                warmup_seconds REAL NOT NULL,
                measured_seconds REAL NOT NULL,
                peak_rss_bytes INTEGER,
                rss_bytes INTEGER,
                frame_pool_bytes INTEGER,
                preloaded_clip_bytes INTEGER,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                environment_id INTEGER NOT NULL REFERENCES environment(id)
            );
            CREATE INDEX run_sweep ON run(sweep_key, status);

            CREATE TABLE worker_metrics (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                pipeline INTEGER NOT NULL,
                stream INTEGER NOT NULL,
                worker TEXT NOT NULL,
                cost TEXT NOT NULL,
                delivered INTEGER NOT NULL,
                slot_drops INTEGER NOT NULL,
                drop_fraction REAL NOT NULL,
                cross_stream_drops INTEGER NOT NULL,
                processed INTEGER NOT NULL,
                processed_fps REAL NOT NULL,
                latency_p50_ms REAL, latency_p90_ms REAL, latency_p99_ms REAL, latency_p999_ms REAL,
                latency_max_ms REAL, latency_mean_ms REAL,
                age_p50_ms REAL, age_p90_ms REAL, age_p99_ms REAL, age_p999_ms REAL, age_max_ms REAL, age_mean_ms REAL,
                service_p50_ms REAL, service_p99_ms REAL, handoff_p50_ms REAL, handoff_p99_ms REAL,
                latency_histogram BLOB NOT NULL,
                age_histogram BLOB NOT NULL,
                PRIMARY KEY (run_id, stream, worker)
            );

            CREATE TABLE stream_metrics (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                stream INTEGER NOT NULL,
                status TEXT NOT NULL,
                error TEXT,
                error_category TEXT,
                due INTEGER NOT NULL,
                published INTEGER NOT NULL,
                capture_drops INTEGER NOT NULL,
                rate_control_drops INTEGER NOT NULL,
                capture_drop_rate REAL NOT NULL,
                real_fps REAL NOT NULL,
                inbox_drops INTEGER,
                loops INTEGER NOT NULL,
                reconnects INTEGER NOT NULL,
                bytes_read INTEGER NOT NULL,
                produce_p50_ms REAL, produce_p95_ms REAL, produce_max_ms REAL, produce_mean_ms REAL,
                lateness_mean_ms REAL NOT NULL,
                lateness_max_ms REAL NOT NULL,
                stalled_frames INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (run_id, stream)
            );

            -- Per shared worker kind (options B, C): how evenly it served the streams.
            CREATE TABLE fairness (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                worker TEXT NOT NULL,
                jain REAL NOT NULL,
                served_fps_json TEXT NOT NULL,
                PRIMARY KEY (run_id, worker)
            );

            -- Per injected fault: the other streams in the fault window and the window before.
            CREATE TABLE fault_isolation (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                fault_index INTEGER NOT NULL,
                fault TEXT NOT NULL,
                kind TEXT NOT NULL,
                at_seconds REAL NOT NULL,
                window_seconds REAL NOT NULL,
                other_streams TEXT NOT NULL,
                before_seconds REAL NOT NULL,
                before_expected INTEGER NOT NULL, before_processed INTEGER NOT NULL,
                before_drop_fraction REAL NOT NULL, before_processed_fps REAL NOT NULL, before_latency_p99_ms REAL,
                during_expected INTEGER NOT NULL, during_processed INTEGER NOT NULL,
                during_drop_fraction REAL NOT NULL, during_processed_fps REAL NOT NULL, during_latency_p99_ms REAL,
                latency_p99_delta_ms REAL,
                drop_fraction_delta REAL NOT NULL,
                processed_fps_change REAL,
                PRIMARY KEY (run_id, fault_index)
            );

            -- Service-time fits of a run's worker kinds (scalebench calibrate), from its trace.
            CREATE TABLE calibration (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                worker TEXT NOT NULL,
                family TEXT NOT NULL CHECK (family IN ('lognormal', 'gamma', 'empirical')),
                chosen INTEGER NOT NULL,
                mean_ms REAL NOT NULL,
                sd_ms REAL NOT NULL,
                ks_distance REAL NOT NULL,
                ks_p REAL NOT NULL,
                samples INTEGER NOT NULL,
                -- The measured durations (ns, JSON array) of an empirical fallback.
                values_json TEXT,
                PRIMARY KEY (run_id, worker, family)
            );

            -- Per declared device: modelled model memory beside its measured sharing.
            CREATE TABLE device_usage (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                device TEXT NOT NULL,
                memory_gb REAL NOT NULL,
                model_memory_gb REAL NOT NULL,
                sharing TEXT NOT NULL,
                busy_seconds REAL NOT NULL,
                mean_concurrency REAL NOT NULL,
                max_concurrency INTEGER NOT NULL,
                jobs INTEGER NOT NULL,
                PRIMARY KEY (run_id, device)
            );

            CREATE TABLE cpu_usage (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                class TEXT NOT NULL,
                seconds REAL NOT NULL,
                cores REAL NOT NULL,
                PRIMARY KEY (run_id, class)
            );

            CREATE TABLE timeline (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                seconds REAL NOT NULL,
                process_cpu_seconds REAL NOT NULL,
                rss_bytes INTEGER NOT NULL,
                capture_drops INTEGER NOT NULL,
                inbox_drops INTEGER NOT NULL,
                slot_drops INTEGER NOT NULL,
                slot_deliveries INTEGER NOT NULL,
                PRIMARY KEY (run_id, seconds)
            );

            CREATE TABLE accounting (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                stage TEXT NOT NULL,
                subject TEXT NOT NULL,
                input INTEGER NOT NULL,
                output INTEGER NOT NULL,
                dropped INTEGER NOT NULL,
                in_flight INTEGER NOT NULL,
                PRIMARY KEY (run_id, stage, subject)
            );

            CREATE TABLE frame_trace (
                run_id TEXT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                stream INTEGER NOT NULL,
                worker TEXT NOT NULL,
                seq INTEGER NOT NULL,
                captured_ns INTEGER NOT NULL,
                distributed_ns INTEGER NOT NULL,
                start_ns INTEGER NOT NULL,
                end_ns INTEGER NOT NULL
            );
            -- No index on frame_trace: a run's rows are written in one bulk transaction, and an
            -- index on run_id halved that rate (0.69 vs 1.29 million rows/s, Reports/benchmarks.md).
            -- Per-run trace queries scan; the table is for offline re-analysis.

            CREATE VIEW run_summary AS
            SELECT r.id, r.scenario_name, r.topology, r.variant, r.streams, r.repetition, r.mode, r.status,
                   r.started_at, r.measured_seconds,
                   (SELECT avg(processed_fps) FROM worker_metrics w WHERE w.run_id = r.id) AS mean_worker_fps,
                   (SELECT avg(drop_fraction) FROM worker_metrics w WHERE w.run_id = r.id) AS mean_drop_fraction,
                   (SELECT max(latency_p99_ms) FROM worker_metrics w WHERE w.run_id = r.id) AS max_latency_p99_ms,
                   (SELECT cores FROM cpu_usage c WHERE c.run_id = r.id AND c.class = 'process') AS process_cores,
                   r.peak_rss_bytes, e.host, e.git_commit
            FROM run r JOIN environment e ON e.id = r.environment_id;

            CREATE VIEW option_comparison AS
            SELECT scenario_name, scenario_hash, mode, streams, topology, variant,
                   count(*) AS runs,
                   avg(mean_worker_fps) AS mean_worker_fps,
                   avg(mean_drop_fraction) AS mean_drop_fraction,
                   avg(max_latency_p99_ms) AS mean_max_latency_p99_ms,
                   avg(process_cores) AS mean_process_cores
            FROM (SELECT s.*, r.scenario_hash FROM run_summary s JOIN run r ON r.id = s.id WHERE s.status = 'completed')
            GROUP BY scenario_name, scenario_hash, mode, streams, topology, variant
            ORDER BY scenario_name, streams, topology;
            """)
    }
}
