import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

/// Write speed of the results database: raw per-frame trace rows per second, and the time
/// to commit one run's metric rows (a 32-stream × 3-worker run).
public enum StoreBenchmark {
    public struct Result: Sendable {
        public var rows: Int
        public var rowsPerSecond: [Double]
        public var metricCommitMillis: [Double]
        public var workerRows: Int
        public var machine: MachineInfo
    }

    public static func run(rows: Int, repetitions: Int, folder: URL) throws -> Result {
        let records = (0..<rows).map { i in
            FrameTraceRecord(stream: i % 32, worker: "person-detector", seq: UInt64(i / 32 + 1), capturedAt: UInt64(i) * 1_000,
                             distributedAt: UInt64(i) * 1_000 + 50, serviceStart: UInt64(i) * 1_000 + 80,
                             serviceEnd: UInt64(i) * 1_000 + 20_080)
        }
        // A real result to store: 32 streams × 3 workers, short and small.
        var scenario = RunScenario()
        scenario.streams = 32
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.workers = [WorkerSpec(name: "a", cost: .offload(.constant(.milliseconds(1)))),
                            WorkerSpec(name: "b", cost: .offload(.constant(.milliseconds(2)))),
                            WorkerSpec(name: "c", cost: .offload(.constant(.milliseconds(3))))]
        scenario.duration = .milliseconds(500)
        scenario.warmup = .milliseconds(100)
        let (result, _) = try RealtimeExecutor(scenario: scenario).run()
        let clock = SystemClock()
        var rates: [Double] = [], commits: [Double] = []
        for repetition in 0..<repetitions {
            let path = folder.appendingPathComponent("store-bench-\(getpid())-\(repetition).sqlite").path
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let database = try ResultsDatabase(path: path)
            let provenance = Provenance.current()
            let traced = try database.begin(RunIdentity(scenarioName: "bench", scenario: scenario), provenance: provenance)
            var start = clock.now()
            try database.insertTrace(records, runID: traced)
            rates.append(Double(rows) / (Double(clock.now() - start) / 1e9))
            let id = try database.begin(RunIdentity(scenarioName: "bench", scenario: scenario, repetition: 1), provenance: provenance)
            start = clock.now()
            try database.finish(id, result: result, status: .completed)
            commits.append(Double(clock.now() - start) / 1e6)
        }
        return Result(rows: rows, rowsPerSecond: rates, metricCommitMillis: commits, workerRows: result.workers.count,
                      machine: .current())
    }
}

extension StoreBenchmark.Result {
    public func text() -> String {
        let rate = MailboxBenchmark.median(rowsPerSecond), commit = MailboxBenchmark.median(metricCommitMillis)
        return String(format: "trace rows: %d per repetition, median %.0f rows/s (each: %@)\nmetric rows of one run (%d stream × worker rows, streams, CPU, timeline, accounting): median %.1f ms to commit (each: %@)",
                      rows, rate, rowsPerSecond.map { String(format: "%.0f", $0) }.joined(separator: ", "),
                      workerRows, commit, metricCommitMillis.map { String(format: "%.1f", $0) }.joined(separator: ", "))
    }
}
