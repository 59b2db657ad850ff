import Foundation
import GRDB
import ScaleBenchCore

/// A worker kind's fitted service-time distribution, as stored by `scalebench calibrate`.
public struct CalibrationRecord: Sendable, Equatable {
    public var worker: String
    /// `lognormal`, `gamma`, or `empirical` (the measured values themselves, chosen when
    /// neither family fits, or when the services came in spells: then ``ordered``).
    public var family: String
    /// The family that fits best (smaller Kolmogorov–Smirnov distance).
    public var chosen: Bool
    public var meanMs: Double
    public var sdMs: Double
    public var ksDistance: Double
    public var ksP: Double
    public var samples: Int
    /// The measured durations (ns), for the empirical fallback only, in the order served.
    public var values: [UInt64]?
    /// The empirical values are drawn in their order (`sequence`), not uniformly: the
    /// services' demand was serially correlated (lag-1 autocorrelation ``lag1``).
    public var ordered = false
    /// Lag-1 autocorrelation of the values in the order served (nil: not computed).
    public var lag1: Double?
    /// What was fitted: `service` (wall time), `cpu-demand` (a CPU worker's thread CPU
    /// time per service, what it costs an uncontended core) or `accelerator` (an offload
    /// service's wall time less its CPU time).
    public var quantity: String = "service"
    /// An offload worker's mean CPU time per service, ms (its host cost), when measured.
    public var hostCostMs: Double?

    public init(worker: String, family: String, chosen: Bool, meanMs: Double, sdMs: Double, ksDistance: Double, ksP: Double, samples: Int,
                values: [UInt64]? = nil) {
        self.worker = worker
        self.family = family
        self.chosen = chosen
        self.meanMs = meanMs
        self.sdMs = sdMs
        self.ksDistance = ksDistance
        self.ksP = ksP
        self.samples = samples
        self.values = values
    }

    /// The chosen fit as a service distribution (mean and sd, as scenarios write them).
    public var distribution: ServiceDistribution {
        if family == "empirical", let values { return ordered ? .sequence(samples: values) : .empirical(samples: values) }
        let mean = Duration(nanoseconds: UInt64((meanMs * 1e6).rounded())), sd = Duration(nanoseconds: UInt64((sdMs * 1e6).rounded()))
        return family == "gamma" ? .gamma(mean: mean, sd: sd) : .lognormal(mean: mean, sd: sd)
    }
}

extension ResultsDatabase {
    /// The run whose id is `prefix` or starts with it; nil when none, an error when several.
    public func runID(matching prefix: String) throws -> String? {
        let ids = try pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM run WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                                arguments: [prefix.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"])
        }
        guard ids.count <= 1 else { throw StoreError(path: path, reason: "run id '\(prefix)' matches several runs; give more of it") }
        return ids.first
    }

    /// Service times (ns) per worker kind from the run's trace (empty without `--trace`).
    public func serviceTimes(run: String) throws -> [String: [Double]] {
        try pool.read { db in
            var times: [String: [Double]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT worker, end_ns - start_ns AS service FROM frame_trace WHERE run_id = ?", arguments: [run])
            while let row = try rows.next() { times[row["worker"], default: []].append(Double(row["service"] as Int64)) }
            return times
        }
    }

    /// Per worker kind, each traced service's wall time and its thread's CPU time (ns;
    /// nil for traces recorded before CPU times were), in the order the services started.
    public func serviceSamples(run: String) throws -> [String: [(wall: Double, cpu: Double?, childCPU: Double?)]] {
        try pool.read { db in
            var samples: [String: [(wall: Double, cpu: Double?, childCPU: Double?)]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT worker, end_ns - start_ns AS service, cpu_ns, child_cpu_ns FROM frame_trace WHERE run_id = ?
                ORDER BY start_ns
                """, arguments: [run])
            while let row = try rows.next() {
                samples[row["worker"], default: []].append((Double(row["service"] as Int64), (row["cpu_ns"] as Int64?).map(Double.init),
                                                            (row["child_cpu_ns"] as Int64?).map(Double.init)))
            }
            return samples
        }
    }

    /// The resolved scenario a run ran, if it can be read back.
    public func scenario(ofRun run: String) throws -> RunScenario? {
        try pool.read { db in
            try String.fetchOne(db, sql: "SELECT scenario_json FROM run WHERE id = ?", arguments: [run])
                .flatMap { try? JSONDecoder().decode(RunScenario.self, from: Data($0.utf8)) }
        }
    }

    /// Replaces the run's calibration with these fits.
    public func storeCalibration(_ records: [CalibrationRecord], run: String) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM calibration WHERE run_id = ?", arguments: [run])
            for r in records {
                try db.execute(sql: """
                    INSERT INTO calibration (run_id, worker, family, chosen, mean_ms, sd_ms, ks_distance, ks_p, samples, values_json,
                                             quantity, host_cost_ms, ordered)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [run, r.worker, r.family, r.chosen, r.meanMs, r.sdMs, r.ksDistance, r.ksP, r.samples,
                                     r.values.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }, r.quantity, r.hostCostMs,
                                     r.ordered])
            }
        }
    }

    /// The run's chosen fits, by worker kind.
    public func calibration(run: String) throws -> [CalibrationRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM calibration WHERE run_id = ? AND chosen = 1 ORDER BY worker", arguments: [run]).map {
                var record = CalibrationRecord(worker: $0["worker"], family: $0["family"], chosen: $0["chosen"], meanMs: $0["mean_ms"],
                                               sdMs: $0["sd_ms"], ksDistance: $0["ks_distance"], ksP: $0["ks_p"], samples: $0["samples"],
                                               values: ($0["values_json"] as String?).map { text in
                                                   text.dropFirst().dropLast().split(separator: ",").compactMap { UInt64($0) }
                                               })
                record.quantity = $0["quantity"]
                record.hostCostMs = $0["host_cost_ms"]
                record.ordered = $0["ordered"]
                return record
            }
        }
    }
}
