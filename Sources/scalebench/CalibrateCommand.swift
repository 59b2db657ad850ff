import Analysis
import ArgumentParser
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit each worker kind's service-time distribution from a real-time run's trace; store the fits.",
        discussion: """
        The run must have been stored with --trace (its frames' service start and end,
        and each service's CPU time on its thread). What is fitted: a cpu or pixels
        worker's CPU demand (its thread's CPU time per service: what it costs an
        uncontended core, so a calibration from a contended run predicts an uncontended
        box and the reverse); a process worker's CPU demand (its thread's encoding and
        IPC plus its child's CPU per service), which makes it a cpu worker in a
        simulation; an offload worker's accelerator part (wall time less CPU
        time) with its CPU time as its host cost. Per worker kind: lognormal and gamma by
        maximum likelihood (GSL), each with its Kolmogorov–Smirnov distance; the closer
        one is chosen. A simulation then uses the fits with --calibrated RUN:

          scalebench run Scenarios/hospital-10.yaml --topology C --trace
          scalebench calibrate 3f2a
          scalebench run Scenarios/hospital-10.yaml --topology C --mode simulated --calibrated 3f2a
        """)

    @Argument(help: "The run's id (or a unique prefix of it).")
    var runID: String

    @Option(help: "Results database.")
    var db: String = StoreOptions.defaultPath

    func run() throws {
        let source = try AnalysisSource(path: db)
        let id: String?
        do { id = try source.database.runID(matching: runID) } catch { throw UsageError("\(error)") }
        guard let id else { throw UsageError("\(runID): no run with that id in \(db)") }
        let kinds = try CalibrationFitting.fit(run: id, database: source.database)
        guard !kinds.isEmpty else { throw UsageError("\(runID): the run has no trace; run it again with --trace") }
        let records = kinds.flatMap(\.records)
        var rows = [["worker", "fitted", "family", "mean ms", "sd ms", "KS distance", "KS p", "samples", ""]]
        for kind in kinds {
            if let reason = kind.notFitted {
                rows.append([kind.worker, kind.quantity, "–", "–", "–", "–", "–", "\(kind.samples)", "not fitted: \(reason)"])
                continue
            }
            let fallback = kind.records.contains { $0.family == "empirical" }
            let spells = kind.records.contains { $0.ordered }
            for (index, record) in kind.records.enumerated() {
                var note = record.family == "empirical"
                    ? (record.ordered ? String(format: "chosen: the measured values, drawn in the order served (lag-1 autocorrelation %.2f: they came in spells)", record.lag1 ?? 0)
                        : "chosen: the measured values, drawn uniformly")
                    : index > 0 ? "" : spells ? "closest family, but the services came in spells" : fallback ? "closest family, but KS p < 0.05" : "chosen"
                if index == 0, let host = record.hostCostMs { note += String(format: "; host cost %.2f ms a service", host) }
                let empirical = record.family == "empirical"
                rows.append([kind.worker, kind.quantity, record.family, String(format: "%.3f", record.meanMs), String(format: "%.3f", record.sdMs),
                             empirical ? "–" : String(format: "%.4f", record.ksDistance), empirical ? "–" : String(format: "%.3g", record.ksP),
                             "\(record.samples)", note])
            }
        }
        guard !records.isEmpty else {
            let counts = kinds.map { "\($0.worker) \($0.samples)" }.joined(separator: ", ")
            throw UsageError("\(runID): no worker kind has samples enough to fit (\(counts); a fit needs at least \(DistributionFit.minimumSamples), not all equal); nothing was stored")
        }
        try source.database.storeCalibration(records, run: id)
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        print("calibration of run \(id):")
        for row in rows {
            let line = row.enumerated().map { column, cell in
                column < 3 || column == 8 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
            print(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
    }
}
