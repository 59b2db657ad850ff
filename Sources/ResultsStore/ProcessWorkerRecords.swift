import GRDB
import ScaleBenchCore

/// A process worker kind's services in one traced run, from both sides: what the
/// workbench measured (the round trip, the encoding), what the child's CPU clock said,
/// what the worker reported (its own total and inference times, the persons it counted),
/// and the failures of its instances.
public struct ProcessWorkerRecord: Sendable, Equatable {
    public var worker: String
    /// Traced services (warm-up included: the trace keeps every frame).
    public var services: Int
    /// Mean persons per served frame, and the share of frames with at least one.
    public var meanPersons: Double
    public var framesWithPersons: Double
    public var maxPersons: Int
    /// Medians, ms: service less encoding (request out, reply in); the worker's total_ms
    /// and inference_ms; the child's CPU per service (its first services excluded); the
    /// encoding's CPU on the worker's thread.
    public var roundTripMs: Double?
    public var workerTotalMs: Double?
    public var inferenceMs: Double?
    public var childCPUMs: Double?
    public var encodeMs: Double?
    public var failures: [(instance: String, kind: String, detail: String, restarted: Bool)]

    public static func == (a: ProcessWorkerRecord, b: ProcessWorkerRecord) -> Bool {
        a.worker == b.worker && a.services == b.services && a.meanPersons == b.meanPersons && a.childCPUMs == b.childCPUMs
    }
}

extension ResultsDatabase {
    /// Each process worker kind's figures in a run (empty for a run without any, or
    /// without a trace). Scans the run's trace: call it for runs that have process workers.
    static func processWorkers(_ db: Database, run: String, kinds: [String]) throws -> [ProcessWorkerRecord] {
        try kinds.compactMap { worker in
            let rows = try Row.fetchAll(db, sql: """
                SELECT end_ns - start_ns - encode_ns AS round_trip, worker_ms, inference_ms, child_cpu_ns, encode_ns, persons
                FROM frame_trace WHERE run_id = ? AND worker = ? AND persons IS NOT NULL
                """, arguments: [run, worker])
            let failures = try Row.fetchAll(db, sql: """
                SELECT instance, kind, detail, restarted FROM worker_failure WHERE run_id = ? AND worker = ? ORDER BY at_seconds
                """, arguments: [run, worker]).map { (instance: $0["instance"] as String, kind: $0["kind"] as String,
                                                      detail: $0["detail"] as String, restarted: $0["restarted"] as Bool) }
            guard !rows.isEmpty || !failures.isEmpty else { return nil }
            func median(_ values: [Double]) -> Double? {
                guard !values.isEmpty else { return nil }
                let sorted = values.sorted(), middle = sorted.count / 2
                return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            }
            let persons = rows.map { $0["persons"] as Int }
            return ProcessWorkerRecord(
                worker: worker, services: rows.count,
                meanPersons: persons.isEmpty ? 0 : Double(persons.reduce(0, +)) / Double(persons.count),
                framesWithPersons: persons.isEmpty ? 0 : Double(persons.filter { $0 > 0 }.count) / Double(persons.count),
                maxPersons: persons.max() ?? 0,
                roundTripMs: median(rows.map { Double($0["round_trip"] as Int64) / 1e6 }),
                workerTotalMs: median(rows.map { $0["worker_ms"] as Double }),
                inferenceMs: median(rows.map { $0["inference_ms"] as Double }),
                childCPUMs: median(rows.compactMap { ($0["child_cpu_ns"] as Int64?).map { Double($0) / 1e6 } }),
                encodeMs: median(rows.map { Double($0["encode_ns"] as Int64) / 1e6 }),
                failures: failures)
        }
    }

    /// A run's CPU by class (process, worker, capture, …, worker-process), cores.
    static func cpuByClass(_ db: Database, run: String) throws -> [(name: String, cores: Double)] {
        try Row.fetchAll(db, sql: "SELECT class, cores FROM cpu_usage WHERE run_id = ? ORDER BY rowid", arguments: [run])
            .map { ($0["class"] as String, $0["cores"] as Double) }
    }
}
