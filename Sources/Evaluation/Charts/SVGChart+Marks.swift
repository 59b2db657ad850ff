import Foundation

/// How each style of series is drawn, and its legend entry. Every mark of data carries
/// `class="mark"`, so a check of the rendered page can find what was drawn.
extension SVGChart.Series.Style {
    /// Drawn over or across the data, not data themselves: a chart of only these has nothing to show.
    var isAnnotation: Bool { self == .ring || self == .reference }
}

extension SVGChart {
    /// The plot's horizontal extent and its data → pixel maps.
    struct Frame {
        var left: Double
        var right: Double
        var sx: (Double) -> Double
        var sy: (Double) -> Double
    }

    func marks(_ series: Series, colour: String, frame: Frame, dodge: Double, visible: [Point]) -> String {
        let (sx, sy) = (frame.sx, frame.sy)
        var svg = ""
        switch series.style {
        case .line, .dashed:
            let path = visible.map { "\(f(sx($0.x))),\(f(sy($0.y)))" }.joined(separator: " ")
            svg += "<polyline class=\"mark\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(series.style == .dashed ? " stroke-dasharray=\"5 4\"" : "") points=\"\(path)\"><title>\(escape(series.name))</title></polyline>\n"
        case .markers:
            for point in visible {
                if let low = point.low, let high = point.high, low.isFinite, high.isFinite {
                    svg += "<line x1=\"\(f(sx(point.x)))\" y1=\"\(f(sy(low)))\" x2=\"\(f(sx(point.x)))\" y2=\"\(f(sy(high)))\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>"
                }
                svg += "<circle class=\"mark\" cx=\"\(f(sx(point.x)))\" cy=\"\(f(sy(point.y)))\" r=\"3.5\" fill=\"\(colour)\"><title>\(escape(series.name)): \(Self.label(point.x)), \(Self.label(point.y))</title></circle>\n"
            }
        case .box, .hollowBox:
            let hollow = series.style == .hollowBox
            for point in visible {
                guard let box = point.box else { continue }
                let x = sx(point.x) + dodge, half = 6.0
                let tip = "\(escape(series.name)) at \(Self.label(point.x)): \(box.count) values, median \(Self.label(box.median)), "
                    + "quartiles \(Self.label(box.lowerQuartile))–\(Self.label(box.upperQuartile)), range \(Self.label(box.minimum))–\(Self.label(box.maximum))"
                let dash = hollow ? " stroke-dasharray=\"3 2\"" : ""
                svg += "<g class=\"mark\"><title>\(tip)</title>"
                svg += "<line x1=\"\(f(x))\" y1=\"\(f(sy(box.minimum)))\" x2=\"\(f(x))\" y2=\"\(f(sy(box.maximum)))\" stroke=\"\(colour)\" stroke-width=\"1.2\"\(dash)/>"
                // A box at least 2 px tall, so rooms that all agree still show as a mark.
                let top = sy(box.upperQuartile), height = max(sy(box.lowerQuartile) - top, 2)
                svg += "<rect x=\"\(f(x - half))\" y=\"\(f(top - (height == 2 ? 1 : 0)))\" width=\"\(f(2 * half))\" height=\"\(f(height))\" "
                svg += hollow ? "fill=\"white\" stroke=\"\(colour)\" stroke-width=\"1.4\"\(dash)/>" : "fill=\"\(colour)\" fill-opacity=\"0.35\" stroke=\"\(colour)\" stroke-width=\"1.4\"/>"
                svg += "<line x1=\"\(f(x - half))\" y1=\"\(f(sy(box.median)))\" x2=\"\(f(x + half))\" y2=\"\(f(sy(box.median)))\" stroke=\"\(colour)\" stroke-width=\"2.2\"/></g>\n"
            }
        case .ring:
            for point in visible {
                let x = sx(point.x), y = sy(point.y)
                svg += "<path class=\"mark\" d=\"M\(f(x)),\(f(y - 8))L\(f(x + 8)),\(f(y))L\(f(x)),\(f(y + 8))L\(f(x - 8)),\(f(y))Z\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\"><title>\(escape(series.name)): \(Self.label(point.x)), \(Self.label(point.y))</title></path>\n"
            }
        case .reference:
            guard let y = visible.first.map({ sy($0.y) }) else { break }
            svg += "<line class=\"mark\" x1=\"\(f(frame.left))\" y1=\"\(f(y))\" x2=\"\(f(frame.right))\" y2=\"\(f(y))\" stroke=\"\(colour)\" stroke-width=\"2\" stroke-dasharray=\"8 3 2 3\"><title>\(escape(series.name))</title></line>\n"
        }
        return svg
    }

    /// A swatch in the series' style and its name.
    func legend(_ series: Series, colour: String, x: Double, y: Double) -> String {
        var svg: String
        switch series.style {
        case .markers:
            svg = "<circle cx=\"\(f(x + 5))\" cy=\"\(f(y - 3))\" r=\"3.5\" fill=\"\(colour)\"/>"
        case .line, .dashed, .reference:
            let dash = series.style == .dashed ? " stroke-dasharray=\"5 4\"" : series.style == .reference ? " stroke-dasharray=\"8 3 2 3\"" : ""
            svg = "<line x1=\"\(f(x - 2))\" y1=\"\(f(y - 3))\" x2=\"\(f(x + 12))\" y2=\"\(f(y - 3))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>"
        case .box:
            svg = "<rect x=\"\(f(x))\" y=\"\(f(y - 8))\" width=\"10\" height=\"10\" fill=\"\(colour)\" fill-opacity=\"0.35\" stroke=\"\(colour)\"/>"
        case .hollowBox:
            svg = "<rect x=\"\(f(x))\" y=\"\(f(y - 8))\" width=\"10\" height=\"10\" fill=\"white\" stroke=\"\(colour)\" stroke-dasharray=\"3 2\"/>"
        case .ring:
            svg = "<path d=\"M\(f(x + 5)),\(f(y - 9))L\(f(x + 11)),\(f(y - 3))L\(f(x + 5)),\(f(y + 3))L\(f(x - 1)),\(f(y - 3))Z\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\"/>"
        }
        return svg + "<text x=\"\(f(x + 16))\" y=\"\(f(y + 1))\" font-size=\"10\">\(escape(series.name))</text>\n"
    }
}
