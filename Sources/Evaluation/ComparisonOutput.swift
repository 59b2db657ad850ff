import ScaleBenchCore

extension Comparison {
    /// Aligned text: per stream count, the options as columns, then every verdict.
    public func text() -> String {
        var out = "scalebench compare \(scenario) · \(runs) runs · unit: one value per run · \(intervalNote) · Mann-Whitney U, Holm over \(cells.reduce(0) { $0 + $1.pairs.count }) comparisons, alpha \(format3(settings.alpha))\n"
        if environments.count > 1 { out += "note: runs from \(environments.count) environments pooled (--allow-mixed-environments)\n" }
        if let note = powerNote { out += "note: \(note)\n" }
        for streams in cells.map(\.streams).uniqued() {
            let here = cells.filter { $0.streams == streams }
            let options = here.first?.options.map(\.option) ?? []
            var rows = [["\(streams) streams"] + options]
            for cell in here {
                rows.append(["\(cell.metric.label)\(cell.metric.unit.isEmpty ? "" : " \(cell.metric.unit)")"] + cell.options.map { Report.summaryText($0) })
            }
            out += "\n" + RunRenderer.align(rows, leftColumns: 1) + "\n"
            for cell in here {
                for pair in cell.pairs {
                    out += "  \(cell.metric.label), \(pair.other) vs \(pair.baseline): \(pair.verdict)\n"
                }
                if let kruskal = cell.kruskalP { out += "  \(cell.metric.label), all options (Kruskal-Wallis, unadjusted): p = \(Report.reportedP(kruskal))\n" }
            }
        }
        return out
    }

    public func markdown() -> String {
        var out = "## \(scenario): options compared\n\n"
        for streams in cells.map(\.streams).uniqued() {
            let here = cells.filter { $0.streams == streams }
            let options = here.first?.options.map(\.option) ?? []
            out += "### \(streams) streams\n\n| metric | " + options.joined(separator: " | ") + " |\n|---|" + options.map { _ in "---:|" }.joined() + "\n"
            for cell in here { out += "| \(cell.metric.label) | " + cell.options.map { Report.summaryText($0) }.joined(separator: " | ") + " |\n" }
            out += "\n" + here.flatMap { cell in cell.pairs.map { "- \(cell.metric.label), \($0.other) vs \($0.baseline): \($0.verdict)" } }.joined(separator: "\n") + "\n\n"
        }
        return out
    }
}
