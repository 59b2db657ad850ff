import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// The scenario's decision checkpoint answered from measured data: each item met, not
/// met, not applicable or insufficient data with its evidence; which configurations were
/// infeasible and why; which options meet the service levels at each stream count; and a
/// recommendation per stream range, with what would change it.
public struct DecisionCheckpoint: Sendable {
    /// An item about an option that cannot run (or has no stored runs) is not applicable,
    /// whatever its rule: "not met" would read, for an `exceeds` item, as the opposite of
    /// the truth. "Insufficient data" is for an option that ran, too little to tell.
    public enum Status: String, Sendable {
        case met, notMet = "not met", notApplicable = "not applicable", insufficient = "insufficient data"
    }

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
        /// The option meeting every service level at the lowest CPU; nil: none meets them.
        public var option: String?
        /// Options that meet them too at a CPU cost not significantly different: the
        /// measurements do not choose between these and `option`.
        public var alternatives: [String] = []
        public var reason: String
        public var wouldChange: String

        /// "C", "B or C", "A, B or C", or "none": what the sensitivity analysis follows.
        public var choice: String {
            guard let option else { return "none" }
            let all = ([option] + alternatives).sorted()
            return all.count == 1 ? all[0] : all.dropLast().joined(separator: ", ") + " or " + all.last!
        }
    }

    /// Service levels: DecisionCheckpoint+Levels.swift. Items: order-statistic bounds of
    /// each option's median (``MedianInterval``), their joint coverage stated.

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
        for criterion in checkpoint.criteria {
            for streams in criterion.streams {
                items.append(evaluate(criterion, streams: streams, runs: runs, level: settings.level, infeasible: infeasibility))
            }
        }

        // Service levels per option and stream count.
        var standings: [Standing] = []
        for streams in counts {
            for option in runs.map(\.option).uniqued().sorted() {
                let here = runs.filter { $0.streams == streams && $0.option == option }
                guard !here.isEmpty else { continue }
                let (status, evidence) = judge(here, levels: checkpoint.serviceLevels, alertChain: checkpoint.alertChain)
                let cores = Comparison.values(Metric(.processCores), here)
                standings.append(Standing(option: option, streams: streams, status: status, evidence: evidence,
                                          cores: cores.isEmpty ? nil : Descriptive.median(cores)))
            }
        }

        return DecisionCheckpoint(checkpoint: checkpoint, items: items, infeasible: infeasible, standings: standings,
                                  recommendations: recommend(standings: standings, counts: counts, runs: runs, comparison: comparison,
                                                             alpha: settings.alpha))
    }

    /// One item at one stream count. Each option's median gets distribution-free
    /// one-sided bounds from order statistics (``MedianInterval/bounds(_:level:)``, the
    /// ends of its interval at `level`); `within` is shown when option's upper bound is
    /// within (1 + margin) × versus's lower bound, and refuted when option's lower bound
    /// is beyond (1 + margin) × versus's upper bound; `exceeds` is the mirror. Both
    /// bounds hold at once with probability (1 − P(Bin(n, ½) < r))·(1 − P(Bin(m, ½) < s)):
    /// that exact figure is the confidence the evidence states (76.5 % from 3 runs a side).
    static func evaluate(_ criterion: Checkpoint.Criterion, streams: Int, runs: [RunRecord], level: Double,
                         infeasible: (String, Int) -> Infeasible?) -> ItemResult {
        func result(_ status: Status, _ evidence: String) -> ItemResult {
            ItemResult(item: criterion.item, streams: streams, status: status, evidence: evidence)
        }
        let option = criterion.option.rawValue, versus = criterion.versus.rawValue
        let margin = format3(criterion.rule.margin * 100)
        // The question in words, so that every branch says which way the item reads.
        let question: String
        switch criterion.rule {
        case .within: question = "whether \(option)'s \(criterion.metric.label) is within +\(margin) % of \(versus)'s"
        case .exceeds: question = "whether \(option)'s \(criterion.metric.label) exceeds \(versus)'s by more than \(margin) %"
        }
        for side in [option, versus] {
            if let reason = infeasible(side, streams) {
                return result(.notApplicable, "option \(side) cannot run at \(streams) streams (\(reason.reason)): \(question) does not apply")
            }
        }
        // Every variant of a topology counts as that option (B single-inbox and per-stream).
        for side in [option, versus] where !runs.contains(where: { $0.streams == streams && $0.topology == side }) {
            return result(.notApplicable, "no runs of option \(side) at \(streams) streams are stored: \(question) is not judged")
        }
        let a = Comparison.values(criterion.metric, runs.filter { $0.streams == streams && $0.topology == option })
        let b = Comparison.values(criterion.metric, runs.filter { $0.streams == streams && $0.topology == versus })
        guard a.count >= 3, b.count >= 3, case .value(let boundsA) = MedianInterval.bounds(a, level: level),
              case .value(let boundsB) = MedianInterval.bounds(b, level: level) else {
            let percentile = criterion.metric.percentile.map { "; a run's p\(format3($0)) needs ≥ \(Validity.minimumSamples(percentile: $0)) frames" } ?? ""
            return result(.insufficient, "\(criterion.metric.label): \(a.count) usable runs of \(option) and \(b.count) of \(versus); \(question) needs 3 a side\(percentile)")
        }
        let ratio = Descriptive.median(a) / Descriptive.median(b)
        let bound = 1 + criterion.rule.margin
        let confidence = "\(coverageText(boundsA.oneSided * boundsB.oneSided)) confidence"
        let unit = criterion.metric.unit.isEmpty ? "" : " \(criterion.metric.unit)"
        var evidence = "\(criterion.metric.label) at \(streams) streams: \(option)'s median \(Report.number(Descriptive.median(a)))\(unit) is \(percent(ratio)) of \(versus)'s \(Report.number(Descriptive.median(b)))\(unit) (\(a.count) and \(b.count) runs)"
        // The ratio's bounds from the medians' bounds (order statistics of each option).
        let atMost = "at most \(percent(boundsA.upper / boundsB.lower)) with \(confidence)"
        let atLeast = "at least \(percent(boundsA.lower / boundsB.upper)) with \(confidence)"
        let shownWithin = boundsA.upper <= bound * boundsB.lower, shownBeyond = boundsA.lower > bound * boundsB.upper
        switch criterion.rule {
        case .within:
            if shownWithin { return result(.met, evidence + "; \(atMost): within +\(margin) %") }
            if shownBeyond { return result(.notMet, evidence + "; \(atLeast): beyond +\(margin) %") }
        case .exceeds:
            if shownBeyond { return result(.met, evidence + "; \(atLeast): exceeds +\(margin) %") }
            if shownWithin { return result(.notMet, evidence + "; \(atMost): does not exceed +\(margin) %") }
        }
        evidence += "; between \(percent(boundsA.lower / boundsB.upper)) and \(percent(boundsA.upper / boundsB.lower)) (each end with \(confidence))"
        return result(.insufficient, evidence + ": the bounds straddle +\(margin) %, so \(question) is not shown either way; more runs narrow them")
    }

    /// "140 %"; "∞ %" for a bound over zero.
    static func percent(_ ratio: Double) -> String { ratio.isFinite ? String(format: "%.0f %%", ratio * 100) : "∞ %" }

    /// A CPU difference smaller than this share of the cheaper option's is no reason to
    /// choose, however significant: the gate's default threshold for CPU.
    public static let cpuRelevance = 0.10

    /// Per stream count, the option meeting every service level at the lowest CPU, with
    /// every other option meeting them beside it unless its CPU is both significantly
    /// higher (Holm-adjusted Mann-Whitney) and more than ``cpuRelevance`` higher; the
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
            var reason = "\(best.option) meets every service level" + (best.cores.map { String(format: " at the lowest CPU (%.2f cores)", $0) } ?? "")
            var change = "nothing measured here: it is the only option meeting the service levels"
            // Every other option meeting the levels either costs significantly more CPU, or
            // is as good a choice as far as these runs can tell.
            let cell = comparison.cells.first { $0.streams == streams && $0.metric == Metric(.processCores) }
            var costlier: [String] = [], unseparated: [String] = [], close: [String] = []
            for other in meeting.dropFirst() {
                let pair = cell?.pairs.first { Set([$0.baseline, $0.other]) == Set([best.option, other.option]) }
                let significant = (pair?.adjustedP).map { $0 < alpha } ?? false
                let relevant = (other.cores ?? .infinity) > (best.cores ?? 0) * (1 + cpuRelevance)
                if !significant { unseparated.append(other.option) } else if !relevant { close.append(other.option) } else { costlier.append(other.option) }
            }
            func cores(_ options: [String]) -> String {
                ([best] + meeting.filter { options.contains($0.option) }).map { "\($0.option) \($0.cores.map { String(format: "%.2f", $0) } ?? "–")" }.joined(separator: ", ")
            }
            func meet(_ options: [String]) -> String { "\(options.joined(separator: " and ")) also meet\(options.count == 1 ? "s" : "") them" }
            if !unseparated.isEmpty {
                reason += "; \(meet(unseparated)) at a CPU cost not significantly different (\(cores(unseparated)) cores)"
                change = "more repetitions could separate their CPU; a service level that one of them misses"
            }
            if !close.isEmpty {
                reason += "; \(meet(close)) at a CPU cost within \(Int(cpuRelevance * 100)) % (\(cores(close)) cores): a difference too small to choose by"
                change = "a service level that one of them misses, or a CPU difference beyond \(Int(cpuRelevance * 100)) %"
            }
            let tied = unseparated + close
            if !tied.isEmpty { reason += "; the runs do not choose between them, so the choice rests on what they do not measure (isolation, operations)" }
            if !costlier.isEmpty {
                reason += "; \(meet(costlier)), at significantly more CPU (beyond \(Int(cpuRelevance * 100)) %)"
                if tied.isEmpty { change = "\(costlier[0]) if its CPU cost fell to \(best.option)'s, or if \(best.option) missed a service level" }
            }
            perCount.append((streams, Recommendation(streams: [streams], option: best.option, alternatives: tied, reason: reason, wouldChange: change)))
        }
        // Merge neighbouring counts with the same answer.
        var merged: [Recommendation] = []
        for (_, recommendation) in perCount {
            if var last = merged.last, last.choice == recommendation.choice, last.option != nil {
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
            out += "Service levels: " + checkpoint.serviceLevels.map(\.description).joined(separator: "; ") + ". "
            out += "A figure each room has is judged room by room, never on the mean over rooms: each room's figure over the configuration's "
            out += "runs (its frames over its seconds, its latency histograms added, its drop fractions averaged), and the level must hold in "
            out += "every room or in the stated share of rooms; a room with too few frames for a percentile is unknown. "
            out += "The box's figures (CPU, memory): the median over the runs.\n\n"
            if !checkpoint.alertChain.isEmpty {
                out += "Alert latency at a room: for each kind of the chain " + checkpoint.alertChain.joined(separator: " → ")
                out += " in turn, the gap between its looks at the room (1 / its served fps there) plus its mean latency there (capture → end of service), added up. "
                out += "A figure built from stored per-room means, not a measured end-to-end latency: the workers run side by side off the supplier.\n\n"
            }
        }
        if !items.isEmpty {
            out += "Items compare the options' medians through distribution-free bounds from order statistics; the confidence each states is "
            out += "the exact chance that both bounds hold (for figures without ties; with ties, at least that), as high as the runs allow: "
            out += "3 runs a side give \(coverageText(pow(MedianInterval.oneSidedCoverage(n: 3, rank: 1), 2))), never 95 %.\n\n"
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
            out += "- \(range): " + (recommendation.option == nil ? "**no option** — " : "**option \(recommendation.choice)** — ") + recommendation.reason
                + ". What would change it: \(recommendation.wouldChange).\n"
        }
        return out + "\n"
    }
}
