import Analysis
import ResultsStore
import ScaleBenchCore

/// Fits each worker kind of a traced real-time run, as `calibrate` stores it. What is
/// fitted depends on the kind, so that a calibration describes demand, not contention:
/// a `cpu` or `pixels` worker's CPU time per service on its own thread (what it costs an
/// uncontended core, whatever the run's box was doing; a `process` worker's thread and
/// child CPU together); an `offload` worker's wall time
/// less its CPU time (the accelerator's part), with its mean CPU time as its host cost;
/// the captures' productions (decode and conversion, or rendering) their CPU time per
/// frame, the scenario's `decode-cpu`. Traces recorded before CPU times were fit wall
/// time, as they always did. A worker kind whose services came in spells (serially
/// correlated in the order they started) keeps its measured values in that order, drawn
/// as a `sequence`.
public enum CalibrationFitting {
    /// One kind's outcome: its records (fits of both families, and the empirical values
    /// when neither fits), or why it was not fitted.
    public struct KindFit: Sendable {
        public var worker: String
        public var quantity: String
        public var samples: Int
        public var records: [CalibrationRecord]
        public var notFitted: String?
    }

    /// The quantity of the captures' fit.
    public static let decodeQuantity = "decode-cpu"

    public static func fit(run: String, database: ResultsDatabase) throws -> [KindFit] {
        let samples = try database.serviceSamples(run: run)
        let specs = try database.scenario(ofRun: run).map { WorkerSpec.uniquelyNamed($0.workers) } ?? []
        return samples.keys.sorted().map { worker in
            let traced = samples[worker]!
            let cost = specs.first { $0.name == worker }?.cost
            let measured = traced.allSatisfy { $0.cpu != nil }
            var quantity = "service", values = traced.map(\.wall), hostCost: Double?
            if worker == RunScenario.captureTraceName {
                // Every stream's productions together: one decode-cpu for the scenario.
                return fit(worker: worker, quantity: Self.decodeQuantity, nanos: traced.compactMap(\.cpu), hostCostMs: nil)
            }
            switch (cost, measured) {
            case (.cpu?, true), (.pixels?, true):
                quantity = "cpu-demand"
                values = traced.map { $0.cpu! }
            case (.process?, true):
                // Its demand on the box: the bridge's side on the worker's thread (encoding,
                // IPC) and every thread of its child over the service; a child's first
                // service (its start-up in it) has no child CPU and is left out.
                quantity = "cpu-demand"
                values = traced.compactMap { sample in sample.childCPU.map { sample.cpu! + $0 } }
            case (.offload?, true):
                quantity = "accelerator"
                values = traced.map { max($0.wall - $0.cpu!, 0) }
                let meanCPU = traced.reduce(0) { $0 + $1.cpu! } / Double(max(traced.count, 1))
                // A sleeping offload worker spends microseconds of CPU; a host cost is more.
                if meanCPU > 100_000 { hostCost = meanCPU / 1e6 }
            default: break
            }
            return fit(worker: worker, quantity: quantity, nanos: values, hostCostMs: hostCost)
        }
    }

    static func fit(worker: String, quantity: String, nanos: [Double], hostCostMs: Double?) -> KindFit {
        let ms = nanos.map { $0 / 1e6 }
        let fits = DistributionFit.best(ms)
        guard !fits.isEmpty else {
            var reason = "no fit"
            if case .insufficient(let why) = DistributionFit.lognormal(ms) { reason = why }
            return KindFit(worker: worker, quantity: quantity, samples: nanos.count, records: [], notFitted: reason)
        }
        // Services that came in spells (a slow one followed by slow ones: a machine whose
        // speed drifts, content that changes slowly) keep their measured order, which
        // independent draws from any family would break up; a worker kind's only (the
        // captures' decode-cpu is drawn per stream, with no turns to take).
        let lag1 = lag1Autocorrelation(nanos)
        let spells = quantity != decodeQuantity && lag1.map { Self.isSerial($0, count: nanos.count) } ?? false
        // Neither family fits (KS p < 0.05 for the closer one): the measured values
        // themselves are the distribution.
        let fallback = fits[0].ksPValue < 0.05 || spells
        var records = fits.enumerated().map { index, fit in
            CalibrationRecord(worker: worker, family: fit.family.rawValue, chosen: index == 0 && !fallback, meanMs: fit.mean,
                              sdMs: fit.standardDeviation, ksDistance: fit.ksDistance, ksP: fit.ksPValue, samples: fit.count)
        }
        if fallback {
            let values = nanos.map { UInt64($0.rounded()) }
            let valuesMs = values.map { Double($0) / 1e6 }
            var record = CalibrationRecord(worker: worker, family: "empirical", chosen: true, meanMs: Descriptive.mean(valuesMs),
                                           sdMs: Descriptive.standardDeviation(valuesMs).valueOrNil ?? 0, ksDistance: 0, ksP: 1,
                                           samples: values.count, values: values)
            record.ordered = spells
            records.append(record)
        }
        for index in records.indices {
            records[index].lag1 = lag1
            records[index].quantity = quantity
            records[index].hostCostMs = hostCostMs
        }
        return KindFit(worker: worker, quantity: quantity, samples: nanos.count, records: records, notFitted: nil)
    }

    /// The lag-1 autocorrelation of values in their order; nil for fewer than 3 or all equal.
    static func lag1Autocorrelation(_ values: [Double]) -> Double? {
        guard values.count >= 3 else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        var lagged = 0.0, total = 0.0
        for index in values.indices {
            let deviation = values[index] - mean
            total += deviation * deviation
            if index + 1 < values.count { lagged += deviation * (values[index + 1] - mean) }
        }
        return total > 0 ? lagged / total : nil
    }

    /// Serially correlated enough to keep the order: beyond what independent values give
    /// one time in a thousand (3.09 / √n, one-sided) and at least 0.2, a correlation that
    /// changes queues. Independent draws (a `cpu` worker's, by construction) pass neither.
    static func isSerial(_ lag1: Double, count: Int) -> Bool {
        lag1 >= 0.2 && lag1 > 3.09 / Double(count).squareRoot()
    }
}
