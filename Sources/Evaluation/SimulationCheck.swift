import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// Simulated runs beside the real-time ones of the same scenario: per stream count,
/// option and metric, both medians and the simulation's error relative to real time.
///
/// A calibrated simulation (`--calibrated RUN`) is scored against the real-time run its
/// service times were fitted from and against the held-out repetitions, the other
/// real-time runs of the same configuration, which the fit never saw; each both as the
/// median over the simulation's seeds and against the simulation of the real run's own
/// seed. A run's seed fixes its captures' phases: with periodic captures, which frames
/// meet at a shared worker, and so how long they wait, is a property of the seed, and
/// only the simulation of the same seed replays the arrivals the real run had.
public struct SimulationCheck: Sendable {
    public struct Row: Sendable {
        public var streams: Int
        public var option: String
        public var metric: Metric
        public var realtime: Double
        public var simulated: Double
        public var realtimeRuns: Int
        public var simulatedRuns: Int
        /// A latency percentile no single run supports, taken from each side's runs'
        /// pooled histograms instead of the median of the runs' values.
        public var pooled = false
        /// (simulated − real time) / real time; nil when real time is 0.
        public var relativeError: Double? { Self.error(simulated, realtime) }

        static func error(_ predicted: Double, _ measured: Double) -> Double? {
            measured != 0 ? (predicted - measured) / measured : nil
        }
    }

    /// A calibrated simulation against its source run and the held-out repetitions.
    public struct CalibratedRow: Sendable {
        public var streams: Int
        public var option: String
        public var metric: Metric
        /// The run the calibration was fitted from.
        public var source: String
        public var simulated: Double
        public var simulatedRuns: Int
        public var sourceValue: Double
        /// The calibrated simulation of the source run's seed; nil when none was run.
        public var sameSeed: Double?
        /// Median of the held-out repetitions; nil when there are none.
        public var heldOut: Double?
        public var heldOutRuns: Int
        /// Each held-out run against the calibrated simulation of its own seed, where one
        /// was run: the median of those errors and how many there are.
        public var heldOutSameSeedError: Double?
        public var heldOutSameSeedRuns = 0

        public var errorAgainstSource: Double? { Row.error(simulated, sourceValue) }
        public var errorAgainstSourceSameSeed: Double? { sameSeed.flatMap { Row.error($0, sourceValue) } }
        public var errorAgainstHeldOut: Double? { heldOut.flatMap { Row.error(simulated, $0) } }
    }

    /// Uncalibrated simulations against the median of the real-time runs.
    public var rows: [Row]
    public var calibrated: [CalibratedRow]

    /// Nil when there are no simulated runs to set beside the real-time ones.
    public static func make(realtime: [RunRecord], simulated: [RunRecord]) -> SimulationCheck? {
        guard !simulated.isEmpty, !realtime.isEmpty else { return nil }
        let kinds = realtime.flatMap { $0.kinds.map(\.worker) }.uniqued()
        // And the process's CPU (its process workers' children included), where both sides
        // have it: a simulation has it when its scenario declares the box.
        let metrics = kinds.flatMap { [Metric(.dropFraction, $0), Metric(.latencyP50, $0), Metric(.latencyP99, $0), Metric(.servedFPS, $0)] }
            + [Metric(.processCores)]
        var rows: [Row] = [], calibrated: [CalibratedRow] = []
        for streams in realtime.map(\.streams).uniqued().sorted() {
            for option in realtime.map(\.option).uniqued().sorted() {
                let real = realtime.filter { $0.streams == streams && $0.option == option }
                let sim = simulated.filter { $0.streams == streams && $0.option == option }
                guard !real.isEmpty, !sim.isEmpty else { continue }
                let plain = sim.filter { $0.scenario?.calibratedFrom == nil }
                let sources = sim.compactMap { $0.scenario?.calibratedFrom }.uniqued()
                for metric in metrics {
                    let r = Comparison.values(metric, real), s = Comparison.values(metric, plain)
                    if !r.isEmpty, !s.isEmpty {
                        rows.append(Row(streams: streams, option: option, metric: metric, realtime: Descriptive.median(r),
                                        simulated: Descriptive.median(s), realtimeRuns: r.count, simulatedRuns: s.count))
                    } else if !plain.isEmpty, let percentile = metric.percentile, let kind = metric.subject,
                              let realValue = PooledLatency(real, kind: kind).milliseconds(atPercentile: percentile),
                              let simulatedValue = PooledLatency(plain, kind: kind).milliseconds(atPercentile: percentile) {
                        rows.append(Row(streams: streams, option: option, metric: metric, realtime: realValue, simulated: simulatedValue,
                                        realtimeRuns: real.count, simulatedRuns: plain.count, pooled: true))
                    }
                    for source in sources {
                        // The source must be a real-time run of this configuration.
                        guard let origin = real.first(where: { $0.id == source }) else { continue }
                        let fitted = sim.filter { $0.scenario?.calibratedFrom == source }
                        let predicted = Comparison.values(metric, fitted)
                        let measured = Comparison.values(metric, [origin])
                        let others = real.filter { $0.id != source }
                        let heldOut = Comparison.values(metric, others)
                        guard !predicted.isEmpty, let sourceValue = measured.first else { continue }
                        func sameSeed(as run: RunRecord) -> Double? {
                            Comparison.values(metric, fitted.filter { $0.seed == run.seed }).first
                        }
                        let matchedErrors = others.compactMap { run in
                            Comparison.values(metric, [run]).first.flatMap { value in sameSeed(as: run).flatMap { Row.error($0, value) } }
                        }
                        calibrated.append(CalibratedRow(
                            streams: streams, option: option, metric: metric, source: source,
                            simulated: Descriptive.median(predicted), simulatedRuns: predicted.count, sourceValue: sourceValue,
                            sameSeed: sameSeed(as: origin),
                            heldOut: heldOut.isEmpty ? nil : Descriptive.median(heldOut), heldOutRuns: heldOut.count,
                            heldOutSameSeedError: matchedErrors.isEmpty ? nil : Descriptive.median(matchedErrors),
                            heldOutSameSeedRuns: matchedErrors.count))
                    }
                }
            }
        }
        return rows.isEmpty && calibrated.isEmpty ? nil : SimulationCheck(rows: rows, calibrated: calibrated)
    }

    public func markdown() -> String {
        var out = "## Simulated beside real time\n\n"
        func percent(_ error: Double?) -> String { error.map { String(format: "%+.1f %%", $0 * 100) } ?? "–" }
        if !rows.isEmpty {
            out += "Medians of the simulated runs (mode `simulated`, virtual time: no hand-off overhead, and CPU contention only where the scenario declares its box) against the real-time ones of the same scenario. "
            out += "A latency percentile that no single run supports (a p99 needs 500 frames) is taken from each side's pooled histograms, marked *pooled*.\n\n"
            out += "| streams | option | metric | real time | simulated | error | runs (real / simulated) |\n|---:|---|---|---:|---:|---:|---|\n"
            for row in rows {
                out += "| \(row.streams) | \(row.option) | \(row.metric.label)\(row.pooled ? " (*pooled*)" : "") | \(Report.number(row.realtime)) | \(Report.number(row.simulated)) | "
                out += "\(percent(row.relativeError)) | \(row.realtimeRuns) / \(row.simulatedRuns) |\n"
            }
            out += "\n"
        }
        if !calibrated.isEmpty {
            out += "### Calibrated simulations: prediction error\n\n"
            out += "Simulations whose service times were fitted from a real-time run (`scalebench calibrate RUN`, then `--calibrated RUN`), "
            out += "against that run and against the held-out repetitions: the other real-time runs of the same configuration, which the fit never saw. "
            out += "Each both against the median of the simulation's seeds and against the simulation of the real run's own seed (*same seed*): a seed fixes the captures' phases, "
            out += "and with periodic captures which frames meet at a shared worker, and how long they wait there, is a property of the phases; only the same seed replays the arrivals that run had.\n\n"
            out += "| streams | option | metric | calibrated from | that run | simulated (median) | error | same seed | error | held-out median (runs) | error vs held-out | same seed vs each held-out run: median error (runs) |\n"
            out += "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            for row in calibrated {
                let heldOut = row.heldOut.map { "\(Report.number($0)) (\(row.heldOutRuns))" } ?? "none: run the scenario again"
                let matched = row.heldOutSameSeedError.map { "\(percent($0)) (\(row.heldOutSameSeedRuns))" } ?? "–"
                out += "| \(row.streams) | \(row.option) | \(row.metric.label) | \(row.source.prefix(8)) | \(Report.number(row.sourceValue)) | "
                out += "\(Report.number(row.simulated)) | \(percent(row.errorAgainstSource)) | \(row.sameSeed.map(Report.number) ?? "–") | "
                out += "\(percent(row.errorAgainstSourceSameSeed)) | \(heldOut) | \(percent(row.errorAgainstHeldOut)) | \(matched) |\n"
            }
            out += "\n"
        }
        return out
    }
}
