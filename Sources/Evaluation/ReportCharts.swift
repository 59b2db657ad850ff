import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// The charts of a report, drawn from the runs: each a titled SVG with an id (its file
/// name next to the Markdown, its anchor in the HTML).
struct ReportChart {
    var id: String
    var chart: SVGChart
}

/// Every chart says which mode its figures come from: in its title (`— real time`,
/// `— simulated`, or both, the simulated ones dashed or hollow) and its caption.
enum ReportCharts {
    static func make(runs: [RunRecord], comparison: Comparison, fits: [ScalingFit], simulated: [RunRecord] = []) -> [ReportChart] {
        var charts: [ReportChart] = []
        let options = runs.map(\.option).uniqued().sorted()
        let kinds = runs.flatMap { $0.kinds.map(\.worker) }.uniqued()
        let largest = runs.map(\.streams).max() ?? 0
        let modes = Modes(runs: runs, simulated: simulated)

        // Latency CDF per option, pooled over the runs at the largest stream count.
        for kind in kinds {
            let series = options.compactMap { option -> SVGChart.Series? in
                // The whole curve is drawn from whatever the pool holds (a CDF, not one percentile).
                let pooled = PooledLatency(runs.filter { $0.option == option && $0.streams == largest }, kind: kind).histogram
                guard pooled.count > 0 else { return nil }
                let points = stride(from: 0.0, through: 100.0, by: 0.5).compactMap { p in
                    pooled.milliseconds(atPercentile: p).map { SVGChart.Point(x: $0, y: p / 100) }
                }
                return SVGChart.Series(name: option, points: points, style: .line)
            }
            var chart = SVGChart(title: "\(kind) latency CDF at \(largest) streams (pooled histograms) — \(modes.primary)",
                                 xLabel: "latency, ms (capture → service end)", yLabel: "fraction of frames", series: series)
            chart.caption = "The fraction of \(kind) frames served within each latency, every \(modes.primary) run of an option at \(largest) streams pooled into one histogram."
            charts.append(ReportChart(id: "latency-cdf-\(slug(kind))", chart: chart))
        }

        // Per stream count, each option's median with its CI, from the comparison; and,
        // dashed, the medians of the simulated runs (often at counts real time cannot reach).
        func versusStreams(_ metric: Metric, id: String, title: String, yLabel: String, caption: String) -> ReportChart {
            var series = options.map { option in
                SVGChart.Series(name: modes.name(option), points: comparison.cells.filter { $0.metric == metric }.compactMap { cell in
                    guard let summary = cell.options.first(where: { $0.option == option }), case .value(let median) = summary.median else { return nil }
                    return SVGChart.Point(x: Double(cell.streams), y: median, low: summary.interval?.lower, high: summary.interval?.upper)
                }, group: option)
            }
            for option in simulated.map(\.option).uniqued().sorted() {
                let points = simulated.filter { $0.option == option }.map(\.streams).uniqued().sorted().compactMap { streams -> SVGChart.Point? in
                    let values = Comparison.values(metric, simulated.filter { $0.option == option && $0.streams == streams })
                    return values.isEmpty ? nil : SVGChart.Point(x: Double(streams), y: Descriptive.median(values))
                }
                if !points.isEmpty { series.append(SVGChart.Series(name: "\(option) simulated", points: points, style: .dashed, group: option)) }
            }
            // Stream counts spanning more than a decade read better on a log axis.
            let xs = series.flatMap { $0.points.map(\.x) }
            let logX = (xs.max() ?? 1) / max(xs.min() ?? 1, 1) > 10
            var chart = SVGChart(title: "\(title) — \(modes.title())", xLabel: logX ? "streams (log scale)" : "streams", yLabel: yLabel,
                                 series: series, logX: logX)
            chart.caption = caption + " " + modes.caption()
            return ReportChart(id: id, chart: chart)
        }
        for kind in kinds {
            charts.append(percentileVersusStreams(99, kind: kind, runs: runs, options: options, comparison: comparison, modes: modes))
            charts.append(versusStreams(Metric(.latencyP50, kind), id: "latency-p50-\(slug(kind))",
                                        title: "\(kind) latency p50 vs streams (median of runs, order-statistic interval)",
                                        yLabel: "latency p50, ms",
                                        caption: "Each run's median \(kind) latency (capture → service end); a point is the median over an option's runs, its bar the order-statistic interval."))
            charts.append(versusStreams(Metric(.dropFraction, kind), id: "drops-\(slug(kind))",
                                        title: "\(kind) drop fraction vs streams", yLabel: "drop fraction",
                                        caption: "The fraction of frames \(kind) never served (overwritten or dropped), each run's mean over its rooms; median over runs."))
            charts.append(servedPerRoom(kind: kind, runs: runs, simulated: simulated, modes: modes))
        }

        charts.append(cpu(runs: runs, simulated: simulated, comparison: comparison, fits: fits, modes: modes))

        // Memory: measured RSS and modelled model memory, per option.
        var memory = versusStreams(Metric(.peakRSS), id: "memory", title: "Memory vs streams: peak RSS (measured) and model memory (modelled)",
                                   yLabel: "MiB (RSS) / GB × 1024 (models)",
                                   caption: "The process's peak resident memory (median over runs) beside the memory the scenario's models take on each device (modelled, dashed).")
        memory.chart.series = memory.chart.series.map { SVGChart.Series(name: "\($0.name) RSS", points: $0.points, style: $0.style, group: $0.group) }
        let devices = runs.flatMap { $0.devices.map(\.device) }.uniqued()
        for option in options {
            for device in devices {
                let points = runs.filter { $0.option == option }.map(\.streams).uniqued().sorted().compactMap { streams -> SVGChart.Point? in
                    runs.first { $0.option == option && $0.streams == streams }?.devices.first { $0.device == device }
                        .map { SVGChart.Point(x: Double(streams), y: $0.modelMemoryGB * 1024) }
                }
                memory.chart.series.append(SVGChart.Series(name: "\(option) \(device) models", points: points, style: .dashed, group: option))
            }
        }
        charts.append(memory)

        // Fairness: served fps per stream of each shared kind, at the largest stream count.
        for worker in runs.flatMap({ $0.fairness.map(\.worker) }).uniqued() {
            let series = options.compactMap { option -> SVGChart.Series? in
                let served = runs.filter { $0.option == option && $0.streams == largest }
                    .compactMap { $0.fairness.first { $0.worker == worker }?.servedFPS }
                guard let first = served.first else { return nil }
                let mean = first.indices.map { index in served.map { $0.count > index ? $0[index] : 0 }.reduce(0, +) / Double(served.count) }
                return SVGChart.Series(name: option, points: mean.enumerated().map { SVGChart.Point(x: Double($0.offset), y: $0.element) })
            }
            var chart = SVGChart(title: "\(worker) served fps per stream at \(largest) streams (mean of runs) — \(modes.primary)",
                                 xLabel: "stream", yLabel: "served fps", series: series)
            chart.caption = "How evenly the shared \(worker) served the rooms at \(largest) streams: each stream's served fps, averaged over an option's \(modes.primary) runs."
            charts.append(ReportChart(id: "fairness-\(slug(worker))", chart: chart))
        }
        return charts
    }

    /// A latency percentile per option and stream count: the median of the runs' values
    /// with its CI where every run supports the percentile; otherwise the percentile of
    /// the runs' pooled histograms (no CI), marked "pooled", when the pool supports it.
    static func percentileVersusStreams(_ percentile: Double, kind: String, runs: [RunRecord], options: [String],
                                        comparison: Comparison, modes: Modes) -> ReportChart {
        let metric = Metric(percentile == 99 ? .latencyP99 : .latencyP50, kind)
        var series: [SVGChart.Series] = []
        for option in options {
            var perRun: [SVGChart.Point] = [], pooled: [SVGChart.Point] = []
            for streams in runs.filter({ $0.option == option }).map(\.streams).uniqued().sorted() {
                let summary = comparison.cells.first { $0.metric == metric && $0.streams == streams }?.options.first { $0.option == option }
                if let summary, case .value(let median) = summary.median {
                    perRun.append(SVGChart.Point(x: Double(streams), y: median, low: summary.interval?.lower, high: summary.interval?.upper))
                    continue
                }
                let pool = PooledLatency(runs.filter { $0.option == option && $0.streams == streams }, kind: kind)
                if let value = pool.milliseconds(atPercentile: percentile) { pooled.append(SVGChart.Point(x: Double(streams), y: value)) }
            }
            if !perRun.isEmpty { series.append(SVGChart.Series(name: option, points: perRun)) }
            if !pooled.isEmpty { series.append(SVGChart.Series(name: "\(option) (pooled)", points: pooled)) }
        }
        var chart = SVGChart(title: "\(kind) latency p\(format3(percentile)) vs streams (median of runs with its order-statistic interval, or pooled over runs) — \(modes.primary)",
                             xLabel: "streams", yLabel: "latency p\(format3(percentile)), ms", series: series)
        chart.caption = "Each \(modes.primary) run's \(kind) p\(format3(percentile)) where the run has the frames for it, median over runs with its interval; otherwise (pooled) the percentile of the runs' histograms added."
        chart.emptyMessage = "insufficient data: p\(format3(percentile)) needs ≥ \(Validity.minimumSamples(percentile: percentile)) frames"
        return ReportChart(id: "latency-p\(format3(percentile))-\(slug(kind))", chart: chart)
    }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
