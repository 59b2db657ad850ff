import Analysis
import ResultsStore
import ScaleBenchCore

extension ReportCharts {
    /// Process CPU against stream count, under the CPU the runs had.
    ///
    /// A point at or above 97 % of its runs' ceiling (``CPUCeiling``) is saturated and is
    /// ringed: it says the box was full, not what the option costs. Each option's scaling
    /// fit (the better R² of linear and power law) is drawn only when it was fitted without
    /// saturated runs, and only across the stream counts those runs span: beyond them it
    /// is a model, which the fits table gives with prediction intervals.
    static func cpu(runs: [RunRecord], simulated: [RunRecord], comparison: Comparison, fits: [ScalingFit], modes: Modes) -> ReportChart {
        let metric = Metric(.processCores)
        let options = runs.map(\.option).uniqued().sorted()
        var series: [SVGChart.Series] = []
        var saturated: [SVGChart.Point] = []
        func atCeiling(_ point: SVGChart.Point, _ cell: [RunRecord]) -> Bool {
            guard let ceiling = cell.compactMap(CPUCeiling.init).min(by: { $0.cores < $1.cores }) else { return false }
            return ceiling.isSaturated(point.y)
        }

        for option in options {
            let points = comparison.cells.filter { $0.metric == metric }.compactMap { cell -> SVGChart.Point? in
                guard let summary = cell.options.first(where: { $0.option == option }), case .value(let median) = summary.median else { return nil }
                return SVGChart.Point(x: Double(cell.streams), y: median, low: summary.interval?.lower, high: summary.interval?.upper)
            }
            series.append(SVGChart.Series(name: modes.name(option), points: points, group: option))
            saturated += points.filter { point in atCeiling(point, runs.filter { $0.option == option && $0.streams == Int(point.x) }) }
        }
        for option in simulated.map(\.option).uniqued().sorted() {
            let points = simulated.filter { $0.option == option }.map(\.streams).uniqued().sorted().compactMap { streams -> SVGChart.Point? in
                let values = Comparison.values(metric, simulated.filter { $0.option == option && $0.streams == streams })
                return values.isEmpty ? nil : SVGChart.Point(x: Double(streams), y: Descriptive.median(values))
            }
            guard !points.isEmpty else { continue }
            series.append(SVGChart.Series(name: "\(option) simulated", points: points, style: .dashed, group: option))
            saturated += points.filter { point in atCeiling(point, simulated.filter { $0.option == option && $0.streams == Int(point.x) }) }
        }

        var notes: [String] = []
        for option in options {
            if let best = fits.filter({ $0.option == option && $0.metric == metric }).max(by: { $0.rSquared < $1.rSquared }) {
                let low = Double(best.streams.lowerBound), high = Double(best.streams.upperBound)
                let xs = (0...60).map { low + (high - low) * Double($0) / 60 }
                let curve = xs.compactMap { x in best.predict(x).map { SVGChart.Point(x: x, y: $0) } }
                series.append(SVGChart.Series(name: "\(option) \(best.model.rawValue) fit", points: curve, style: .line, group: option))
                if best.saturatedLeftOut > 0 {
                    notes.append("\(option)'s fit leaves out its \(best.saturatedLeftOut) saturated runs")
                }
            } else if let reason = ScalingFit.unfittedForSaturation(option: option, runs: runs) {
                notes.append("\(option) has no fit: \(reason)")
            }
        }

        // The ceilings, one line a height (the modes' words in the caption), drawn even where
        // no point reaches them.
        let anchor = Double(runs.map(\.streams).min() ?? 1)
        let stored = [(modes.primary, runs), ("simulated", simulated)].flatMap { mode, group in
            group.compactMap(CPUCeiling.init).uniqued().map { (mode: mode, ceiling: $0) }
        }
        let ceilings = stored.map { "\($0.ceiling.what)\(modes.both ? " (\($0.mode == "real time" ? "real-time" : $0.mode) runs)" : "")" }
        for cores in stored.map(\.ceiling.cores).uniqued() {
            let mine = stored.filter { $0.ceiling.cores == cores }.map(\.mode).uniqued()
            let mode = modes.both && mine.count == 1 ? " \(mine[0])" : ""
            series.append(SVGChart.Series(name: "ceiling \(format3(cores))\(mode)", points: [SVGChart.Point(x: anchor, y: cores)], style: .reference))
        }
        if !saturated.isEmpty {
            series.append(SVGChart.Series(name: "saturated (≥ \(Int(CPUCeiling.saturatedFraction * 100)) %)", points: saturated, style: .ring))
        }

        let xs = series.filter { !$0.style.isAnnotation }.flatMap { $0.points.map(\.x) }
        let logX = (xs.max() ?? 1) / max(xs.min() ?? 1, 1) > 10
        var chart = SVGChart(title: "CPU cores vs streams, against the CPUs the runs had — \(modes.title())",
                             xLabel: logX ? "streams (log scale)" : "streams", yLabel: "process CPU, cores", series: series, logX: logX)
        var caption = "The process's CPU (median over runs, order-statistic interval) against stream count. "
        caption += ceilings.isEmpty ? "The runs stored no CPU ceiling. "
            : "Dash-dotted: the most CPU the runs could use — \(ceilings.joined(separator: "; ")). "
        let threshold = "\(Int(CPUCeiling.saturatedFraction * 100)) %"
        if !ceilings.isEmpty {
            caption += saturated.isEmpty ? "No point reaches \(threshold) of it. "
                : "Diamonds mark points at ≥ \(threshold) of it (saturated: the box was full, the option's cost is not measured). "
        }
        caption += "Solid curves: each option's better scaling fit, through unsaturated runs only and drawn only across the stream counts they span (extrapolations: the fits table)"
        caption += notes.isEmpty ? ". " : "; " + notes.joined(separator: "; ") + ". "
        chart.caption = caption + modes.caption()
        return ReportChart(id: "cpu-cores", chart: chart)
    }
}
