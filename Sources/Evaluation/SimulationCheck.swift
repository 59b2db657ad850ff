import Analysis
import Foundation
import ResultsStore
import ScaleBench

/// Simulated runs beside the real-time ones of the same scenario: per stream count,
/// option and metric, both medians and the simulation's error relative to real time.
/// With `--calibrated` simulations this is the prediction error of the calibration; the
/// real-time runs other than the calibrated one are its held-out repetitions.
public struct SimulationCheck: Sendable {
    public struct Row: Sendable {
        public var streams: Int
        public var option: String
        public var metric: Metric
        public var realtime: Double
        public var simulated: Double
        public var realtimeRuns: Int
        public var simulatedRuns: Int
        /// (simulated − real time) / real time; nil when real time is 0.
        public var relativeError: Double? { realtime != 0 ? (simulated - realtime) / realtime : nil }
    }

    public var rows: [Row]

    /// Nil when there are no simulated runs to set beside the real-time ones.
    public static func make(realtime: [RunRecord], simulated: [RunRecord]) -> SimulationCheck? {
        guard !simulated.isEmpty, !realtime.isEmpty else { return nil }
        let kinds = realtime.flatMap { $0.kinds.map(\.worker) }.uniqued()
        let metrics = kinds.flatMap { [Metric(.dropFraction, $0), Metric(.latencyP50, $0), Metric(.servedFPS, $0)] }
        var rows: [Row] = []
        for streams in realtime.map(\.streams).uniqued().sorted() {
            for option in realtime.map(\.option).uniqued().sorted() {
                let real = realtime.filter { $0.streams == streams && $0.option == option }
                let sim = simulated.filter { $0.streams == streams && $0.option == option }
                guard !real.isEmpty, !sim.isEmpty else { continue }
                for metric in metrics {
                    let r = Comparison.values(metric, real), s = Comparison.values(metric, sim)
                    guard !r.isEmpty, !s.isEmpty else { continue }
                    rows.append(Row(streams: streams, option: option, metric: metric, realtime: Descriptive.median(r),
                                    simulated: Descriptive.median(s), realtimeRuns: r.count, simulatedRuns: s.count))
                }
            }
        }
        return rows.isEmpty ? nil : SimulationCheck(rows: rows)
    }

    public func markdown() -> String {
        var out = "## Simulated beside real time\n\n"
        out += "Medians of the simulated runs (mode `simulated`, virtual time: no CPU contention, no hand-off overhead) against the real-time ones of the same scenario. "
        out += "For calibrated simulations the error is the calibration's prediction error; real-time runs other than the calibrated one are held out.\n\n"
        out += "| streams | option | metric | real time | simulated | error | runs (real / simulated) |\n|---:|---|---|---:|---:|---:|---|\n"
        for row in rows {
            out += "| \(row.streams) | \(row.option) | \(row.metric.label) | \(Report.number(row.realtime)) | \(Report.number(row.simulated)) | "
            out += "\(row.relativeError.map { String(format: "%+.1f %%", $0 * 100) } ?? "–") | \(row.realtimeRuns) / \(row.simulatedRuns) |\n"
        }
        return out + "\n"
    }
}
