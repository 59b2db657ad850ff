import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// A scenario's report as data: the comparison, the scaling fits, the charts, the fault
/// isolation, the environment and the method — a pure function of the database (a report
/// is re-generated, never re-run). Rendered as Markdown (charts as SVG files beside it)
/// and as one self-contained HTML file.
public struct Report {
    public var scenario: String
    public var runs: [RunRecord]
    public var comparison: Comparison
    public var fits: [ScalingFit]
    /// Charts with data to draw; the others are named in `undrawn` with the reason.
    var charts: [ReportChart]
    var undrawn: [ReportChart]
    public var environments: [EnvironmentSummary]
    public var checkpoint: DecisionCheckpoint?
    /// Simulated runs of the scenario beside the real-time ones, when both exist.
    public var simulation: SimulationCheck?
    /// The batching kinds' figures, with another scenario's runs beside them when given.
    public var batching: BatchingSection?
    /// Where the recommendation changes across the checkpoint's declared assumptions.
    public var sensitivity: SensitivitySection?

    /// `beside`: another scenario's runs (same mode), one of the two with a batching kind,
    /// the other without: the batching section sets them side by side.
    public static func make(scenario: String, runs: [RunRecord], environments: [EnvironmentSummary],
                            settings: Comparison.Settings = .init(), simulated: [RunRecord] = [],
                            infeasible: [InfeasibleCell] = [], beside: [RunRecord]? = nil,
                            sensitivity: SensitivitySection? = nil) throws(EvaluationError) -> Report {
        let comparison = try Comparison.make(scenario: scenario, runs: runs, settings: settings)
        let fits = ScalingFit.make(runs: runs, metrics: [Metric(.processCores), Metric(.peakRSS)], level: settings.level)
        let charts = ReportCharts.make(runs: runs, comparison: comparison, fits: fits, simulated: simulated)
        return Report(scenario: scenario, runs: runs, comparison: comparison, fits: fits,
                      charts: charts.filter(\.chart.hasData), undrawn: charts.filter { !$0.chart.hasData }, environments: environments,
                      checkpoint: DecisionCheckpoint.make(runs: runs, comparison: comparison, settings: settings, infeasible: infeasible),
                      simulation: SimulationCheck.make(realtime: runs, simulated: simulated),
                      batching: try BatchingSection.make(runs: runs, beside: beside), sensitivity: sensitivity)
    }

    /// The charts as (file name, SVG text), for writing beside the Markdown.
    public var chartFiles: [(name: String, svg: String)] {
        charts.map { ("\($0.id).svg", $0.chart.render()) } + (sensitivity?.chartFiles ?? [])
    }

    // MARK: Markdown

    public func markdown(chartFolder: String) -> String {
        var out = "# \(scenario): scalebench report\n\n"
        out += summaryLine() + "\n\n"
        out += answerMarkdown()
        if let checkpoint { out += checkpoint.markdown() }
        if let sensitivity {
            out += sensitivity.markdown().replacingOccurrences(of: SensitivitySection.chartFolderToken, with: chartFolder)
        }
        out += poolsMarkdown()
        if let batching { out += batching.markdown() }
        out += processWorkersMarkdown()
        out += "## Options side by side\n\n"
        out += "Median over repetitions [\(comparison.intervalNote)]; "
        out += "n = runs that support the metric.\n\n"
        if let note = comparison.powerNote { out += "**Note**: \(note).\n\n" }
        for streams in comparison.cells.map(\.streams).uniqued() {
            let cells = comparison.cells.filter { $0.streams == streams }
            let options = cells.first?.options.map(\.option) ?? []
            out += "### \(streams) streams\n\n| metric | " + options.joined(separator: " | ") + " | Kruskal-Wallis p |\n"
            out += "|---|" + options.map { _ in "---:|" }.joined() + "---:|\n"
            for cell in cells {
                out += "| \(cell.metric.label)\(cell.metric.unit.isEmpty ? "" : " (\(cell.metric.unit))") | "
                out += cell.options.map { Self.summaryText($0) }.joined(separator: " | ")
                out += " | \(cell.kruskalP.map(Self.reportedP) ?? "–") |\n"
            }
            out += "\n"
            let verdicts = cells.flatMap { cell in cell.pairs.map { (cell, $0) } }
            let significant = verdicts.filter { ($0.1.adjustedP ?? 1) < comparison.settings.alpha }
            out += significant.isEmpty ? "No significant difference between options at \(streams) streams.\n\n"
                : significant.map { "- \($0.0.metric.label): \($0.1.verdict)" }.joined(separator: "\n") + "\n\n"
            let insufficient = verdicts.filter { $0.1.adjustedP == nil }
            if !insufficient.isEmpty {
                out += "Not compared for want of data: \(insufficient.count) option pairs (e.g. \(insufficient[0].0.metric.label), \(insufficient[0].1.baseline) vs \(insufficient[0].1.other): \(insufficient[0].1.verdict)).\n\n"
            }
        }
        out += "## Charts\n\n" + charts.map { "![\($0.chart.title)](\(chartFolder)/\($0.id).svg)\n\(Self.captionLine($0))" }.joined(separator: "\n\n") + "\n\n"
        if !undrawn.isEmpty {
            out += "Not drawn: " + undrawn.map { "\($0.chart.title) — \($0.chart.emptyMessage)" }.joined(separator: "; ") + ".\n\n"
        }
        out += fitsMarkdown()
        if let simulation { out += simulation.markdown() }
        out += faultsMarkdown()
        out += environmentMarkdown()
        out += methodology()
        return out
    }

    /// The line under a chart in the Markdown; the HTML puts it in the figure's caption instead.
    static func captionLine(_ chart: ReportChart) -> String { "*\(chart.chart.caption)*" }

    func summaryLine() -> String {
        let modes = runs.map(\.mode.rawValue).uniqued().joined(separator: ", ")
        let dates = runs.map(\.startedAt).sorted()
        return "\(runs.count) completed \(modes) runs, \(dates.first ?? "") – \(dates.last ?? ""); options \(runs.map(\.option).uniqued().sorted().joined(separator: ", ")); stream counts \(runs.map(\.streams).uniqued().sorted().map(String.init).joined(separator: ", "))."
    }

    static func summaryText(_ summary: Comparison.OptionSummary) -> String {
        guard case .value(let median) = summary.median else {
            if case .insufficient(let reason) = summary.median { return "insufficient data (\(reason))" }
            return "–"
        }
        var text = number(median)
        if let ci = summary.interval { text += " [\(number(ci.lower)), \(number(ci.upper))]" }
        return text + " (n = \(summary.values.count))"
    }

    static func reportedP(_ value: Reported<Double>) -> String {
        switch value {
        case .value(let p): return formatP(p)
        case .insufficient(let reason): return "insufficient data (\(reason))"
        }
    }

    public static func number(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : abs(value) >= 1 ? String(format: "%.2f", value) : String(format: "%.3f", value)
    }

    func fitsMarkdown() -> String {
        guard !fits.isEmpty else {
            let unfitted = runs.map(\.option).uniqued().sorted().compactMap { option in
                ScalingFit.unfittedForSaturation(option: option, runs: runs).map { " \(option) has no CPU fit: \($0)." }
            }
            return "## Scaling fits\n\nNot enough stream counts to fit (each option needs runs at two or more counts, three runs in all).\(unfitted.joined())\n\n"
        }
        var out = "## Scaling fits\n\nEach run one point; linear y = a + b·N and power law y = a·N^b (fitted in log-log). "
        out += "Extrapolations carry \(Int(comparison.settings.level * 100)) % prediction intervals: beyond the measured counts they are a model, not a measurement.\n\n"
        out += "| option | metric | model | a [CI] | b [CI] | R² | runs | " + ScalingFit.extrapolateTo.map { "at \($0) streams" }.joined(separator: " | ") + " |\n"
        out += "|---|---|---|---|---|---:|---:|" + ScalingFit.extrapolateTo.map { _ in "---|" }.joined() + "\n"
        for fit in fits {
            out += "| \(fit.option) | \(fit.metric.label) | \(fit.model.rawValue) | \(Self.number(fit.first.value)) [\(Self.number(fit.first.interval.lower)), \(Self.number(fit.first.interval.upper))] | "
            out += "\(Self.number(fit.second.value)) [\(Self.number(fit.second.interval.lower)), \(Self.number(fit.second.interval.upper))] | "
            out += String(format: "%.3f", fit.rSquared) + " | \(fit.points) | "
            // A CPU figure the box cannot reach says so: it is the model's, not the box's.
            let ceiling = fit.metric == Metric(.processCores)
                ? runs.filter { $0.option == fit.option }.compactMap(CPUCeiling.init).map(\.cores).min() : nil
            out += fit.extrapolations.map { extrapolation in
                var text = "\(Self.number(extrapolation.value)) [\(Self.number(extrapolation.interval.lower)), \(Self.number(extrapolation.interval.upper))]"
                if let ceiling, extrapolation.value > ceiling { text += " (above the \(format3(ceiling))-core ceiling)" }
                return text
            }.joined(separator: " | ") + " |\n"
        }
        out += "\n"
        // CPU at the ceiling measured the box, not the option: those runs are not fitted.
        let leftOut = fits.filter { $0.metric == Metric(.processCores) && $0.saturatedLeftOut > 0 }.map { "\($0.option) (\($0.saturatedLeftOut) runs)" }.uniqued()
        let unfitted = runs.map(\.option).uniqued().sorted().compactMap { option in
            ScalingFit.unfittedForSaturation(option: option, runs: runs).map { "\(option) has no CPU fit: \($0)" }
        }
        if !leftOut.isEmpty || !unfitted.isEmpty {
            out += "CPU fits leave out runs at ≥ \(Int(CPUCeiling.saturatedFraction * 100)) % of their CPU ceiling"
            out += leftOut.isEmpty ? "" : " — " + leftOut.joined(separator: ", ")
            out += unfitted.isEmpty ? ".\n\n" : ". " + unfitted.joined(separator: "; ") + ".\n\n"
        }
        return out
    }

    func faultsMarkdown() -> String {
        let rows = runs.flatMap { run in run.faults.map { (run, $0) } }
        guard !rows.isEmpty else { return "" }
        var out = "## Fault isolation\n\nThe other streams in the fault window against the window before it (frames by capture time).\n\n"
        out += "| option | streams | repetition | fault | others | Δ p99 ms | Δ drop fraction | Δ fps |\n|---|---:|---:|---|---|---:|---:|---:|\n"
        for (run, fault) in rows {
            out += "| \(run.option) | \(run.streams) | \(run.repetition) | \(fault.fault) | \(fault.otherStreams) | "
            out += "\(fault.latencyP99DeltaMs.map { String(format: "%+.1f", $0) } ?? "–") | \(String(format: "%+.3f", fault.dropFractionDelta)) | "
            out += "\(fault.processedFPSChange.map { String(format: "%+.1f %%", $0 * 100) } ?? "–") |\n"
        }
        return out + "\n"
    }

    func environmentMarkdown() -> String {
        var out = "## Environment\n\n"
        out += environments.count == 1 ? "Every run ran in one environment:\n\n" : "**The runs come from \(environments.count) environments** (pooled on request):\n\n"
        for environment in environments { out += "- \(environment.text)\n" }
        return out + "\n"
    }

    /// Which box the figures describe, and on which CPUs they were measured.
    func boxLine() -> String {
        let boxes = runs.compactMap(\.host).map(\.description).uniqued()
        guard !boxes.isEmpty else {
            return "- **The box**: none declared: real-time CPU figures describe the machine that ran them; simulated CPU work never waits for a core."
        }
        let realtime = runs.filter { $0.mode == .realtime }.compactMap(\.host)
        var line = "- **The box**: " + boxes.joined(separator: "; ") + "."
        if !realtime.isEmpty {
            let unpinned = realtime.filter { !$0.pinned }
            line += unpinned.isEmpty
                ? " Real-time runs were pinned to its \(realtime[0].threads) threads (sched_setaffinity)."
                : " \(unpinned.count) of \(realtime.count) real-time runs could not be pinned to its \(unpinned[0].threads) threads and ran on the machine's \(unpinned[0].cpus) CPUs: their CPU, latency and drop figures describe this machine, not the box."
        }
        if runs.contains(where: { $0.mode == .simulated && $0.host != nil }) {
            line += " Simulated runs share the box's cores by processor sharing (docs/queueing.md §6), which leaves out cache and memory-bandwidth interference, turbo and the scheduler's time slices (its measured error: Reports/benchmarks.md)."
        }
        return line
    }

    func methodology() -> String {
        let s = comparison.settings
        let warmups = runs.map(\.warmupSeconds).uniqued().sorted().map { format3($0) + " s" }.joined(separator: ", ")
        let windows = runs.map(\.measuredSeconds).uniqued().sorted().map { String(format: "%.1f s", $0) }.joined(separator: ", ")
        let repetitions = Dictionary(grouping: runs) { "\($0.streams)/\($0.option)" }.values.map(\.count)
        return """
        ## Methodology

        \(boxLine())

        - **Unit of comparison**: the repetition — one summary value per run for run-level metrics (latency percentiles of the run's pooled histogram, mean drop fraction and served fps over streams, process CPU, peak RSS). The latency CDFs pool the runs' full histograms.
        - **Runs**: \(runs.count); repetitions per stream count × option: \(repetitions.min() ?? 0)–\(repetitions.max() ?? 0); warm-up \(warmups) excluded by time; measured windows \(windows). Sweeps run repetition-major, so machine drift spreads over all options.
        - **Validity**: a latency percentile is used from a run only when the run processed enough frames to support it (at least \(Validity.minimumSamples(percentile: 99)) for p99, \(Validity.minimumSamples(percentile: 50)) for p50); otherwise the table says "insufficient data".
        - **Estimates**: medians with distribution-free intervals from order statistics, [X(r), X(n+1−r)], covering the median with the exact probability 1 − 2·P(Bin(n, ½) < r) (GSL's binomial CDF): the narrowest reaching \(Int(s.level * 100)) %, or min–max when n runs cannot (3 runs: 75 %; 5: 93.7 %); from 3 runs per option up. The ratio of two medians is bounded by their intervals, at least the product of their coverages.
        - **Tests**: two-sided Mann-Whitney U between each pair of options (exact for small samples without ties, normal approximation with tie and continuity correction otherwise); Kruskal-Wallis across three or more options; the ratio of medians with the interval above; alpha \(format3(s.alpha)), Holm–Bonferroni over every pairwise comparison in this report. With fewer than 2 runs per option no p-value is computed.
        - **Fits**: least squares (GSL) of each run's value against its stream count, linear and log-log, with t-based intervals. CPU is fitted only through runs below \(Int(CPUCeiling.saturatedFraction * 100)) % of the CPU they had (the box's cores simulated; the CPUs a real-time run had): a saturated run measures the box.

        """
    }

    // MARK: HTML

    /// One file, no scripts, no network: styles inline, charts as inline SVG. Nothing
    /// scrolls the page sideways at 1280 px: charts scale to the column (their viewBox),
    /// a table wider than it scrolls in its own box.
    public func html() -> String {
        let markdownBody = markdown(chartFolder: "")
        var body = ""
        var inTable = false
        var pendingCaption: String?
        for line in markdownBody.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let caption = pendingCaption {
                pendingCaption = nil
                if line == caption { continue }
            }
            if line.hasPrefix("|") {
                let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy({ $0.allSatisfy { "-:".contains($0) } }) { continue }
                if !inTable { body += "<div class=\"wide\"><table>\n"; inTable = true; body += "<tr>" + cells.map { "<th>\(inline($0))</th>" }.joined() + "</tr>\n"; continue }
                body += "<tr>" + cells.map { "<td>\(inline($0))</td>" }.joined() + "</tr>\n"
                continue
            }
            if inTable { body += "</table></div>\n"; inTable = false }
            if line.hasPrefix("![") {
                let id = line.split(separator: "(").last.map { String($0.dropLast().dropFirst().dropLast(4)) } ?? ""
                if let chart = charts.first(where: { $0.id == id }) {
                    body += "<figure id=\"\(chart.id)\">\(chart.chart.render())<figcaption>\(escape(chart.chart.caption))</figcaption></figure>\n"
                    pendingCaption = Self.captionLine(chart)
                }
                else if let svg = sensitivity?.chart(id: id) { body += "<figure id=\"\(id)\">\(svg)</figure>\n" }
            } else if line.hasPrefix("### ") {
                body += "<h3>\(inline(String(line.dropFirst(4))))</h3>\n"
            } else if line.hasPrefix("## ") {
                body += "<h2>\(inline(String(line.dropFirst(3))))</h2>\n"
            } else if line.hasPrefix("# ") {
                body += "<h1>\(inline(String(line.dropFirst(2))))</h1>\n"
            } else if line.hasPrefix("- ") {
                body += "<ul><li>\(inline(String(line.dropFirst(2))))</li></ul>\n"
            } else if !line.isEmpty {
                body += "<p>\(inline(line))</p>\n"
            }
        }
        if inTable { body += "</table></div>\n" }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(scenario)): scalebench report</title>
        <style>
        body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        figure { margin: 1.5em 0; }
        figure svg { display: block; width: 100%; max-width: 900px; height: auto; }
        figcaption { font-size: 13px; color: #444; max-width: 900px; margin-top: 0.3em; }
        .wide { overflow-x: auto; max-width: 100%; }
        p, li { overflow-wrap: anywhere; }
        ul { margin: 0.2em 0; }
        </style></head>
        <body>
        \(body)</body></html>

        """
    }

    /// Markdown emphasis to HTML, the rest escaped.
    private func inline(_ text: String) -> String {
        var out = escape(text)
        while let open = out.range(of: "**"), let close = out.range(of: "**", range: open.upperBound..<out.endIndex) {
            out.replaceSubrange(close, with: "</strong>")
            out.replaceSubrange(open, with: "<strong>")
        }
        return out
    }
}

/// An environment as the report shows it.
public struct EnvironmentSummary: Sendable {
    public var fingerprint: String
    public var text: String
    public init(fingerprint: String, text: String) {
        self.fingerprint = fingerprint
        self.text = text
    }
}
