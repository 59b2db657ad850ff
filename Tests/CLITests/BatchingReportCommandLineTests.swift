import Foundation
import GRDB
import TestSupport
import XCTest

/// `scalebench report --beside`, the real binary on a database its own sweeps wrote: a
/// shared VLM one frame a call beside the same VLM batching up to 4, in simulated time.
final class BatchingReportCommandLineTests: TemporaryFolderTestCase {
    /// A scenario file: 2 and 6 saturated rooms at 10 fps sharing one VLM (option C).
    private func scenario(_ name: String, batch: String?, streams: String = "[2, 6]", repetitions: Int = 2, duration: String = "30s") throws -> String {
        let file = path("\(name).yaml")
        try """
        name: \(name)
        streams: \(streams)
        topology: [C]
        duration: \(duration)
        warmup: 2s
        repetitions: \(repetitions)
        capture: {fps: 10, phase: random}
        devices:
          - {name: gpu0, memory-gb: 16}
        workers:
          - kind: "offload:lognormal(200ms,20ms)"
            name: vlm
            device: gpu0
            model-memory-gb: 4
            shared: true
        \(batch.map { "    batch: \($0)" } ?? "")
        options: {shared-instances: 1, scheduling: round-robin}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    private func sweep(_ file: String, _ db: String) throws {
        let outcome = try runCLI(["sweep", file, "--mode", "simulated", "--db", db, "--quiet"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
    }

    func testTheReportSetsTheBatchingScenarioBesideTheOtherAndRefusesAnUnknownOne() throws {
        let db = path("batching.sqlite")
        try sweep(try scenario("plain", batch: nil), db)
        try sweep(try scenario("batching", batch: "{max: 4, wait: 50ms, extra: 10ms}"), db)
        let out = folder.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let report = try runCLI(["report", "plain", "--db", db, "--mode", "simulated", "--beside", "batching", "--out", out.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let markdown = try String(contentsOf: out.appendingPathComponent("plain.md"), encoding: .utf8)
        let html = try String(contentsOf: out.appendingPathComponent("plain.html"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("## Batching on accelerators"), markdown)
        XCTAssertTrue(html.contains("<h2>Batching on accelerators</h2>"))

        // Each row's looks against the stored runs (median over runs of the VLM's mean
        // served fps, a minute) and §8: 1/(N·S) one frame a call; 1/L(2) and 4/(6·L(4)) batching.
        let expected: [(streams: Int, oneClosed: Double, batchClosed: Double, formula: String)] = [
            (2, 60 / (2 * 0.2), 60 / 0.21, "60/L(2)"),
            (6, 60 / (6 * 0.2), 240 / (6 * 0.23), "60·4/(6·L(4))"),
        ]
        for (streams, oneClosed, batchClosed, formula) in expected {
            let line = try XCTUnwrap(markdown.split(separator: "\n").first { $0.hasPrefix("| \(streams) | C | ") && $0.contains(" = 60/(\(streams)·S) |") },
                                     markdown)
            let cells: [String] = line.split(separator: "|").map { String($0).trimmingCharacters(in: CharacterSet.whitespaces) }
            let one = try stored(db, scenario: "plain", streams: streams), batched = try stored(db, scenario: "batching", streams: streams)
            XCTAssertEqual(cells[2], String(format: "%.2f", one), String(line))
            XCTAssertEqual(cells[3], String(format: "%.2f = 60/(%d·S)", oneClosed, streams), String(line))
            XCTAssertEqual(cells[4], String(format: "%.2f", batched), String(line))
            XCTAssertEqual(cells[5], String(format: "%.2f = ", batchClosed) + formula, String(line))
            XCTAssertEqual(one, oneClosed, accuracy: 0.05 * oneClosed, String(line))
            XCTAssertEqual(batched, batchClosed, accuracy: 0.05 * batchClosed, String(line))
        }

        // Bad input: one line naming the scenario and those there are, exit 2, nothing written.
        try FileManager.default.removeItem(at: out.appendingPathComponent("plain.md"))
        let unknown = try runCLI(["report", "plain", "--db", db, "--mode", "simulated", "--beside", "batchin", "--out", out.path])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.stderr, "scalebench: error: --beside batchin: no completed simulated runs of it in \(db) (it has: plain, batching)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("plain.md").path))
        // Two scenarios that do not batch cannot be set side by side (a shorter run: a sweep
        // skips cells the database already holds, whatever the scenario's name).
        try sweep(try scenario("plain-too", batch: nil, streams: "[2]", repetitions: 1, duration: "10s"), db)
        let unpaired = try runCLI(["report", "plain", "--db", db, "--mode", "simulated", "--beside", "plain-too", "--out", out.path])
        XCTAssertEqual(unpaired.status, 2)
        XCTAssertEqual(unpaired.stderr, "scalebench: error: --beside plain-too: neither plain nor plain-too has a batching worker (a worker's batch: key); set a scenario whose worker batches beside one whose worker does not\n")
    }

    /// Median over the scenario's runs at `streams` of the VLM's mean served fps, a minute.
    private func stored(_ db: String, scenario: String, streams: Int) throws -> Double {
        let perRun = try DatabaseQueue(path: db).read { db in
            try Double.fetchAll(db, sql: """
                SELECT avg(m.processed_fps) FROM worker_metrics m JOIN run r ON r.id = m.run_id
                WHERE r.scenario_name = ? AND r.streams = ? AND m.worker = 'vlm' GROUP BY r.id
                """, arguments: [scenario, streams])
        }.sorted()
        XCTAssertEqual(perRun.count, 2)
        return (perRun[0] + perRun[1]) / 2 * 60
    }
}
