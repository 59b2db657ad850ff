import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// The scenario's decision checkpoint answered from measured data: each item met, not
/// met or insufficient data with its evidence; which configurations were infeasible and
/// why; which options meet the service levels at each stream count; and a
/// recommendation per stream range, with what would change it.
public struct DecisionCheckpoint: Sendable {
    public enum Status: String, Sendable { case met, notMet = "not met", insufficient = "insufficient data" }

    public struct ItemResult: Sendable {
        public var item: String
        public var streams: Int
        public var status: Status
        public var evidence: String
    }

    public struct Infeasible: Sendable {
        public var option: String
        public var streams: Int
        public var reason: String
    }

    /// An option at a stream count against every service level.
    public struct Standing: Sendable {
        public var option: String
        public var streams: Int
        public var status: Status
        public var evidence: [String]
        public var cores: Double?
    }

    public struct Recommendation: Sendable {
        public var streams: [Int]
        public var option: String?
        public var reason: String
        public var wouldChange: String
    }

    /// Service levels are judged on a configuration's medians (latency percentiles on
    /// its pooled histograms).

    public var checkpoint: Checkpoint
    public var items: [ItemResult]
    public var infeasible: [Infeasible]
    public var standings: [Standing]
    public var recommendations: [Recommendation]

    /// Nil when the runs' scenario declares no checkpoint. `infeasible` holds the cells the
    /// database records as unable to run.
    public static func make(runs: [RunRecord], comparison: Comparison, settings: Comparison.Settings,
                            infeasible cells: [InfeasibleCell] = []) -> DecisionCheckpoint? {
        guard let scenario = runs.last(where: { $0.scenario?.checkpoint != nil })?.scenario, let checkpoint = scenario.checkpoint else { return nil }
        let counts = runs.map(\.streams).uniqued().sorted()
        let topologies = (runs.compactMap { TopologyKind(rawValue: $0.topology) }
            + checkpoint.criteria.flatMap { [$0.option, $0.versus] }).uniqued().sorted { $0.rawValue < $1.rawValue }

        // Configurations that could not run, as the database recorded them.
        let infeasible = cells.filter { counts.contains($0.streams) && topologies.contains($0.topology) }
            .map { Infeasible(option: $0.topology.rawValue, streams: $0.streams, reason: $0.reason) }
        func infeasibility(_ option: String, _ streams: Int) -> Infeasible? {
            infeasible.first { $0.option == option && $0.streams == streams }
        }

        // The items.
        var items: [ItemResult] = []
        var seed = settings.seed &+ 0xC4EC
        for criterion in checkpoint.criteria {
            for streams in criterion.streams {
                seed &+= 1
                items.append(evaluate(criterion, streams: streams, runs: runs, comparison: comparison, settings: settings, seed: seed,
                                      infeasible: infeasibility))
            }
        }

        // Service levels per option and stream count.
        var standings: [Standing] = []
        for streams in counts {
            for option in runs.map(\.option).uniqued().sorted() {
                let here = runs.filter { $0.streams == streams && $0.option == option }
                guard !here.isEmpty else { continue }
                let (status, evidence) = judge(here, levels: checkpoint.serviceLevels)
                let cores = Comparison.values(Metric(.processCores), here)
                standings.append(Standing(option: option, streams: streams, status: status, evidence: evidence,
                                          cores: cores.isEmpty ? nil : Descriptive.median(cores)))
            }
        }

        return DecisionCheckpoint(checkpoint: checkpoint, items: items, infeasible: infeasible, standings: standings,
                                  recommendations: recommend(standings: standings, counts: counts, runs: runs, comparison: comparison,
                                                             alpha: settings.alpha))
    }

    /// Whether a configuration's runs meet every service level, with the evidence: each
    /// level on the runs' median, a latency percentile on their pooled histograms.
    public static func judge(_ here: [RunRecord], levels: [Checkpoint.ServiceLevel]) -> (Status, [String]) {
        var status = Status.met, evidence: [String] = []
        for level in levels {
            // A latency percentile is a statement about frames: judged on the
            // configuration's pooled histograms, when they hold frames enough.
            if let percentile = level.metric.percentile, let kind = level.metric.subject {
                let pool = PooledLatency(here, kind: kind, state: level.metric.state)
                guard let value = pool.milliseconds(atPercentile: percentile) else {
                    if status == .met { status = .insufficient }
                    evidence.append("\(level): insufficient data (p\(format3(percentile)) needs ≥ \(Validity.minimumSamples(percentile: percentile)) frames, the \(here.count) runs have \(pool.frames))")
                    continue
                }
                let met = level.isMet(by: value)
                if !met { status = .notMet }
                evidence.append("\(level): \(met ? "met" : "NOT met") (\(Report.number(value)) over the \(pool.frames) frames of \(here.count) runs)")
                continue
            }
            let values = Comparison.values(level.metric, here)
            guard !values.isEmpty else {
                if status == .met { status = .insufficient }
                evidence.append("\(level): insufficient data (\(level.metric.percentile.map { "p\(format3($0)) needs ≥ \(Validity.minimumSamples(percentile: $0)) frames a run" } ?? "no run has it"))")
                continue
            }
            let median = Descriptive.median(values)
            let met = level.isMet(by: median)
            if !met { status = .notMet }
            evidence.append("\(level): \(met ? "met" : "NOT met") (median \(Report.number(median)) over \(values.count) runs)")
        }
        return (status, evidence)
    }

    static func evaluate(_ criterion: Checkpoint.Criterion, streams: Int, runs: [RunRecord], comparison: Comparison,
                         settings: Comparison.Settings, seed: UInt64, infeasible: (String, Int) -> Infeasible?) -> ItemResult {
        func result(_ status: Status, _ evidence: String) -> ItemResult {
            ItemResult(item: criterion.item, streams: streams, status: status, evidence: evidence)
        }
        let option = criterion.option.rawValue, versus = criterion.versus.rawValue
        for side in [option, versus] {
            if let reason = infeasible(side, streams) {
                return result(.notMet, "option \(side) is infeasible at \(streams) streams: \(reason.reason)")
            }
        }
        // Every variant of a topology counts as that option (B single-inbox and per-stream).
        for side in [option, versus] where !runs.contains(where: { $0.streams == streams && $0.topology == side }) {
            return result(.insufficient, "no runs of option \(side) at \(streams) streams")
        }
        let a = Comparison.values(criterion.metric, runs.filter { $0.streams == streams && $0.topology == option })
        let b = Comparison.values(criterion.metric, runs.filter { $0.streams == streams && $0.topology == versus })
        guard a.count >= 3, b.count >= 3 else {
            let percentile = criterion.metric.percentile.map { "; a run's p\(format3($0)) needs ≥ \(Validity.minimumSamples(percentile: $0)) frames" } ?? ""
            return result(.insufficient, "\(criterion.metric.label): \(a.count) usable runs of \(option) and \(b.count) of \(versus); 3 each are needed for an interval\(percentile)")
        }
        let ratio = Descriptive.median(a) / Descriptive.median(b)
        guard case .value(let interval) = Bootstrap.ratioInterval(b, a, statistic: Descriptive.median, level: settings.level,
                                                                  resamples: settings.resamples, method: .percentile, seed: seed),
              case .value(let test) = MannWhitney.test(a, b) else {
            return result(.insufficient, "\(criterion.metric.label): no interval or test could be computed")
        }
        let change = String(format: "%@ is %.0f %% of %@'s [%.0f %%, %.0f %%] (%@, unadjusted)", option, ratio * 100, versus,
                            interval.lower * 100, interval.upper * 100, pText(test.pValue))
        let evidence = "\(criterion.metric.label) at \(streams) streams: \(change)"
        switch criterion.rule {
        case .within(let margin):
            let bound = 1 + margin
            if interval.upper <= bound { return result(.met, evidence + "; within +\(format3(margin * 100)) % with confidence") }
            if interval.lower > bound { return result(.notMet, evidence + "; beyond +\(format3(margin * 100)) %") }
            return result(.insufficient, evidence + "; the interval straddles +\(format3(margin * 100)) %: more repetitions needed")
        case .exceeds(let margin):
            let bound = 1 + margin
            if interval.lower > bound && test.pValue < settings.alpha { return result(.met, evidence + "; exceeds +\(format3(margin * 100)) %") }
            if interval.upper <= bound { return result(.notMet, evidence + "; does not exceed +\(format3(margin * 100)) %") }
            return result(.insufficient, evidence + "; not shown either way: more repetitions needed")
        }
    }

    /// Per stream count, the option meeting every service level at the lowest CPU; the
    /// runner-up says what would change it. Consecutive counts with one answer merge.
    static func recommend(standings: [Standing], counts: [Int], runs: [RunRecord], comparison: Comparison, alpha: Double) -> [Recommendation] {
        var perCount: [(Int, Recommendation)] = []
        for streams in counts {
            let here = standings.filter { $0.streams == streams }
            let meeting = here.filter { $0.status == .met }.sorted { ($0.cores ?? .infinity) < ($1.cores ?? .infinity) }
            guard let best = meeting.first else {
                let unsure = here.filter { $0.status == .insufficient }.map(\.option)
                perCount.append((streams, Recommendation(
                    streams: [streams], option: nil,
                    reason: here.isEmpty ? "no option ran" : "no option meets every service level" + (unsure.isEmpty ? "" : " (insufficient data for \(unsure.joined(separator: ", ")))"),
                    wouldChange: unsure.isEmpty ? "a larger machine, fewer streams, or relaxed service levels"
                        : "longer runs or more repetitions, so that every service level can be judged")))
                continue
            }
            var reason = "meets every service level" + (best.cores.map { String(format: " at the lowest CPU (%.2f cores)", $0) } ?? "")
            var change = "nothing measured here: it is the only option meeting the service levels"
            if let second = meeting.dropFirst().first {
                let cell = comparison.cells.first { $0.streams == streams && $0.metric == Metric(.processCores) }
                let pair = cell?.pairs.first { Set([$0.baseline, $0.other]) == Set([best.option, second.option]) }
                if let adjusted = pair?.adjustedP, adjusted < alpha {
                    reason += "; \(second.option) also meets them, at significantly more CPU (\(pText(adjusted)))"
                    change = "\(second.option) if its CPU cost fell to \(best.option)'s, or if \(best.option) missed a service level"
                } else {
                    reason += "; \(second.option) also meets them, at a CPU cost not significantly different"
                    change = "more repetitions could make \(second.option) the choice: the CPU difference is not significant"
                }
            }
            perCount.append((streams, Recommendation(streams: [streams], option: best.option, reason: reason, wouldChange: change)))
        }
        // Merge neighbouring counts with the same answer.
        var merged: [Recommendation] = []
        for (_, recommendation) in perCount {
            if var last = merged.last, last.option == recommendation.option, last.option != nil {
                last.streams += recommendation.streams
                merged[merged.count - 1] = last
            } else {
                merged.append(recommendation)
            }
        }
        return merged
    }

    public func markdown() -> String {
        var out = "## Decision checkpoint\n\n"
        if !checkpoint.serviceLevels.isEmpty {
            out += "Service levels (median over a configuration's runs): " + checkpoint.serviceLevels.map(\.description).joined(separator: "; ") + ".\n\n"
        }
        if !items.isEmpty {
            out += "| item | streams | status | evidence |\n|---|---:|---|---|\n"
            for item in items { out += "| \(item.item) | \(item.streams) | **\(item.status.rawValue)** | \(item.evidence) |\n" }
            out += "\n"
        }
        if !infeasible.isEmpty {
            out += "Infeasible configurations (not run):\n\n" + infeasible.map { "- option \($0.option) at \($0.streams) streams: \($0.reason)" }.joined(separator: "\n") + "\n\n"
        }
        if !standings.isEmpty && !checkpoint.serviceLevels.isEmpty {
            out += "| streams | option | service levels | CPU cores | evidence |\n|---:|---|---|---:|---|\n"
            for standing in standings {
                out += "| \(standing.streams) | \(standing.option) | \(standing.status.rawValue) | \(standing.cores.map { String(format: "%.2f", $0) } ?? "–") | \(standing.evidence.joined(separator: "; ")) |\n"
            }
            out += "\n"
        }
        out += "**Recommendation.**\n\n"
        for recommendation in recommendations {
            let range = recommendation.streams.count == 1 ? "\(recommendation.streams[0]) streams"
                : "\(recommendation.streams.first!)–\(recommendation.streams.last!) streams"
            out += "- \(range): " + (recommendation.option.map { "**option \($0)** — " } ?? "**no option** — ") + recommendation.reason
                + ". What would change it: \(recommendation.wouldChange).\n"
        }
        return out + "\n"
    }
}
