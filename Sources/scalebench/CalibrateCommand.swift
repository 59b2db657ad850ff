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
        The run must have been stored with --trace (its frames' service start and end).
        Per worker kind: lognormal and gamma by maximum likelihood (GSL), each with its
        Kolmogorov–Smirnov distance; the closer one is chosen. A simulation then uses the
        fits with --calibrated RUN:

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
        let times = try source.database.serviceTimes(run: id)
        guard !times.isEmpty else { throw UsageError("\(runID): the run has no trace; run it again with --trace") }
        var records: [CalibrationRecord] = []
        var rows = [["worker", "family", "mean ms", "sd ms", "KS distance", "KS p", "samples", ""]]
        for worker in times.keys.sorted() {
            let fits = DistributionFit.best(times[worker]!.map { $0 / 1e6 })
            guard !fits.isEmpty else {
                var reason = "no fit"
                if case .insufficient(let why) = DistributionFit.lognormal(times[worker]!.map { $0 / 1e6 }) { reason = why }
                rows.append([worker, "–", "–", "–", "–", "–", "\(times[worker]!.count)", "not fitted: \(reason)"])
                continue
            }
            // Neither family fits (KS p < 0.05 for the closer one): the measured values
            // themselves are the distribution.
            let fallback = fits[0].ksPValue < 0.05
            for (index, fit) in fits.enumerated() {
                records.append(CalibrationRecord(worker: worker, family: fit.family.rawValue, chosen: index == 0 && !fallback, meanMs: fit.mean,
                                                 sdMs: fit.standardDeviation, ksDistance: fit.ksDistance, ksP: fit.ksPValue, samples: fit.count))
                let note = index > 0 ? "" : fallback ? "closest family, but KS p < 0.05" : "chosen"
                rows.append([worker, fit.family.rawValue, String(format: "%.3f", fit.mean), String(format: "%.3f", fit.standardDeviation),
                             String(format: "%.4f", fit.ksDistance), String(format: "%.3g", fit.ksPValue), "\(fit.count)", note])
            }
            if fallback {
                let values = times[worker]!.map { UInt64($0.rounded()) }
                let ms = values.map { Double($0) / 1e6 }
                let mean = Descriptive.mean(ms), sd = Descriptive.standardDeviation(ms).valueOrNil ?? 0
                records.append(CalibrationRecord(worker: worker, family: "empirical", chosen: true, meanMs: mean, sdMs: sd,
                                                 ksDistance: 0, ksP: 1, samples: values.count, values: values))
                rows.append([worker, "empirical", String(format: "%.3f", mean), String(format: "%.3f", sd), "–", "–", "\(values.count)",
                             "chosen: the measured values, drawn uniformly"])
            }
        }
        guard !records.isEmpty else {
            let counts = times.keys.sorted().map { "\($0) \(times[$0]!.count)" }.joined(separator: ", ")
            throw UsageError("\(runID): no worker kind has samples enough to fit (\(counts); a fit needs at least \(DistributionFit.minimumSamples), not all equal); nothing was stored")
        }
        try source.database.storeCalibration(records, run: id)
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        print("calibration of run \(id):")
        for row in rows {
            let line = row.enumerated().map { column, cell in
                column < 2 || column == 7 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
            print(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
    }
}
