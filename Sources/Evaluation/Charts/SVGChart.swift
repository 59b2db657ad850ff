import Foundation
import ScaleBenchCore

/// An x–y chart drawn as standalone SVG text: series of points (with optional error
/// bars), lines (CDFs, fitted curves), axes with ticks, a legend. No scripts, no fonts
/// to fetch, so a report opens anywhere without a network.
public struct SVGChart: Sendable {
    public struct Point: Sendable {
        public var x: Double
        public var y: Double
        /// An error bar (e.g. a confidence interval) around y.
        public var low: Double?
        public var high: Double?
        /// A distribution at x (a box style's series): y is its median, low and high its
        /// extremes.
        public var box: Box?
        public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }

        /// A box-and-whisker point: the median, quartiles and extremes of `values` (non-empty).
        public init(x: Double, distribution values: [Double]) {
            let box = Box(values)
            self.init(x: x, y: box.median, low: box.minimum, high: box.maximum)
            self.box = box
        }
    }

    /// Five numbers of a sample: what a box-and-whisker mark draws.
    public struct Box: Sendable {
        public var minimum, lowerQuartile, median, upperQuartile, maximum: Double
        public var count: Int
        public init(_ values: [Double]) {
            let sorted = values.sorted()
            func quantile(_ p: Double) -> Double {
                let position = p * Double(sorted.count - 1)
                let low = Int(position.rounded(.down)), high = Int(position.rounded(.up))
                return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
            }
            minimum = sorted[0]
            lowerQuartile = quantile(0.25)
            median = quantile(0.5)
            upperQuartile = quantile(0.75)
            maximum = sorted[sorted.count - 1]
            count = sorted.count
        }
    }

    public struct Series: Sendable {
        public enum Style: Sendable, Equatable {
            case markers, line, dashed
            /// Box and whiskers per point (`Point.box`), filled; `hollowBox` outlined and dashed
            /// (the other mode's figures beside them). Boxes at one x are set side by side.
            case box, hollowBox
            /// Open diamonds around points another series draws (e.g. the saturated ones).
            case ring
            /// A horizontal line across the plot at the first point's y (e.g. a ceiling).
            case reference
        }
        public var name: String
        public var points: [Point]
        public var style: Style
        /// Series with the same group share a colour (an option in both modes); by default
        /// the name.
        public var group: String?
        public init(name: String, points: [Point], style: Style = .markers, group: String? = nil) {
            self.name = name
            self.points = points
            self.style = style
            self.group = group
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var logX = false
    /// What the chart says when it has nothing to draw.
    public var emptyMessage = "no data"
    /// What the chart shows, in a sentence or two: under it in the report, its `<desc>`.
    public var caption = ""
    public var width = 720.0
    public var height = 360.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series], logX: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.logX = logX
    }

    /// Colour-blind-safe palette (Okabe–Ito).
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

    /// Whether any series of data has a finite point: a chart without data says so instead
    /// (a ceiling line or saturation rings alone are not data).
    public var hasData: Bool { series.contains { !$0.style.isAnnotation && $0.points.contains { $0.x.isFinite && $0.y.isFinite } } }

    public func render() -> String {
        // A title longer than the chart is wide goes on more lines (an SVG clips what overflows it).
        let titleLines = Self.wrap(title, width: Int((width - 20) / 7.2))
        let left = 70.0, right = 200.0, top = 36.0 + 16 * Double(titleLines.count - 1), bottom = 48.0
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="11">
        <title>\(escape(title))</title>\(caption.isEmpty ? "" : "<desc>\(escape(caption))</desc>")
        <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
        \(titleLines.enumerated().map { "<text x=\"\(f(width / 2))\" y=\"\(f(18 + 16 * Double($0.offset)))\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">\(escape($0.element))</text>" }.joined(separator: "\n"))

        """
        let shown = { (point: Point) in point.x.isFinite && point.y.isFinite && (!logX || point.x > 0) }
        let points = series.filter { !$0.style.isAnnotation }.flatMap(\.points).filter(shown)
        guard !points.isEmpty else {
            svg += "<text x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\">\(escape(emptyMessage))</text>\n</svg>\n"
            return svg
        }
        let tx: (Double) -> Double = logX ? { log10($0) } : { $0 }
        var xMin = points.map { tx($0.x) }.min()!, xMax = points.map { tx($0.x) }.max()!
        // The y range takes in error bars, whiskers and reference lines (a ceiling is drawn
        // even above every point).
        let references = series.filter { $0.style == .reference }.flatMap(\.points).map(\.y)
        let ys = (points.flatMap { [$0.y, $0.low ?? $0.y, $0.high ?? $0.y] } + references).filter(\.isFinite)
        var yMin = min(0, ys.min()!), yMax = ys.max()!
        if xMax == xMin { xMin -= 1; xMax += 1 }
        if yMax == yMin { yMax = yMin + 1 }
        yMax += (yMax - yMin) * 0.05
        // Boxes are set side by side around their x: room for them at the ends.
        let boxes = series.indices.filter { [.box, .hollowBox].contains(series[$0].style) }
        if !boxes.isEmpty {
            // The outermost box sits boxes × 8 px off its x; its half-width and a margin beyond.
            let room = Double(boxes.count) * 8 + 10, plotWidth = width - left - right
            let pad = (xMax - xMin) * max(0.05, room / (plotWidth - 2 * room))
            xMin -= pad
            xMax += pad
        }
        let sx = { (x: Double) in left + (tx(x) - xMin) / (xMax - xMin) * plotW }
        let sy = { (y: Double) in top + plotH - (y - yMin) / (yMax - yMin) * plotH }

        // Axes and ticks.
        svg += "<g stroke=\"#444\" fill=\"none\"><line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\"/>"
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\"/></g>\n"
        for tick in Self.ticks(yMin, yMax) {
            let y = sy(tick)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        let xTicks = logX ? Self.logTicks(xMin, xMax) : Self.ticks(xMin, xMax)
        for tick in xTicks {
            let x = left + ((logX ? log10(tick) : tick) - xMin) / (xMax - xMin) * plotW
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH + 4))\" stroke=\"#444\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg += "<text transform=\"translate(16 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"

        // An option keeps its colour across series (its modes, its fit); annotations draw in grey and black.
        let groups = series.filter { !$0.style.isAnnotation }.map { $0.group ?? $0.name }.uniqued()
        let frame = Frame(left: left, right: left + plotW, sx: sx, sy: sy)
        for (index, series) in series.enumerated() {
            let colour = series.style.isAnnotation ? (series.style == .reference ? "#555" : "#000")
                : Self.palette[(groups.firstIndex(of: series.group ?? series.name) ?? 0) % Self.palette.count]
            let slot = boxes.firstIndex(of: index).map { Double($0) - Double(boxes.count - 1) / 2 } ?? 0
            svg += marks(series, colour: colour, frame: frame, dodge: slot * 16, visible: series.points.filter(shown))
            svg += legend(series, colour: colour, x: left + plotW + 12, y: top + 8 + Double(index) * 16)
        }
        return svg + "</svg>\n"
    }

    /// Words on lines of at most `width` characters (a longer word on a line of its own).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        return lines + [line]
    }

    /// About five round ticks across [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var tick = ceil(low / step) * step
        while tick <= high + step * 1e-9 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }

    /// 1, 2, 5 × powers of ten within [10^low, 10^high].
    static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        var ticks: [Double] = []
        for exponent in Int(floor(low))...Int(ceil(high)) {
            for mantissa in [1.0, 2, 5] {
                let value = mantissa * pow(10, Double(exponent))
                if log10(value) >= low - 1e-9 && log10(value) <= high + 1e-9 { ticks.append(value) }
            }
        }
        return ticks
    }

    static func label(_ value: Double) -> String {
        if value != 0 && (abs(value) >= 1e5 || abs(value) < 1e-3) { return String(format: "%.2g", value) }
        return format3(value)
    }

    func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// Text for XML and HTML: &, <, >, quotes escaped.
public func escape(_ text: String) -> String {
    var out = ""
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

