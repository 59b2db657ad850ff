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

enum ReportCharts {
    static func make(runs: [RunRecord], comparison: Comparison, fits: [ScalingFit], simulated: [RunRecord] = []) -> [ReportChart] {
        var charts: [ReportChart] = []
        let options = runs.map(\.option).uniqued().sorted()
        let kinds = runs.flatMap { $0.kinds.map(\.worker) }.uniqued()
        let largest = runs.map(\.streams).max() ?? 0

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
            charts.append(ReportChart(id: "latency-cdf-\(slug(kind))", chart: SVGChart(
                title: "\(kind) latency CDF at \(largest) streams (pooled histograms)", xLabel: "latency, ms (capture → service end)",
                yLabel: "fraction of frames", series: series)))
        }

        // Per stream count, each option's median with its CI, from the comparison; and,
        // dashed, the medians of the simulated runs (often at counts real time cannot reach).
        func versusStreams(_ metric: Metric, id: String, title: String, yLabel: String) -> ReportChart {
            var series = options.map { option in
                SVGChart.Series(name: option, points: comparison.cells.filter { $0.metric == metric }.compactMap { cell in
                    guard let summary = cell.options.first(where: { $0.option == option }), case .value(let median) = summary.median else { return nil }
                    return SVGChart.Point(x: Double(cell.streams), y: median, low: summary.interval?.lower, high: summary.interval?.upper)
                })
            }
            for option in simulated.map(\.option).uniqued().sorted() {
                let points = simulated.filter { $0.option == option }.map(\.streams).uniqued().sorted().compactMap { streams -> SVGChart.Point? in
                    let values = Comparison.values(metric, simulated.filter { $0.option == option && $0.streams == streams })
                    return values.isEmpty ? nil : SVGChart.Point(x: Double(streams), y: Descriptive.median(values))
                }
                if !points.isEmpty { series.append(SVGChart.Series(name: "\(option) simulated", points: points, style: .dashed)) }
            }
            // Stream counts spanning more than a decade read better on a log axis.
            let xs = series.flatMap { $0.points.map(\.x) }
            let logX = (xs.max() ?? 1) / max(xs.min() ?? 1, 1) > 10
            return ReportChart(id: id, chart: SVGChart(title: title, xLabel: logX ? "streams (log scale)" : "streams", yLabel: yLabel,
                                                       series: series, logX: logX))
        }
        for kind in kinds {
            charts.append(percentileVersusStreams(99, kind: kind, runs: runs, options: options, comparison: comparison))
            charts.append(versusStreams(Metric(.latencyP50, kind), id: "latency-p50-\(slug(kind))",
                                        title: "\(kind) latency p50 vs streams (median of runs, order-statistic interval)",
                                        yLabel: "latency p50, ms"))
            charts.append(versusStreams(Metric(.dropFraction, kind), id: "drops-\(slug(kind))",
                                        title: "\(kind) drop fraction vs streams", yLabel: "drop fraction"))
            charts.append(versusStreams(Metric(.servedFPS, kind), id: "served-\(slug(kind))",
                                        title: "\(kind) served fps per stream vs streams", yLabel: "fps per stream"))
        }

        // CPU cores with the fitted curves, extrapolated.
        var cpu = versusStreams(Metric(.processCores), id: "cpu-cores", title: "CPU cores vs streams, with fitted curves",
                                yLabel: "process CPU, cores")
        for fit in fits where fit.metric == Metric(.processCores) {
            let xs = stride(from: 1.0, through: 128.0, by: 1.0)
            cpu.chart.series.append(SVGChart.Series(name: "\(fit.option) \(fit.model.rawValue) fit",
                                                    points: xs.compactMap { x in fit.predict(x).map { SVGChart.Point(x: x, y: $0) } },
                                                    style: .dashed))
        }
        charts.append(cpu)

        // Memory: measured RSS and modelled model memory, per option.
        var memory = versusStreams(Metric(.peakRSS), id: "memory", title: "Memory vs streams: peak RSS (measured) and model memory (modelled)",
                                   yLabel: "MiB (RSS) / GB × 1024 (models)")
        memory.chart.series = memory.chart.series.map { SVGChart.Series(name: "\($0.name) RSS", points: $0.points) }
        let devices = runs.flatMap { $0.devices.map(\.device) }.uniqued()
        for option in options {
            for device in devices {
                let points = runs.filter { $0.option == option }.map(\.streams).uniqued().sorted().compactMap { streams -> SVGChart.Point? in
                    runs.first { $0.option == option && $0.streams == streams }?.devices.first { $0.device == device }
                        .map { SVGChart.Point(x: Double(streams), y: $0.modelMemoryGB * 1024) }
                }
                memory.chart.series.append(SVGChart.Series(name: "\(option) \(device) models", points: points, style: .dashed))
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
            charts.append(ReportChart(id: "fairness-\(slug(worker))", chart: SVGChart(
                title: "\(worker) served fps per stream at \(largest) streams (mean of runs)", xLabel: "stream", yLabel: "served fps",
                series: series)))
        }
        return charts
    }

    /// A latency percentile per option and stream count: the median of the runs' values
    /// with its CI where every run supports the percentile; otherwise the percentile of
    /// the runs' pooled histograms (no CI), marked "pooled", when the pool supports it.
    static func percentileVersusStreams(_ percentile: Double, kind: String, runs: [RunRecord], options: [String],
                                        comparison: Comparison) -> ReportChart {
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
        var chart = SVGChart(title: "\(kind) latency p\(format3(percentile)) vs streams (median of runs with its order-statistic interval, or pooled over runs)",
                             xLabel: "streams", yLabel: "latency p\(format3(percentile)), ms", series: series)
        chart.emptyMessage = "insufficient data: p\(format3(percentile)) needs ≥ \(Validity.minimumSamples(percentile: percentile)) frames"
        return ReportChart(id: "latency-p\(format3(percentile))-\(slug(kind))", chart: chart)
    }

    static func slug(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }
}
