import ArgumentParser
import Evaluation
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the options of a scenario's stored runs: medians with CIs, adjusted p-values, effect sizes, verdicts.",
        discussion: """
        Per stream count and metric, each option's median over its repetitions with a
        distribution-free interval from order statistics (its exact coverage stated:
        75 % from 3 runs), and every pair of options: Mann-Whitney U over the runs,
        Holm-adjusted across the whole comparison, the ratio of medians with its interval,
        Cliff's delta, and a verdict in words. Fewer than 2 runs per option give
        "insufficient data", never a p-value.

        Example: scalebench compare decision-checkpoint --metric latency-p99:vlm
        """)

    @Argument(help: "Scenario name (default: the only one in the database).")
    var scenario: String?

    @Option(help: "Results database.")
    var db: String = StoreOptions.defaultPath

    @Option(name: .customLong("metric"), help: "Only this metric; repeat for several (\(Metric.grammar)).", transform: Parsed.metric)
    var metrics: [Metric] = []

    @OptionGroup var options: ComparisonOptions

    @Flag(help: "Print Markdown instead of text.")
    var markdown = false

    func run() throws {
        let settings = try options.settings()
        let chosen = metrics
        let source = try AnalysisSource(path: db)
        let (name, runs) = try source.runs(scenario: scenario, mode: options.mode, flag: "scenario")
        let comparison: Comparison
        do {
            comparison = try Comparison.make(scenario: name, runs: runs, metrics: chosen.isEmpty ? nil : chosen, settings: settings)
        } catch {
            throw UsageError(error.description)
        }
        guard !comparison.cells.isEmpty else {
            throw UsageError("metric \(chosen.map(\.description).joined(separator: ", ")): no run of '\(name)' has it")
        }
        print(markdown ? comparison.markdown() : comparison.text(), terminator: "")
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write Reports/<scenario>.md (charts as SVG beside it) and a self-contained Reports/<scenario>.html from stored runs.",
        discussion: """
        A scenario with a batching worker gets a section on its batches (docs/queueing.md
        §8). --beside SCENARIO sets another scenario's runs in the same database and mode
        beside the report's, one with a batching worker and the other without: that section
        then puts the kind's frames a minute per stream both ways side by side.

        Examples: scalebench report decision-checkpoint --out Reports
                  scalebench report decision-checkpoint --mode simulated --beside decision-checkpoint-batching
        """)

    @Argument(help: "Scenario name (default: the only one in the database).")
    var scenario: String?

    @Option(help: "Another scenario's runs beside the report's: one of the two batches a worker, the other does not.")
    var beside: String?

    @Option(help: "Results database.")
    var db: String = StoreOptions.defaultPath

    @Option(help: "Folder the report is written to.")
    var out: String = "Reports"

    @OptionGroup var options: ComparisonOptions

    func run() throws {
        let settings = try options.settings()
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), isFolder.boolValue else {
            throw UsageError("--out \(out): no such folder")
        }
        let source = try AnalysisSource(path: db)
        let (name, runs) = try source.runs(scenario: scenario, mode: options.mode, flag: "scenario")
        if beside == name { throw UsageError("--beside \(name): the report's own scenario; name another one to set beside it") }
        let besideRuns = try beside.map { try source.runs(scenario: $0, mode: options.mode, flag: "--beside").runs }
        let (report, files) = try ReportFiles.write(name: name, runs: runs, beside: besideRuns, mode: options.mode, source: source,
                                                    settings: settings, out: out)
        print("wrote \(files.markdown), \(files.html) and \(report.chartFiles.count) charts in \(files.folder) (\(runs.count) runs)")
    }
}

/// A report rendered whole, then written file by file, each landing whole.
enum ReportFiles {
    static func write(name: String, runs: [RunRecord], beside besideRuns: [RunRecord]?, mode: RunMode, source: AnalysisSource,
                      settings: Comparison.Settings, out: String) throws -> (Report, (markdown: String, html: String, folder: String)) {
        let environments = try source.database.environmentDescriptions((runs + (besideRuns ?? [])).map(\.environment).uniqued())
            .map { EnvironmentSummary(fingerprint: $0.fingerprint, text: $0.text) }
        let report: Report
        // Real-time reports set the scenario's simulated runs beside their own.
        let simulated = mode == .realtime ? try source.database.records(scenario: name, mode: .simulated) : []
        let infeasible = try source.database.infeasibleCells(scenario: name, mode: mode)
        // The sensitivity analysis runs in simulated time; either report shows it.
        let sensitivity = try SensitivitySection.load(scenario: name, base: runs.last { $0.scenario != nil }?.scenario,
                                                      database: source.database, settings: settings)
        do {
            report = try Report.make(scenario: name, runs: runs, environments: environments, settings: settings, simulated: simulated,
                                     infeasible: infeasible, beside: besideRuns, sensitivity: sensitivity)
        } catch {
            throw UsageError(error.description)
        }
        // Everything is rendered before the first file is written; each file lands whole.
        let folder = URL(fileURLWithPath: out).appendingPathComponent(name)
        let markdown = report.markdown(chartFolder: name)
        let html = report.html()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for chart in report.chartFiles { try writeAtomically(Data(chart.svg.utf8), to: folder.appendingPathComponent(chart.name).path) }
        let markdownPath = URL(fileURLWithPath: out).appendingPathComponent("\(name).md").path
        let htmlPath = URL(fileURLWithPath: out).appendingPathComponent("\(name).html").path
        try writeAtomically(Data(markdown.utf8), to: markdownPath)
        try writeAtomically(Data(html.utf8), to: htmlPath)
        return (report, (markdownPath, htmlPath, folder.path))
    }
}

struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Fail on a regression: a change both significant (Holm-adjusted Mann-Whitney) and beyond its threshold.",
        discussion: """
        Compares candidate runs with baseline runs at every stream count × option they
        share, metric by metric. A SELECTOR is a database path, optionally with
        #SCENARIO (e.g. baseline.sqlite#decision-checkpoint). Thresholds: latency and
        served fps, CPU and RSS 10 % (relative), drop fraction 0.05 (absolute); override
        with --threshold QUANTITY=VALUE or METRIC=VALUE (e.g. latency-p99=15%,
        drop-fraction:vlm=0.1).

        Exit status: 0 pass, 1 regression, 2 bad input.
        """)

    @Option(help: "Baseline runs: DB[#SCENARIO].")
    var baseline: String

    @Option(help: "Candidate runs: DB[#SCENARIO].")
    var candidate: String

    @Option(name: .customLong("metric"), help: "Only this metric; repeat for several (\(Metric.grammar)).", transform: Parsed.metric)
    var metrics: [Metric] = []

    @Option(name: .customLong("threshold"), help: "QUANTITY=VALUE or METRIC=VALUE, e.g. latency-p99=15% or drop-fraction:vlm=0.1; repeat for several.",
            transform: Parsed.threshold)
    var thresholds: [Threshold] = []

    @Option(help: "Significance level after Holm's correction (default: the scenario's gate.alpha, or 0.05).")
    var alpha: Double?

    @Option(help: "realtime or simulated runs.")
    var mode: RunMode = .realtime

    @Option(help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(help: "Write a Markdown summary here (e.g. $GITHUB_STEP_SUMMARY).")
    var summary: String?

    func run() throws {
        if let alpha, !(alpha > 0 && alpha < 1) { throw UsageError("--alpha \(alpha): expected a number in (0, 1), e.g. 0.05") }
        let base = try Self.select(baseline, flag: "--baseline", mode: mode)
        let next = try Self.select(candidate, flag: "--candidate", mode: mode)
        let given = thresholds.map { (key: $0.key, value: $0.value) }
        let (settings, unknown) = Gate.Settings.resolved(baseline: base, alpha: alpha, metrics: metrics, thresholds: given)
        if let unknown {
            let text = thresholds.first { $0.key == unknown }?.text ?? unknown
            throw UsageError("--threshold \(text): unknown metric '\(unknown)'; expected \(Metric.grammar)")
        }
        for path in [junit, summary].compactMap({ $0 }) {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder) else { throw UsageError("\(path): the folder \(folder) does not exist") }
        }
        let gate: Gate
        do {
            gate = try Gate.make(baseline: base, candidate: next, settings: settings)
        } catch {
            throw UsageError(error.description)
        }
        print(gate.text(), terminator: "")
        if let junit { try writeAtomically(Data(gate.junit().utf8), to: junit) }
        if let summary { try writeAtomically(Data(gate.markdown().utf8), to: summary) }
        if !gate.passed { throw ExitCode(1) }
    }

    /// `DB` or `DB#SCENARIO`.
    static func select(_ selector: String, flag: String, mode: RunMode) throws -> [RunRecord] {
        let parts = selector.split(separator: "#", maxSplits: 1).map(String.init)
        let source = try AnalysisSource(path: parts[0], flag: flag)
        return try source.runs(scenario: parts.count == 2 ? parts[1] : nil, mode: mode, flag: flag).runs
    }

    /// `15%` → 0.15, `0.1` → 0.1.
    static func number(_ text: String) -> Double? {
        if text.hasSuffix("%") { return Double(text.dropLast()).map { $0 / 100 } }
        return Double(text)
    }
}
