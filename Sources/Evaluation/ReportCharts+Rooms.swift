import ResultsStore
import ScaleBenchCore

extension ReportCharts {
    /// A kind's served fps room by room: per option and stream count, the spread across
    /// rooms of each room's figure (``RoomFigures``: its processed frames over its
    /// seconds, pooled over the cell's runs). A mean over rooms hides the starved room a
    /// per-room service level fails on; a box and whiskers shows it.
    static func servedPerRoom(kind: String, runs: [RunRecord], simulated: [RunRecord], modes: Modes) -> ReportChart {
        let metric = Metric(.servedFPS, kind)
        var series: [SVGChart.Series] = []
        let groups: [(runs: [RunRecord], style: SVGChart.Series.Style, name: (String) -> String)] = [
            (runs, .box, modes.name), (simulated, .hollowBox, { "\($0) simulated" }),
        ]
        for group in groups {
            for option in group.runs.map(\.option).uniqued().sorted() {
                let mine = group.runs.filter { $0.option == option }
                let points = mine.map(\.streams).uniqued().sorted().compactMap { streams -> SVGChart.Point? in
                    let rooms = RoomFigures.figures(metric, mine.filter { $0.streams == streams }, alertChain: []) ?? [:]
                    let values = rooms.values.compactMap { figure -> Double? in
                        if case .value(let value) = figure, value.isFinite { return value }
                        return nil
                    }
                    return values.isEmpty ? nil : SVGChart.Point(x: Double(streams), distribution: values)
                }
                if !points.isEmpty { series.append(SVGChart.Series(name: group.name(option), points: points, style: group.style, group: option)) }
            }
        }
        let xs = series.flatMap { $0.points.map(\.x) }
        let logX = (xs.max() ?? 1) / max(xs.min() ?? 1, 1) > 10
        var chart = SVGChart(title: "\(kind) served fps per room vs streams, across rooms — \(modes.title(simulatedDrawn: "hollow"))",
                             xLabel: logX ? "streams (log scale)" : "streams", yLabel: "served fps of a room", series: series, logX: logX)
        chart.caption = "Each room's \(kind) frames served per second (its processed frames over its seconds, pooled over the runs of an option at a stream count). "
            + "A box per option and stream count: the median room (line), the middle half of the rooms (box), the lowest and highest room (whiskers). "
            + modes.caption(simulatedDrawn: "hollow dashed boxes")
        return ReportChart(id: "served-\(slug(kind))", chart: chart)
    }
}
