import Foundation
import GRDB
@testable import ResultsStore
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Real SQLite files in a temporary folder, written by the real CLI.
final class ResultsStoreTests: TemporaryFolderTestCase {
    /// 2 topologies × 2 stream counts × 2 repetitions.
    private let sweepFlags = ["--topologies", "A,B", "--streams", "1,3", "--repetitions", "2", "--duration", "200ms", "--warmup", "50ms",
                              "--resolution", "160x120", "--worker", "offload:5ms", "--worker", "pixels", "--quiet"]

    private func sweep(_ db: String, _ extra: [String] = []) throws -> CLIProcess.Outcome {
        try runCLI(["sweep"] + sweepFlags + ["--db", db] + extra)
    }

    func testMigrationsCreateTheSchemaFromEmpty() throws {
        let database = try ResultsDatabase(path: path("empty.sqlite"))
        let (tables, views, migrations) = try database.read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"),
             try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        }
        XCTAssertEqual(tables, ["accounting", "batch_metrics", "batch_wait", "calibration", "cpu_usage", "device_usage", "environment", "fairness", "fault_isolation", "frame_trace",
                                "grdb_migrations", "host_usage", "infeasible_cell", "pool_metrics", "run", "state_metrics", "stream_metrics", "timeline",
                                "worker_failure", "worker_metrics"])
        XCTAssertEqual(views, ["option_comparison", "run_summary"])
        XCTAssertEqual(migrations, ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"])
        let journal = try database.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(journal, "wal")
    }

    /// A simulated run under changing load on a declared box stores its figures by state
    /// and its box; a merge carries both.
    func testStateFiguresAndTheBoxAreStoredAndMerged() throws {
        var scenario = RunScenario()
        scenario.streams = 3
        scenario.fps = 2
        scenario.load = LoadProfile(states: [
            .init(name: "idle", fps: 1, dwell: .exponential(mean: .seconds(20))),
            .init(name: "alert", fps: 5, dwell: .exponential(mean: .seconds(10))),
        ])
        scenario.workers = [WorkerSpec(name: "detector", cost: .cpu(.constant(.milliseconds(30))))]
        scenario.host = HostSpec(cores: 1, memoryGB: 8)
        scenario.duration = .seconds(120)
        let source = try ResultsDatabase(path: path("states.sqlite"))
        let identity = RunIdentity(scenarioName: "rooms", scenario: scenario, mode: .simulated)
        let result = try RunService.run(identity, database: source, provenance: Provenance.current(), options: .init()).result
        XCTAssertEqual(result.states.count, 3 * 2 + 2, "3 streams × 2 states, and the kind pooled in each state")
        func counts(_ database: ResultsDatabase) throws -> (states: Int, hosts: Int, alert: Double?) {
            try database.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM state_metrics") ?? 0,
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM host_usage") ?? 0,
                 try Double.fetchOne(db, sql: "SELECT served_fps FROM state_metrics WHERE stream = -1 AND state = 'alert'"))
            }
        }
        let stored = try counts(source)
        XCTAssertEqual(stored.states, 8)
        XCTAssertEqual(stored.hosts, 1)
        XCTAssertEqual(try XCTUnwrap(stored.alert), try XCTUnwrap(result.states.first { $0.stream == -1 && $0.state == "alert" }?.servedFPS))
        let merged = try ResultsDatabase(path: path("merged-states.sqlite"))
        XCTAssertEqual(try merged.merge(from: path("states.sqlite")), 1)
        let copied = try counts(merged)
        XCTAssertEqual(copied.states, 8)
        XCTAssertEqual(copied.hosts, 1, "the box a run modelled survives a merge")
    }

    /// A batching run's batches by size, its frames' waits for them (the full histogram)
    /// and its device's busy fraction of the window are stored, read back as the reports
    /// read them, and merged.
    func testBatchWaitsAndDeviceUtilisationAreStoredReadAndMerged() throws {
        var scenario = RunScenario()
        scenario.streams = 3
        scenario.fps = 1
        scenario.topology = .hybrid
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        var vlm = WorkerSpec(name: "vlm", cost: .offload(.constant(.milliseconds(100))), device: "gpu0", modelMemoryGB: 4)
        vlm.batch = BatchSpec(max: 2, wait: .milliseconds(40), time: .linear(extra: .milliseconds(10)))
        scenario.workers = [vlm]
        scenario.sharedWorkers = ["vlm"]
        scenario.duration = .seconds(60)
        let source = try ResultsDatabase(path: path("batches.sqlite"))
        let identity = RunIdentity(scenarioName: "batching", scenario: scenario, mode: .simulated)
        let result = try RunService.run(identity, database: source, provenance: Provenance.current(), options: .init()).result
        let batch = try XCTUnwrap(result.batches.first)
        XCTAssertGreaterThan(batch.waitMs.count, 100)
        for database in [source, try ResultsDatabase(path: path("merged-batches.sqlite"))] {
            if database !== source { XCTAssertEqual(try database.merge(from: path("batches.sqlite")), 1) }
            let record = try XCTUnwrap(try database.records(scenario: "batching", mode: .simulated).first)
            let stored = try XCTUnwrap(record.batches.first)
            XCTAssertEqual(stored.worker, "vlm")
            XCTAssertEqual(stored.sizes, batch.sizes.map { Int64($0) })
            XCTAssertEqual(try XCTUnwrap(stored.wait).quantiles, batch.waitMs, "the histogram round-trips exactly")
            XCTAssertEqual(try XCTUnwrap(record.deviceUtilisation["gpu0"]), try XCTUnwrap(result.devices.first?.utilisation))
            let p99 = try database.read { try Double.fetchOne($0, sql: "SELECT p99_ms FROM batch_wait") }
            XCTAssertEqual(p99, batch.waitMs.p99)
        }
    }

    /// v7 on a database that v6 made adds the waits' table and the devices' window
    /// utilisation; a batching run stored before it reads back with its batches, no wait
    /// (nil, not zeros) and no utilisation.
    func testMigrationV7AddsBatchWaitsAndEarlierRunsReadWithoutThem() throws {
        let file = path("v6.sqlite")
        let queue = try DatabaseQueue(path: file)
        try Migrations.migrator.migrate(queue, upTo: "v6")
        try queue.close()
        let database = try ResultsDatabase(path: file)
        let (tables, columns) = try database.read { db in
            (try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'batch%' ORDER BY name"),
             try Row.fetchAll(db, sql: "PRAGMA table_info(device_usage)").map { $0["name"] as String })
        }
        XCTAssertEqual(tables, ["batch_metrics", "batch_wait"])
        XCTAssertEqual(columns.last, "utilisation")
        var scenario = RunScenario()
        scenario.streams = 2
        scenario.topology = .hybrid
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        var vlm = WorkerSpec(name: "vlm", cost: .offload(.constant(.milliseconds(100))), device: "gpu0", modelMemoryGB: 4)
        vlm.batch = BatchSpec(max: 2, wait: .milliseconds(40))
        scenario.workers = [vlm]
        scenario.sharedWorkers = ["vlm"]
        scenario.duration = .seconds(10)
        let identity = RunIdentity(scenarioName: "batching", scenario: scenario, mode: .simulated)
        _ = try RunService.run(identity, database: database, provenance: Provenance.current(), options: .init())
        // As a run stored under v6 holds it: no waits, no utilisation.
        let writer = try DatabaseQueue(path: file)
        try writer.write { db in
            try db.execute(sql: "DELETE FROM batch_wait")
            try db.execute(sql: "UPDATE device_usage SET utilisation = NULL")
        }
        try writer.close()
        let record = try XCTUnwrap(try database.records(scenario: "batching", mode: .simulated).first)
        XCTAssertEqual(record.batches.map(\.worker), ["vlm"])
        XCTAssertGreaterThan(try XCTUnwrap(record.batches.first).batches, 0)
        XCTAssertNil(try XCTUnwrap(record.batches.first).wait)
        XCTAssertTrue(record.deviceUtilisation.isEmpty)
    }

    /// v2 on a database that v1 made: the infeasible cells table is added, the runs kept;
    /// a cell recorded twice is one row.
    func testMigrationV2AddsInfeasibleCellsToAV1Database() throws {
        let file = path("v1.sqlite")
        let queue = try DatabaseQueue(path: file)
        try Migrations.migrator.migrate(queue, upTo: "v1")
        try queue.close()
        let database = try ResultsDatabase(path: file)
        let migrations = try database.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        XCTAssertEqual(migrations, ["v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10"])
        var scenario = RunScenario()
        scenario.workers = [WorkerSpec(name: "vlm", cost: .offload(.constant(.milliseconds(500))), device: "gpu0", modelMemoryGB: 8)]
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        scenario.streams = 4
        let reasons = scenario.infeasibilities
        XCTAssertFalse(reasons.isEmpty)
        let identity = RunIdentity(scenarioName: "s", scenario: scenario, mode: .realtime)
        try database.recordInfeasible(identity, reasons: reasons)
        try database.recordInfeasible(identity, reasons: reasons)
        let cells = try database.infeasibleCells(scenario: "s")
        XCTAssertEqual(cells, [InfeasibleCell(topology: .independentPipelines, streams: 4, reason: reasons[0].description)])
        XCTAssertEqual(try database.infeasibleCells(scenario: "s", mode: .simulated), [])
    }

    func testASweepStoresCompleteRunsAndResumesShardsAndMerges() throws {
        let full = path("full.sqlite")
        let first = try sweep(full)
        XCTAssertEqual(first.status, 0, first.stderr)
        let database = try ResultsDatabase(path: full)
        let runs = try database.runs()
        XCTAssertEqual(runs.count, 8)
        XCTAssertTrue(runs.allSatisfy { $0.status == .completed })
        XCTAssertEqual(Set(runs.map(\.seed)).count, 2, "one recorded seed per repetition")
        // Repetition-major order: all cells of repetition 0 before repetition 1, and
        // within one, both topologies at each stream count.
        XCTAssertEqual(runs.map(\.repetition), [0, 0, 0, 0, 1, 1, 1, 1])
        XCTAssertEqual(runs.map(\.topology), ["A", "B", "A", "B", "A", "B", "A", "B"])
        XCTAssertEqual(runs.map(\.streams), [1, 1, 3, 3, 1, 1, 3, 3])

        try database.read { db in
            for run in runs {
                let workers = try Int.fetchOne(db, sql: "SELECT count(*) FROM worker_metrics WHERE run_id = ?", arguments: [run.id])
                XCTAssertEqual(workers, run.streams * 2, "one row per stream × worker")
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM stream_metrics WHERE run_id = ?", arguments: [run.id]), run.streams)
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM cpu_usage WHERE run_id = ?", arguments: [run.id]), 6)
                XCTAssertGreaterThan(try Int.fetchOne(db, sql: "SELECT count(*) FROM timeline WHERE run_id = ?", arguments: [run.id]) ?? 0, 0)
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM accounting WHERE run_id = ? AND input != output + dropped + in_flight", arguments: [run.id]), 0)
                // The serialized histogram decodes to the stored quantiles.
                for row in try Row.fetchAll(db, sql: "SELECT latency_histogram, latency_p50_ms, latency_p99_ms, latency_max_ms, processed FROM worker_metrics WHERE run_id = ?", arguments: [run.id]) {
                    let histogram = try LatencyHistogram(serialized: [UInt8](row["latency_histogram"] as Data))
                    XCTAssertEqual(histogram.count, UInt64(row["processed"] as Int64))
                    let q = histogram.quantiles
                    XCTAssertEqual(q.p50, row["latency_p50_ms"])
                    XCTAssertEqual(q.p99, row["latency_p99_ms"])
                    XCTAssertEqual(q.max, row["latency_max_ms"])
                }
            }
            let summary = try Int.fetchOne(db, sql: "SELECT count(*) FROM run_summary WHERE status = 'completed' AND mean_worker_fps > 0")
            XCTAssertEqual(summary, 8)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT sum(runs) FROM option_comparison"), 8)
        }

        // Running the same sweep again skips every completed run.
        let again = try sweep(full)
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(try database.runs().count, 8)

        // Two shards, merged, hold the same run set; merging again adds nothing.
        XCTAssertEqual(try sweep(path("shard1.sqlite"), ["--shard", "1/2"]).status, 0)
        XCTAssertEqual(try sweep(path("shard2.sqlite"), ["--shard", "2/2"]).status, 0)
        let merged = path("merged.sqlite")
        let merge = try runCLI(["merge", path("shard1.sqlite"), path("shard2.sqlite"), "-o", merged])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        let union = try ResultsDatabase(path: merged)
        XCTAssertEqual(Set(try union.runs().map(\.sweepKey)), Set(runs.map(\.sweepKey)))
        XCTAssertEqual(try union.runs().count, 8)
        XCTAssertEqual(try union.merge(from: path("shard1.sqlite")), 0)
        XCTAssertEqual(try union.merge(from: path("shard2.sqlite")), 0)
        XCTAssertEqual(try union.runs().count, 8)
        let environments = try union.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM environment") }
        XCTAssertEqual(environments, 1, "the same machine is one environment")

        let csv = try runCLI(["export", "--db", merged, "--format", "csv"])
        XCTAssertEqual(csv.stdout.split(separator: "\n").count, 9, "a header and 8 runs")
        let json = try runCLI(["export", "--db", merged, "--format", "json", "--scenario", "cli-sweep"])
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(objects.count, 8)
        XCTAssertEqual(objects.first?["streams"] as? Int, 1, "numbers stay numbers")
        XCTAssertEqual(Set(objects.compactMap { $0["topology"] as? String }), ["A", "B"])
        XCTAssertEqual(objects.first?["status"] as? String, "completed")
    }

    func testResumingAChangedScenarioUnderTheSameNameIsRefused() throws {
        let db = path("resume.sqlite")
        XCTAssertEqual(try runCLI(["sweep", "--streams", "1", "--duration", "100ms", "--warmup", "0s", "--resolution", "160x120",
                                   "--worker", "offload:5ms", "--quiet", "--db", db]).status, 0)
        let changed = try runCLI(["sweep", "--streams", "1", "--duration", "100ms", "--warmup", "0s", "--resolution", "160x120",
                                  "--worker", "offload:9ms", "--quiet", "--db", db])
        XCTAssertEqual(changed.status, 2)
        XCTAssertTrue(changed.stderr.contains("other settings"), changed.stderr)
    }

    func testUnusableDatabasesAreRefusedAndLeftUntouched() throws {
        // Not SQLite.
        let text = path("notes.sqlite")
        try Data("not a database at all, just text\n".utf8).write(to: URL(fileURLWithPath: text))
        let before = try Data(contentsOf: URL(fileURLWithPath: text))
        let notSQLite = try runCLI(["run", "--duration", "100ms", "--db", text])
        XCTAssertEqual(notSQLite.status, 2)
        XCTAssertTrue(notSQLite.stderr.contains("not an SQLite database"), notSQLite.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: text)), before, "the file is untouched")

        // A newer schema.
        let newer = path("newer.sqlite")
        _ = try ResultsDatabase(path: newer)
        let queue = try DatabaseQueue(path: newer)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')") }
        try queue.close()
        let newerBefore = try Data(contentsOf: URL(fileURLWithPath: newer))
        let refused = try runCLI(["run", "--duration", "100ms", "--db", newer])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("newer scalebench"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: newer)), newerBefore)

        // A folder that does not exist, and one that cannot hold files.
        let missing = try runCLI(["run", "--duration", "100ms", "--db", "/no/such/folder/r.sqlite"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
        let unwritable = try runCLI(["run", "--duration", "100ms", "--db", "/proc/results.sqlite"])
        XCTAssertEqual(unwritable.status, 2, unwritable.stderr)
        XCTAssertEqual(unwritable.stderr.split(separator: "\n").count, 1, unwritable.stderr)
    }
}
