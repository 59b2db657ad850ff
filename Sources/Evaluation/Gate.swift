import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// A CI regression gate the benchstat way: a metric regresses only when the change is
/// statistically significant (Mann-Whitney U over the runs, Holm-adjusted over every
/// comparison of the gate) **and** worse than its threshold. A noisy machine moves the
/// medians a little and the p-values not at all, so it does not flake; a real slowdown
/// does both.
public struct Gate: Sendable {
    public struct Settings: Sendable {
        public var alpha = 0.05
        public var level = 0.95
        public var resamples = 10_000
        public var seed: UInt64 = 1
        /// Per quantity, the worst change allowed: relative (0.10 = 10 %) except drop
        /// fractions, which are absolute (0.05 = 5 points), since they sit near 0.
        public var thresholds: [Metric.Quantity: Double] = Gate.defaultThresholds
        /// Per metric, overriding its quantity's threshold.
        public var metricThresholds: [Metric: Double] = [:]
        public var metrics: [Metric]?
        public init() {}

        public func threshold(_ metric: Metric) -> Double {
            metricThresholds[metric] ?? thresholds[metric.quantity] ?? 0.10
        }
    }

    public static let defaultThresholds: [Metric.Quantity: Double] = [
        .latencyP99: 0.10, .latencyP50: 0.10, .dropFraction: 0.05, .servedFPS: 0.10, .processCores: 0.10, .peakRSS: 0.10,
        .modelMemory: 0,
    ]

    public enum Outcome: String, Sendable {
        case pass, regression, insufficient
    }

    public struct Check: Sendable {
        public var streams: Int
        public var option: String
        public var metric: Metric
        public var baseline: [Double]
        public var candidate: [Double]
        public var baselineMedian: Double?
        public var candidateMedian: Double?
        /// Relative change of the median (absolute for drop fractions), positive = larger.
        public var change: Double?
        public var changeInterval: ConfidenceInterval?
        public var threshold: Double
        public var pValue: Reported<Double>
        public var adjustedP: Double?
        public var outcome: Outcome = .insufficient
        public var note: String = ""

        public var name: String { "\(metric) at \(streams) streams, option \(option)" }
    }

    public var settings: Settings
    public var checks: [Check]

    public var regressions: [Check] { checks.filter { $0.outcome == .regression } }
    public var passed: Bool { regressions.isEmpty }

    /// Compares candidate runs with baseline runs, cell by cell (stream count × option)
    /// where both have runs.
    public static func make(baseline: [RunRecord], candidate: [RunRecord], settings: Settings = Settings()) throws(EvaluationError) -> Gate {
        guard !baseline.isEmpty else { throw EvaluationError("the baseline has no completed runs") }
        guard !candidate.isEmpty else { throw EvaluationError("the candidate has no completed runs") }
        let cells = baseline.map { Key(streams: $0.streams, option: $0.option) }.uniqued()
            .filter { key in candidate.contains { Key(streams: $0.streams, option: $0.option) == key } }
        guard !cells.isEmpty else {
            throw EvaluationError("the baseline and the candidate have no stream count × option in common")
        }
        let metrics = settings.metrics ?? Metric.all(in: baseline).filter { metric in
            metric.quantity != .modelMemory && candidate.contains { metric.value(in: $0) != nil }
        }
        var checks: [Check] = []
        var seed = settings.seed
        for key in cells {
            let b = baseline.filter { Key(streams: $0.streams, option: $0.option) == key }
            let c = candidate.filter { Key(streams: $0.streams, option: $0.option) == key }
            for metric in metrics {
                seed &+= 1
                checks.append(check(metric, key: key, baseline: Comparison.values(metric, b), candidate: Comparison.values(metric, c),
                                    settings: settings, seed: seed))
            }
        }
        var indices: [Int] = [], pValues: [Double] = []
        for (index, check) in checks.enumerated() {
            if case .value(let p) = check.pValue { indices.append(index); pValues.append(p) }
        }
        for (index, adjusted) in zip(indices, Holm.adjust(pValues)) { checks[index].adjustedP = adjusted }
        for index in checks.indices { decide(&checks[index], alpha: settings.alpha) }
        return Gate(settings: settings, checks: checks)
    }

    private struct Key: Hashable {
        var streams: Int
        var option: String
    }

    private static func check(_ metric: Metric, key: Key, baseline: [Double], candidate: [Double], settings: Settings,
                              seed: UInt64) -> Check {
        var check = Check(streams: key.streams, option: key.option, metric: metric, baseline: baseline, candidate: candidate,
                          threshold: settings.threshold(metric), pValue: .insufficient("n = \(min(baseline.count, candidate.count))"))
        guard !baseline.isEmpty, !candidate.isEmpty else {
            if let percentile = metric.percentile {
                check.pValue = .insufficient("p\(format3(percentile)) needs ≥ \(Validity.minimumSamples(percentile: percentile)) frames in a run")
            }
            return check
        }
        let b = Descriptive.median(baseline), c = Descriptive.median(candidate)
        check.baselineMedian = b
        check.candidateMedian = c
        let absolute = metric.quantity == .dropFraction
        if absolute {
            check.change = c - b
        } else if b != 0 {
            check.change = c / b - 1
        }
        guard baseline.count >= 2, candidate.count >= 2 else { return check }
        check.pValue = MannWhitney.test(baseline, candidate).map(\.pValue)
        // Distribution-free, from the Mann-Whitney distribution, with the coverage the runs
        // give (a percentile bootstrap of a few runs states a level it does not reach).
        let interval = absolute ? ShiftInterval.difference(baseline: baseline, candidate: candidate, level: settings.level)
            : ShiftInterval.ratio(baseline: baseline, candidate: candidate, level: settings.level).map {
                ShiftInterval.Interval(lower: $0.lower - 1, upper: $0.upper - 1, coverage: $0.coverage)
            }
        check.changeInterval = interval.map { ConfidenceInterval(lower: $0.lower, upper: $0.upper, level: $0.coverage) }
        return check
    }

    private static func decide(_ check: inout Check, alpha: Double) {
        guard let adjusted = check.adjustedP, let change = check.change else {
            check.outcome = .insufficient
            if case .insufficient(let reason) = check.pValue { check.note = "insufficient data (\(reason)): not gated" }
            return
        }
        let worse = check.metric.higherIsWorse ? change : -change
        let significant = adjusted < alpha
        if significant && worse > check.threshold {
            check.outcome = .regression
            check.note = "regression: \(describe(check)) beyond the \(thresholdText(check)) threshold, \(pText(adjusted))"
        } else {
            check.outcome = .pass
            if significant && worse > 0 {
                check.note = "significant but within the \(thresholdText(check)) threshold: \(describe(check)), \(pText(adjusted))"
            } else if significant {
                check.note = "improved: \(describe(check)), \(pText(adjusted))"
            }
        }
    }

    /// "+31.2 % [27.0 %, 35.1 %, 90 %]" or "+0.080 [0.050, 0.110, 90 %]" for absolute
    /// changes: the shift's interval and its exact coverage.
    static func describe(_ check: Check) -> String {
        guard let change = check.change else { return "no change measured" }
        let absolute = check.metric.quantity == .dropFraction
        func text(_ value: Double) -> String { absolute ? String(format: "%+.3f", value) : String(format: "%+.1f %%", value * 100) }
        var out = "\(check.metric.label) \(text(change))"
        if let ci = check.changeInterval { out += " [\(text(ci.lower)), \(text(ci.upper)), \(coverageText(ci.level))]" }
        return out
    }

    static func thresholdText(_ check: Check) -> String {
        check.metric.quantity == .dropFraction ? String(format: "%.3f", check.threshold) : String(format: "%.0f %%", check.threshold * 100)
    }
}
