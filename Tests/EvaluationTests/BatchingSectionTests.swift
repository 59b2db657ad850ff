import Analysis
import Foundation
@testable import Evaluation
import GRDB
import Orchestration
@testable import ResultsStore
import ScaleBenchCore
import TestSupport
import XCTest

/// The report's batching section from simulated runs stored in a real SQLite file: a
/// shared VLM one frame a call and the same VLM batching up to 4 (docs/queueing.md §8),
/// options B and C at 2 (N ≤ B) and 6 (N > B) saturated rooms. Every figure of the
/// section is checked against the stored metrics read back independently, and the looks
/// against §8's closed form.
final class BatchingSectionTests: TemporaryFolderTestCase {
    static let batch = BatchSpec(max: 4, wait: .milliseconds(50), time: .linear(extra: .milliseconds(10)))

    func scenario(batching: Bool) -> RunScenario {
        var scenario = RunScenario()
        scenario.fps = 10
        scenario.phase = .random
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        var vlm = WorkerSpec(name: "vlm", cost: .offload(.lognormal(mean: .milliseconds(200), sd: .milliseconds(20))),
                             device: "gpu0", modelMemoryGB: 4)
        if batching { vlm.batch = Self.batch }
        scenario.workers = [vlm]
        scenario.sharedWorkers = ["vlm"]
        scenario.sharedInstances = 1
        scenario.scheduling = .roundRobin
        scenario.warmup = .seconds(2)
        scenario.duration = .seconds(30)
        return scenario
    }

    /// Two repetitions of each stream count × option of both scenarios, stored as a sweep stores them.
    func store() throws -> ResultsDatabase {
        let database = try ResultsDatabase(path: path("batching.sqlite"))
        let provenance = Provenance.current()
        for (name, batching) in [("plain", false), ("batching", true)] {
            for streams in [2, 6] {
                for topology in [TopologyKind.globalPipeline, .hybrid] {
                    for repetition in 0..<2 {
                        var scenario = scenario(batching: batching)
                        scenario.streams = streams
                        scenario.topology = topology
                        scenario.seed = UInt64(1 + repetition)
                        try scenario.validate()
                        let identity = RunIdentity(scenarioName: name, scenario: scenario, repetition: repetition, mode: .simulated)
                        _ = try RunService.run(identity, database: database, provenance: provenance, options: .init())
                    }
                }
            }
        }
        return database
    }

    /// One database for both checks: its 16 runs are most of the test's time.
    func testTheSectionSetsBothWaysSideBySideAndAScenarioBesideMustPair() throws {
        let database = try store()
        try checkSideBySide(database)
        try checkPairing(database)
    }

    func checkSideBySide(_ database: ResultsDatabase) throws {
        let plain = try database.records(scenario: "plain", mode: .simulated)
        let batching = try database.records(scenario: "batching", mode: .simulated)
        XCTAssertEqual(plain.count, 8)
        XCTAssertEqual(batching.count, 8)
        let section = try XCTUnwrap(try BatchingSection.make(runs: plain, beside: batching))
        XCTAssertEqual(section.batchingScenario, "batching")
        XCTAssertEqual(section.oneAtATimeScenario, "plain")
        XCTAssertEqual(section.rows.map { "\($0.streams) \($0.option)" }, ["2 B", "2 C", "6 B", "6 C"])

        for row in section.rows {
            let label = "\(row.streams) streams, option \(row.option)"
            let one = try XCTUnwrap(row.one), batched = try XCTUnwrap(row.batching)
            // Against the stored metrics, read back with SQL of their own.
            XCTAssertEqual(one.looksPerMinute, try storedLooks(database, scenario: "plain", row: row), accuracy: 1e-9, label)
            XCTAssertEqual(batched.looksPerMinute, try storedLooks(database, scenario: "batching", row: row), accuracy: 1e-9, label)
            XCTAssertEqual(try XCTUnwrap(row.meanBatch), try storedMeanBatch(database, row: row), accuracy: 1e-12, label)
            XCTAssertEqual(try XCTUnwrap(row.wait?.mean), try storedWaitMean(database, row: row), accuracy: 0.001, label)
            XCTAssertEqual(try XCTUnwrap(batched.utilisation), try storedUtilisation(database, scenario: "batching", row: row), accuracy: 1e-12, label)
            XCTAssertEqual(one.runs, 2)
            XCTAssertEqual(batched.runs, 2)

            // §8 by hand: S = 200 ms, L(b) = S + (b − 1)·10 ms; saturated, one instance.
            let n = Double(row.streams)
            let oneClosed = 60 / (n * 0.2)
            let batchClosed = row.streams <= 4 ? 60 / (0.2 + (n - 1) * 0.01) : 60 * 4 / (n * 0.23)
            XCTAssertEqual(try XCTUnwrap(one.closedForm), oneClosed, accuracy: 1e-9, label)
            XCTAssertEqual(try XCTUnwrap(batched.closedForm), batchClosed, accuracy: 1e-9, label)
            XCTAssertEqual(one.formula, "60/(\(row.streams)·S)")
            XCTAssertEqual(batched.formula, row.streams <= 4 ? "60/L(\(row.streams))" : "60·4/(\(row.streams)·L(4))")
            print(String(format: "batching section, %@: one %.2f (§8 %.2f), batching %.2f (§8 %.2f) looks a minute", label,
                         one.looksPerMinute, oneClosed, batched.looksPerMinute, batchClosed))
            // The measured looks at the closed form; saturated rooms wait nothing for their batch.
            XCTAssertEqual(one.looksPerMinute, oneClosed, accuracy: 0.03 * oneClosed, label)
            XCTAssertEqual(batched.looksPerMinute, batchClosed, accuracy: 0.03 * batchClosed, label)
            XCTAssertEqual(try XCTUnwrap(row.meanBatch), min(n, 4), accuracy: 1e-9, label)
            XCTAssertLessThan(try XCTUnwrap(row.wait?.p99), 0.01, label)
            XCTAssertEqual(try XCTUnwrap(batched.utilisation), 1, accuracy: 1e-6, label)
            XCTAssertEqual(try XCTUnwrap(batched.jain), 1, accuracy: 0.01, label)
        }

        // Named the other way round, the same section.
        let swapped = try XCTUnwrap(try BatchingSection.make(runs: batching, beside: plain))
        XCTAssertEqual(swapped.rows.map { $0.batching?.looksPerMinute }, section.rows.map { $0.batching?.looksPerMinute })
        XCTAssertEqual(swapped.oneAtATimeScenario, "plain")

        // In the report, Markdown and HTML.
        let report = try Report.make(scenario: "plain", runs: plain, environments: [], beside: batching)
        let markdown = report.markdown(chartFolder: "plain"), html = report.html()
        let row = section.rows[3]
        let line = String(format: "| 6 | C | %.2f | %.2f = 60/(6·S) | %.2f | %.2f = 60·4/(6·L(4)) |", row.one!.looksPerMinute,
                          row.one!.closedForm!, row.batching!.looksPerMinute, row.batching!.closedForm!)
        XCTAssertTrue(markdown.contains(line), "\(line) in\n\(markdown)")
        XCTAssertTrue(html.contains("<h2>Batching on accelerators</h2>"))
        XCTAssertTrue(html.contains(String(format: "<td>%.2f = 60·4/(6·L(4))</td>", row.batching!.closedForm!)))
    }

    /// A scenario set beside must pair a batching worker with one that does not.
    func checkPairing(_ database: ResultsDatabase) throws {
        let plain = try database.records(scenario: "plain", mode: .simulated)
        XCTAssertNil(try BatchingSection.make(runs: plain), "no batching kind, nothing set beside: no section")
        XCTAssertThrowsError(try BatchingSection.make(runs: plain, beside: plain)) { error in
            XCTAssertEqual("\(error)", "--beside plain: neither plain nor plain has a batching worker (a worker's batch: key); set a scenario whose worker batches beside one whose worker does not")
        }
        let batching = try database.records(scenario: "batching", mode: .simulated)
        XCTAssertThrowsError(try BatchingSection.make(runs: batching, beside: batching)) { error in
            XCTAssertTrue("\(error)".hasPrefix("--beside batching: both batching and batching batch (vlm)"), "\(error)")
        }
        // Alone, a batching scenario's section has its own side only.
        let alone = try XCTUnwrap(try BatchingSection.make(runs: batching))
        XCTAssertNil(alone.oneAtATimeScenario)
        XCTAssertTrue(alone.rows.allSatisfy { $0.one == nil && $0.batching != nil })
    }

    // MARK: The stored metrics, read independently

    private func runIDs(_ database: ResultsDatabase, scenario: String, row: BatchingSection.Row) throws -> [String] {
        let topology = row.option == "B" ? TopologyKind.globalPipeline.rawValue : TopologyKind.hybrid.rawValue
        return try database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM run WHERE scenario_name = ? AND streams = ? AND topology = ? AND status = 'completed'",
                                arguments: [scenario, row.streams, topology])
        }
    }

    /// Median over runs of the mean processed fps over the kind's rows, a minute.
    private func storedLooks(_ database: ResultsDatabase, scenario: String, row: BatchingSection.Row) throws -> Double {
        let perRun = try runIDs(database, scenario: scenario, row: row).map { id in
            try database.read { db in
                try Double.fetchOne(db, sql: "SELECT avg(processed_fps) FROM worker_metrics WHERE run_id = ? AND worker = 'vlm'", arguments: [id])!
            }
        }
        return Descriptive.median(perRun) * 60
    }

    private func storedMeanBatch(_ database: ResultsDatabase, row: BatchingSection.Row) throws -> Double {
        let ids = try runIDs(database, scenario: "batching", row: row)
        return try database.read { db in
            try Double.fetchOne(db, sql: """
                SELECT CAST(sum(size * batches) AS REAL) / sum(batches) FROM batch_metrics
                WHERE worker = 'vlm' AND run_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments(ids))!
        }
    }

    /// The runs' mean waits weighted by their frames (the pooled histogram's mean, to its resolution).
    private func storedWaitMean(_ database: ResultsDatabase, row: BatchingSection.Row) throws -> Double {
        let ids = try runIDs(database, scenario: "batching", row: row)
        return try database.read { db in
            try Double.fetchOne(db, sql: """
                SELECT sum(mean_ms * frames) / sum(frames) FROM batch_wait
                WHERE worker = 'vlm' AND run_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments(ids))!
        }
    }

    private func storedUtilisation(_ database: ResultsDatabase, scenario: String, row: BatchingSection.Row) throws -> Double {
        let values = try runIDs(database, scenario: scenario, row: row).map { id in
            try database.read { db in
                try Double.fetchOne(db, sql: "SELECT utilisation FROM device_usage WHERE run_id = ? AND device = 'gpu0'", arguments: [id])!
            }
        }
        return Descriptive.median(values)
    }
}
