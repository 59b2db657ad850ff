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

/// Faults while writing: signals, a killed process, two writers at once, readers polling
/// while the database is created.
final class StoreRobustnessTests: TemporaryFolderTestCase {
    /// A CLI process started by a test, its standard error kept in a file so that a
    /// failure can say why the process ended.
    private struct Child {
        let process: Process
        let stderrPath: String
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
        var ended: String { "exited with \(process.terminationStatus): \(stderr)" }
    }

    private struct ChildEnded: Error, CustomStringConvertible { let description: String }

    private func start(_ arguments: [String]) throws -> Child {
        let stderrPath = path("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)  // opening it below fails if this did
        let process = Process()
        process.executableURL = CLIProcess.binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        return Child(process: process, stderrPath: stderrPath)
    }

    /// Waits until `db` has `count` runs with `status` while `child` runs (bounded); a
    /// child that ends first fails the wait at once, with what it printed.
    private func waitForRuns(_ db: String, status: String, count: Int, of child: Child) throws {
        // Polled every 20 ms: opening a connection takes SQLite locks, so polling harder
        // would compete with the writer it is watching.
        waitFor("\(count) \(status) runs in \(db)", timeout: 60, interval: 20_000) {
            if !child.process.isRunning { return true }
            guard FileManager.default.fileExists(atPath: db), let queue = try? DatabaseQueue(path: db) else { return false }
            defer { try? queue.close() }
            return ((try? queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run WHERE status = ?", arguments: [status]) }) ?? 0) >= count
        }
        guard child.process.isRunning else {
            throw ChildEnded(description: "the sweep ended before \(count) \(status) runs: \(child.ended)")
        }
    }

    private let sweep = ["sweep", "--streams", "1", "--repetitions", "3", "--duration", "1500ms", "--warmup", "0s",
                         "--resolution", "160x120", "--worker", "offload:5ms", "--quiet"]

    private func check(_ db: String) throws -> [StoredRun] {
        let queue = try DatabaseQueue(path: db)
        XCTAssertEqual(try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
        try queue.close()
        return try ResultsDatabase(path: db).runs()
    }

    func testSIGINTCommitsTheCurrentRunAsAbortedAndExits130() throws {
        try interrupted(by: SIGINT, expecting: 130)
    }

    func testSIGTERMCommitsTheCurrentRunAsAbortedAndExits143() throws {
        try interrupted(by: SIGTERM, expecting: 143)
    }

    private func interrupted(by signalNumber: Int32, expecting status: Int32) throws {
        let db = path("signal.sqlite")
        let child = try start(sweep + ["--db", db])
        try waitForRuns(db, status: "completed", count: 1, of: child)
        try waitForRuns(db, status: "running", count: 1, of: child)
        kill(child.process.processIdentifier, signalNumber)
        child.process.waitUntilExit()
        XCTAssertEqual(child.process.terminationStatus, status, child.stderr)
        let runs = try check(db)
        XCTAssertEqual(runs.map(\.status), [.completed, .aborted], "completed runs intact, the current one aborted")
        guard runs.count == 2 else { return }
        // What the aborted run measured was kept.
        let queue = try DatabaseQueue(path: db)
        let rows = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM worker_metrics WHERE run_id = ?", arguments: [runs[1].id]) }
        XCTAssertEqual(rows, 1)
        try queue.close()
    }

    func testAfterSIGKILLTheNextStartMarksTheRunAborted() throws {
        let db = path("killed.sqlite")
        let child = try start(sweep + ["--db", db])
        try waitForRuns(db, status: "completed", count: 1, of: child)
        try waitForRuns(db, status: "running", count: 1, of: child)
        kill(child.process.processIdentifier, SIGKILL)
        child.process.waitUntilExit()
        let runs = try check(db)
        XCTAssertEqual(runs.map(\.status), [.completed, .aborted], "the next open marks the killed run aborted")
        guard runs.count == 2 else { return }
        XCTAssertTrue(runs[1].error?.contains("ended while the run was in progress") ?? false)
        // And the sweep resumes: the aborted cell runs again, the completed one does not.
        let resumed = try runCLI(sweep + ["--db", db])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try check(db).filter { $0.status == .completed }.count, 3)
    }

    func testTwoConcurrentSweepsIntoOneDatabaseBothComplete() throws {
        let db = path("shared.sqlite")
        let short = ["--streams", "1,2", "--repetitions", "2", "--duration", "300ms", "--warmup", "0s",
                     "--resolution", "160x120", "--worker", "offload:5ms", "--quiet", "--db", db]
        let a = try start(["sweep", "--name", "first"] + short)
        let b = try start(["sweep", "--name", "second"] + short)
        a.process.waitUntilExit()
        b.process.waitUntilExit()
        XCTAssertEqual(a.process.terminationStatus, 0, a.stderr)
        XCTAssertEqual(b.process.terminationStatus, 0, b.stderr)
        let runs = try check(db)
        XCTAssertEqual(runs.filter { $0.status == .completed }.count, 8)
        XCTAssertEqual(Set(runs.map(\.scenarioName)), ["first", "second"])
    }

    /// GRDB's WAL set-up reads the size of a `-wal` file it saw exist; another process's
    /// last connection may delete it in between. Foundation's error for that read is retried;
    /// other missing files and database errors other than busy are not.
    func testAWALFileVanishingWhileOpeningIsRetried() throws {
        for (name, transient) in [("gone.sqlite-wal", true), ("gone.sqlite", false), ("gone.sqlite-shm", false)] {
            let url = URL(fileURLWithPath: path(name))
            XCTAssertThrowsError(try url.resourceValues(forKeys: [.fileSizeKey])) { error in
                XCTAssertEqual(ResultsDatabase.isTransient(error), transient, "\(name): \(error)")
            }
        }
        XCTAssertTrue(ResultsDatabase.isTransient(DatabaseError(resultCode: .SQLITE_BUSY)))
        XCTAssertFalse(ResultsDatabase.isTransient(DatabaseError(resultCode: .SQLITE_NOTADB)))
    }

    func testHistogramSerializationRoundTripsExactly() throws {
        for seed in UInt64(1)...20 {
            let random = GSLRandom(seed: seed)
            var histogram = LatencyHistogram()
            for _ in 0..<5000 { histogram.record(UInt64(random.lognormal(zeta: 16, sigma: 1.2))) }
            let decoded = try LatencyHistogram(serialized: histogram.serialized())
            XCTAssertEqual(decoded.quantiles, histogram.quantiles, "seed \(seed)")
            XCTAssertEqual(decoded.count, histogram.count)
        }
        XCTAssertThrowsError(try LatencyHistogram(serialized: [9, 0, 0]))
        XCTAssertEqual(try LatencyHistogram(serialized: LatencyHistogram().serialized()).count, 0)
    }
}
