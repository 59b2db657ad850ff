import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// The options side by side for one scenario: per stream count and metric, each option's
/// median over its repetitions with a distribution-free interval from order statistics
/// (its exact coverage stated: 75 % from 3 runs, not the 95 % asked for), and every pair
/// of options compared — Mann-Whitney U on the run values, Holm-adjusted over all
/// comparisons of the report, the ratio of medians with the interval the two medians'
/// intervals bound, Cliff's delta — with a verdict in words.
///
/// The unit of comparison is the repetition: one value per run. Percentile metrics are
/// used only from runs that processed enough frames to support the percentile.
public struct Comparison: Sendable {
    public struct Settings: Sendable {
        public var alpha = 0.05
        /// The coverage the medians' order-statistic intervals aim for; from few runs an
        /// interval reaches less and states it.
        public var level = 0.95
        public var allowMixedEnvironments = false
        /// Equivalence margin of the TOST, relative to the first option's mean: two options
        /// are called equivalent when their means differ by less than this, shown at alpha.
        public var equivalenceMargin = 0.10
        public init() {}
    }

    public struct OptionSummary: Sendable {
        public var option: String
        public var values: [Double]
        public var median: Reported<Double>
        /// [X₍ᵣ₎, X₍ₙ₊₁₋ᵣ₎] with its exact coverage as `level` (``MedianInterval``); none
        /// below 3 runs.
        public var interval: ConfidenceInterval?
    }

    public struct Pair: Sendable {
        public var baseline: String
        public var other: String
        public var pValue: Reported<Double>
        public var adjustedP: Double?
        /// median(other) / median(baseline), with the interval its medians' intervals bound:
        /// [other's lower / baseline's upper, other's upper / baseline's lower], holding
        /// with at least the product of their coverages.
        public var ratio: Double?
        public var ratioInterval: ConfidenceInterval?
        public var cliffsDelta: Double?
        /// Welch TOST within ± the margin (unadjusted); nil when not computable.
        public var equivalence: Equivalence.Result?
        public var verdict: String = ""
    }

    public struct Cell: Sendable {
        public var streams: Int
        public var metric: Metric
        public var options: [OptionSummary]
        /// Kruskal-Wallis across every option with enough runs (three or more options).
        public var kruskalP: Reported<Double>?
        public var pairs: [Pair]
    }

    public var scenario: String
    public var settings: Settings
    public var runs: Int

    /// When the sample sizes make significance impossible, a sentence that says so: the
    /// smallest two-sided Mann-Whitney p with n and m runs and no ties is 2 / C(n+m, n),
    /// and Holm multiplies the smallest p by the number of comparisons.
    public var powerNote: String? {
        let pairs = cells.flatMap { cell in cell.pairs.compactMap { pair -> (Int, Int)? in
            guard let a = cell.options.first(where: { $0.option == pair.baseline }), let b = cell.options.first(where: { $0.option == pair.other }),
                  a.values.count >= 2, b.values.count >= 2 else { return nil }
            return (a.values.count, b.values.count)
        } }
        guard let smallest = pairs.min(by: { Self.smallestP($0.0, $0.1) > Self.smallestP($1.0, $1.1) }) else { return nil }
        let floor = Self.smallestP(smallest.0, smallest.1) * Double(pairs.count)
        guard floor >= settings.alpha else { return nil }
        return "with \(smallest.0) and \(smallest.1) runs the smallest possible Mann-Whitney p is \(formatP(Self.smallestP(smallest.0, smallest.1))), \(formatP(min(1, floor))) after Holm over \(pairs.count) comparisons: no difference can reach alpha \(format3(settings.alpha)) — run more repetitions (5–6 per option and stream count)"
    }

    static func smallestP(_ n: Int, _ m: Int) -> Double {
        var combinations = 1.0
        for i in 0..<min(n, m) { combinations = combinations * Double(n + m - i) / Double(i + 1) }
        return min(1, 2 / combinations)
    }
    public var environments: [String]
    public var cells: [Cell]

    /// Compares the options of `runs` (one scenario's completed runs).
    public static func make(scenario: String, runs: [RunRecord], metrics: [Metric]? = nil,
                            settings: Settings = Settings()) throws(EvaluationError) -> Comparison {
        guard !runs.isEmpty else { throw EvaluationError("no completed runs of scenario '\(scenario)'") }
        let environments = runs.map(\.environment).uniqued()
        if environments.count > 1 && !settings.allowMixedEnvironments {
            throw EvaluationError("the runs of '\(scenario)' come from \(environments.count) different environments (machine or build); they are not pooled without --allow-mixed-environments")
        }
        var cells: [Cell] = []
        for streams in runs.map(\.streams).uniqued().sorted() {
            let here = runs.filter { $0.streams == streams }
            let options = here.map(\.option).uniqued().sorted()
            for metric in metrics ?? Metric.all(in: runs) {
                // A metric no run here has is not a row; one the runs cannot support is,
                // saying why.
                guard here.contains(where: { metric.value(in: $0) != nil }) else { continue }
                var summaries: [OptionSummary] = []
                for option in options {
                    let values = Self.values(metric, here.filter { $0.option == option })
                    summaries.append(Self.summary(option: option, metric: metric, values: values, settings: settings))
                }
                var pairs: [Pair] = []
                for (i, a) in summaries.enumerated() {
                    for b in summaries[(i + 1)...] {
                        pairs.append(Self.pair(a, b, settings: settings))
                    }
                }
                let groups = summaries.map(\.values).filter { $0.count >= 2 }
                let kruskal: Reported<Double>? = summaries.count < 3 ? nil
                    : groups.count == summaries.count ? KruskalWallis.test(groups).map(\.pValue) : .insufficient("fewer than 2 runs in an option")
                cells.append(Cell(streams: streams, metric: metric, options: summaries, kruskalP: kruskal, pairs: pairs))
            }
        }
        // Holm over every comparison of the report that has a p-value.
        var positions: [(Int, Int)] = []
        var pValues: [Double] = []
        for (c, cell) in cells.enumerated() {
            for (p, pair) in cell.pairs.enumerated() {
                if case .value(let value) = pair.pValue {
                    positions.append((c, p))
                    pValues.append(value)
                }
            }
        }
        for ((c, p), adjusted) in zip(positions, Holm.adjust(pValues)) { cells[c].pairs[p].adjustedP = adjusted }
        for c in cells.indices {
            for p in cells[c].pairs.indices {
                cells[c].pairs[p].verdict = Self.verdict(cells[c].pairs[p], metric: cells[c].metric, alpha: settings.alpha,
                                                         margin: settings.equivalenceMargin)
            }
        }
        return Comparison(scenario: scenario, settings: settings, runs: runs.count, environments: environments, cells: cells)
    }

    /// One value per run; a percentile only from runs with frames enough to support it.
    static func values(_ metric: Metric, _ runs: [RunRecord]) -> [Double] {
        runs.compactMap { run in
            if let percentile = metric.percentile, let samples = metric.samples(in: run),
               !Validity.supports(percentile: percentile, samples: Int(samples)) { return nil }
            return metric.value(in: run)
        }
    }

    static func summary(option: String, metric: Metric, values: [Double], settings: Settings) -> OptionSummary {
        guard !values.isEmpty else {
            let reason = metric.percentile.map { "p\(format3($0)) needs ≥ \(Validity.minimumSamples(percentile: $0)) frames in a run" } ?? "no run has it"
            return OptionSummary(option: option, values: [], median: .insufficient(reason), interval: nil)
        }
        let median = Descriptive.median(values)
        // Order statistics, not the percentile bootstrap: from 3 runs the bootstrap's "95 %"
        // interval is min–max, which covers the median 75 % of the time.
        let interval = values.count >= 3 ? MedianInterval.interval(values, level: settings.level).valueOrNil : nil
        return OptionSummary(option: option, values: values, median: .value(median), interval: interval)
    }

    static func pair(_ a: OptionSummary, _ b: OptionSummary, settings: Settings) -> Pair {
        var pair = Pair(baseline: a.option, other: b.option, pValue: .insufficient("n = \(min(a.values.count, b.values.count))"))
        if case .insufficient(let reason) = a.values.isEmpty ? a.median : b.median, a.values.isEmpty || b.values.isEmpty {
            pair.pValue = .insufficient(reason)
            return pair
        }
        guard a.values.count >= 2, b.values.count >= 2 else { return pair }
        pair.pValue = MannWhitney.test(a.values, b.values).map(\.pValue)
        let medianA = Descriptive.median(a.values), medianB = Descriptive.median(b.values)
        if medianA != 0 {
            pair.ratio = medianB / medianA
            if let x = a.interval, let y = b.interval, x.lower > 0 {
                pair.ratioInterval = ConfidenceInterval(lower: y.lower / x.upper, upper: y.upper / x.lower, level: x.level * y.level)
            }
        }
        pair.cliffsDelta = EffectSize.cliffsDelta(a.values, b.values).valueOrNil
        let margin = settings.equivalenceMargin * abs(Descriptive.mean(a.values))
        if margin > 0 {
            pair.equivalence = Equivalence.tost(a.values, b.values, margin: margin, alpha: settings.alpha).valueOrNil
        }
        return pair
    }

    /// "C's vlm latency p99 is 41 % lower than A's [35 %, 47 %], p = 0.002".
    static func verdict(_ pair: Pair, metric: Metric, alpha: Double, margin: Double) -> String {
        guard case .value = pair.pValue, let adjusted = pair.adjustedP else {
            if case .insufficient(let reason) = pair.pValue { return "insufficient data (\(reason))" }
            return "insufficient data"
        }
        guard adjusted < alpha else {
            // Not different is not the same as equivalent: the TOST says which.
            let within = "±\(format3(margin * 100)) %"
            guard let tost = pair.equivalence else { return "no significant difference (\(pText(adjusted)))" }
            return tost.equivalent
                ? "no significant difference (\(pText(adjusted))); equivalent within \(within) (TOST \(pText(tost.pValue)))"
                : "no significant difference (\(pText(adjusted))), but equivalence within \(within) is not shown (TOST \(pText(tost.pValue)))"
        }
        guard let ratio = pair.ratio else {
            return "\(pair.other) differs from \(pair.baseline) (\(pText(adjusted)))"
        }
        let change = (ratio - 1) * 100
        let direction = change < 0 ? "lower" : "higher"
        var text = "\(pair.other)'s \(metric.label) is \(String(format: "%.0f", abs(change))) % \(direction) than \(pair.baseline)'s"
        if let ci = pair.ratioInterval {
            let low = (ci.lower - 1) * 100, high = (ci.upper - 1) * 100
            // The interval of the change, in the same words as the estimate.
            let bounds = change < 0 ? [-high, -low] : [low, high]
            text += String(format: " [%.0f %%, %.0f %%]", bounds[0], bounds[1]) + " (≥ \(coverageText(ci.level)) confidence)"
        }
        return text + ", \(pText(adjusted))"
    }
}

/// A question the data cannot answer: one clear message (the CLI exits 2).
public struct EvaluationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// p-values as people read them: three significant digits, "< 0.001" below.
public func formatP(_ p: Double) -> String {
    p < 0.001 ? "< 0.001" : String(format: "%.3g", p)
}

/// "p = 0.041" or "p < 0.001".
public func pText(_ p: Double) -> String {
    p < 0.001 ? "p < 0.001" : "p = " + formatP(p)
}
