import Analysis
import ResultsStore
import ScaleBenchCore

/// Service levels judged on one configuration's runs (an option at a stream count).
///
/// - A figure of the box (CPU, RSS, model memory): the median over the runs.
/// - A figure each room has (a kind's latency percentile, drops, served fps, the gap
///   between its looks, the alert latency): each room's figure over the runs
///   (``RoomFigures``), and the level must hold in every room — or, under
///   `across-rooms: pNN`, in that share of rooms, rounded up. A configuration that starves
///   one room misses the level even when the mean over rooms passes.
///
/// A room's figure may be unknown (too few frames for a percentile) or only bounded (no
/// look at all): the level is met when the rooms known to meet it are enough, not met
/// when the rooms that could still meet it are too few, and insufficient data between.
extension DecisionCheckpoint {
    /// `alertChain`: the kinds `alert-latency` adds up, from the checkpoint the levels belong to.
    public static func judge(_ here: [RunRecord], levels: [Checkpoint.ServiceLevel], alertChain: [String]) -> (Status, [String]) {
        var status = Status.met, evidence: [String] = []
        for level in levels {
            let (verdict, text) = judge(level, here, alertChain: alertChain)
            if verdict == .notMet || (verdict == .insufficient && status == .met) { status = verdict }
            evidence.append("\(level): \(text)")
        }
        return (status, evidence)
    }

    static func judge(_ level: Checkpoint.ServiceLevel, _ here: [RunRecord], alertChain: [String]) -> (Status, String) {
        guard let rooms = level.rooms else { return judgeBox(level, here) }
        guard let figures = RoomFigures.figures(level.metric, here, alertChain: alertChain), !figures.isEmpty else {
            let reason = level.metric.quantity == .alertLatency && alertChain.isEmpty
                ? "the checkpoint declares no alert-chain" : "no run has a figure per room"
            return (.insufficient, "insufficient data (\(reason))")
        }
        let verdicts = figures.mapValues { $0.meets(level) }
        let meeting = verdicts.values.filter { $0 == true }.count
        let open = verdicts.values.filter { $0 == nil }.count
        let needed = rooms.needed(of: figures.count)

        var text = "\(meeting) of \(figures.count) rooms meet it\(rooms == .worst ? "" : ", \(needed) needed")"
        // The room the level is about: the worst known (the lowest-numbered among equals:
        // a dictionary's order changes from process to process).
        let known = figures.sorted { $0.key < $1.key }.compactMap { stream, figure -> (Int, Double)? in
            if case .value(let value) = figure { return (stream, value) }
            return nil
        }
        if let worst = known.max(by: { level.metric.higherIsWorse ? $0.1 < $1.1 : $0.1 > $1.1 }) {
            text += "; worst\(known.count < figures.count ? " known" : ""): room \(worst.0), \(figure(worst.1, level.metric))"
        }
        let bounded = figures.compactMap { stream, figure -> (Int, Double)? in
            if case .atLeast(let bound) = figure { return (stream, bound) }
            return nil
        }
        if !bounded.isEmpty {
            let shortest = bounded.map(\.1).min() ?? 0
            text += level.metric.quantity == .lookGap
                ? "; \(count(bounded.count)) had no look in any run: a gap longer than \(Report.number(shortest)) s"
                : "; \(count(bounded.count)) had a kind of the chain never look: at least \(figure(shortest, level.metric))"
        }
        let unknown = figures.values.compactMap { figure -> UInt64? in
            if case .unknown(let frames) = figure { return frames }
            return nil
        }
        if let fewest = unknown.min(), let percentile = level.metric.percentile {
            text += "; \(count(unknown.count)) with too few frames for a p\(format3(percentile)) (≥ \(Validity.minimumSamples(percentile: percentile)) each, the fewest \(fewest))"
        }
        text += "; each room over \(here.count == 1 ? "1 run" : "\(here.count) runs")"
        if meeting >= needed { return (.met, "met (\(text))") }
        if meeting + open < needed { return (.notMet, "NOT met (\(text))") }
        return (.insufficient, "insufficient data (\(text))")
    }

    /// The box's figure: the median over the runs.
    static func judgeBox(_ level: Checkpoint.ServiceLevel, _ here: [RunRecord]) -> (Status, String) {
        let values = Comparison.values(level.metric, here)
        guard !values.isEmpty else { return (.insufficient, "insufficient data (no run has it)") }
        let median = Descriptive.median(values)
        let met = level.isMet(by: median)
        return (met ? .met : .notMet, "\(met ? "met" : "NOT met") (median \(figure(median, level.metric)) over \(values.count) runs)")
    }

    /// "1 room", "3 rooms".
    static func count(_ rooms: Int) -> String { rooms == 1 ? "1 room" : "\(rooms) rooms" }

    /// A figure as the evidence prints it, with its unit.
    static func figure(_ value: Double, _ metric: Metric) -> String {
        Report.number(value) + (metric.unit.isEmpty ? "" : " \(metric.unit)")
    }
}
