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
        public init(x: Double, y: Double, low: Double? = nil, high: Double? = nil) {
            self.x = x
            self.y = y
            self.low = low
            self.high = high
        }
    }

    public struct Series: Sendable {
        public enum Style: Sendable { case markers, line, dashed }
        public var name: String
        public var points: [Point]
        public var style: Style
        public init(name: String, points: [Point], style: Style = .markers) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var logX = false
    /// What the chart says when it has nothing to draw.
    public var emptyMessage = "no data"
    public var width = 640.0
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

    /// Whether any series has a finite point: a chart without data says so instead.
    public var hasData: Bool { series.contains { $0.points.contains { $0.x.isFinite && $0.y.isFinite } } }

    public func render() -> String {
        let left = 70.0, right = 150.0, top = 36.0, bottom = 48.0
        let plotW = width - left - right, plotH = height - top - bottom
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="11">
        <title>\(escape(title))</title>
        <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
        <text x="\(f(width / 2))" y="18" text-anchor="middle" font-size="13" font-weight="bold">\(escape(title))</text>

        """
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) }
        guard !points.isEmpty else {
            svg += "<text x=\"\(f(width / 2))\" y=\"\(f(height / 2))\" text-anchor=\"middle\">\(escape(emptyMessage))</text>\n</svg>\n"
            return svg
        }
        let tx: (Double) -> Double = logX ? { log10($0) } : { $0 }
        var xMin = points.map { tx($0.x) }.min()!, xMax = points.map { tx($0.x) }.max()!
        let ys = points.flatMap { [$0.y, $0.low ?? $0.y, $0.high ?? $0.y] }.filter(\.isFinite)
        var yMin = min(0, ys.min()!), yMax = ys.max()!
        if xMax == xMin { xMin -= 1; xMax += 1 }
        if yMax == yMin { yMax = yMin + 1 }
        yMax += (yMax - yMin) * 0.05
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

        for (index, series) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            let visible = series.points.filter { $0.x.isFinite && $0.y.isFinite && (!logX || $0.x > 0) }
            switch series.style {
            case .line, .dashed:
                let path = visible.map { "\(f(sx($0.x))),\(f(sy($0.y)))" }.joined(separator: " ")
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.8\"\(series.style == .dashed ? " stroke-dasharray=\"5 4\"" : "") points=\"\(path)\"><title>\(escape(series.name))</title></polyline>\n"
            case .markers:
                for point in visible {
                    if let low = point.low, let high = point.high, low.isFinite, high.isFinite {
                        svg += "<line x1=\"\(f(sx(point.x)))\" y1=\"\(f(sy(low)))\" x2=\"\(f(sx(point.x)))\" y2=\"\(f(sy(high)))\" stroke=\"\(colour)\" stroke-width=\"1.2\"/>"
                    }
                    svg += "<circle cx=\"\(f(sx(point.x)))\" cy=\"\(f(sy(point.y)))\" r=\"3.5\" fill=\"\(colour)\"><title>\(escape(series.name)): \(Self.label(point.x)), \(Self.label(point.y))</title></circle>\n"
                }
            }
            let ly = top + 8 + Double(index) * 16
            svg += "<rect x=\"\(f(left + plotW + 12))\" y=\"\(f(ly - 8))\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            svg += "<text x=\"\(f(left + plotW + 28))\" y=\"\(f(ly + 1))\">\(escape(series.name))</text>\n"
        }
        return svg + "</svg>\n"
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

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }
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

