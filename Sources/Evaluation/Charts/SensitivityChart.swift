import Foundation
import ScaleBenchCore

/// One assumption's sensitivity as a map: the assumption's value across, a row per stream
/// count, each value tried as a cell coloured by the option chosen there. A flip lies
/// between two neighbouring cells of different colours; the scenario's own value is the
/// dashed line.
struct SensitivityChart {
    var line: SensitivitySection.Line

    static let colours = ["A": "#1f77b4", "B": "#ff7f0e", "C": "#2ca02c", "none": "#d62728"]
    static let mixed = "#9467bd"

    func colour(_ choice: String) -> String { Self.colours[choice] ?? Self.mixed }

    func render() -> String {
        let assumption = line.sensitivity.assumption
        let width = 640.0, left = 90.0, right = 20.0, top = 40.0, rowHeight = 34.0
        let plotW = width - left - right
        let height = top + Double(line.counts.count) * rowHeight + 80
        let low = line.sensitivity.low, high = max(line.sensitivity.high, line.sensitivity.low + 1e-12)
        let sx = { (x: Double) in left + (x - low) / (high - low) * plotW }
        let title = "\(assumption.label.prefix(1).uppercased() + assumption.label.dropFirst()): the recommendation across its range (simulated time)"
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="11" style="max-width:100%;height:auto">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
        <text x="\(f(width / 2))" y="18" text-anchor="middle" font-size="13" font-weight="bold">\(escape(title))</text>

        """
        let values = line.points.map(\.value)
        // Each value's cell reaches halfway to its neighbours (the range's ends at the edges).
        func edges(_ index: Int) -> (Double, Double) {
            let lower = index == 0 ? low : (values[index - 1] + values[index]) / 2
            let upper = index == values.count - 1 ? high : (values[index] + values[index + 1]) / 2
            return (lower, upper)
        }
        for (row, streams) in line.counts.enumerated() {
            let y = top + Double(row) * rowHeight
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(streams) rooms</text>\n"
            for (index, point) in line.points.enumerated() {
                let choice = point.choices[streams] ?? "–"
                let (lower, upper) = edges(index)
                svg += "<rect class=\"mark\" x=\"\(f(sx(lower)))\" y=\"\(f(y + 4))\" width=\"\(f(max(1, sx(upper) - sx(lower))))\" height=\"\(f(rowHeight - 8))\" fill=\"\(colour(choice))\" fill-opacity=\"0.8\">"
                svg += "<title>\(streams) rooms at \(escape(assumption.text(point.value))): \(escape(choice))</title></rect>\n"
            }
            for flip in line.flips where flip.streams == streams {
                let x = sx((flip.below + flip.above) / 2)
                svg += "<line class=\"mark\" x1=\"\(f(x))\" y1=\"\(f(y + 2))\" x2=\"\(f(x))\" y2=\"\(f(y + rowHeight - 2))\" stroke=\"black\" stroke-width=\"2\">"
                svg += "<title>\(escape(flip.from)) → \(escape(flip.to)) between \(escape(assumption.text(flip.below))) and \(escape(assumption.text(flip.above)))</title></line>\n"
            }
        }
        let axisY = top + Double(line.counts.count) * rowHeight
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(axisY))\" x2=\"\(f(left + plotW))\" y2=\"\(f(axisY))\" stroke=\"#444\"/>\n"
        for tick in SVGChart.ticks(low, high) where tick >= low - 1e-12 && tick <= high + 1e-12 {
            svg += "<line x1=\"\(f(sx(tick)))\" y1=\"\(f(axisY))\" x2=\"\(f(sx(tick)))\" y2=\"\(f(axisY + 4))\" stroke=\"#444\"/>"
            svg += "<text x=\"\(f(sx(tick)))\" y=\"\(f(axisY + 16))\" text-anchor=\"middle\">\(escape(assumption.text(tick)))</text>\n"
        }
        if let baseline = line.baseline, baseline >= low, baseline <= high {
            let x = sx(baseline)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(axisY))\" stroke=\"black\" stroke-dasharray=\"4 3\"><title>the scenario's value</title></line>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(axisY + 34))\" text-anchor=\"middle\">\(escape(assumption.label)) (dashed: the scenario's value; bar: where the choice flips)</text>\n"
        let choices = line.points.flatMap { $0.choices.values }.uniqued().sorted()
        for (index, choice) in choices.enumerated() {
            let x = left + Double(index) * 110
            svg += "<rect x=\"\(f(x))\" y=\"\(f(axisY + 48))\" width=\"10\" height=\"10\" fill=\"\(colour(choice))\"/>"
            svg += "<text x=\"\(f(x + 14))\" y=\"\(f(axisY + 57))\">\(escape(choice == "none" ? "no option" : "option " + choice))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
