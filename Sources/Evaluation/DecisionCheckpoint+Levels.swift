import Analysis
import ResultsStore
import ScaleBenchCore

/// Service levels judged on one configuration's runs (an option at a stream count).
///
/// - A figure of the box (CPU, RSS, model memory): the median over the runs.
/// - A figure each room has, read a run at a time (drops, served fps, the gap between
///   looks, the alert latency): in each run, the room the level is about — the worst, or
///   under `across-rooms: p90` the room at that share counted from the best — then the
///   median over the runs of that room's figure. A configuration that starves one room
///   misses the level even when the mean over rooms passes.
/// - A room's latency percentile: each room's frames pooled over the runs (a p99 needs
///   500 frames, which one run of one room seldom has); enough rooms must meet it. A room
///   with too few frames is unknown: the level is met only when the rooms known to meet
///   it are enough, not met when those that could are too few, insufficient data between.
extension DecisionCheckpoint {
    public static func judge(_ here: [RunRecord], levels: [Checkpoint.ServiceLevel]) -> (Status, [String]) {
        var status = Status.met, evidence: [String] = []
        for level in levels {
            let (verdict, text) = judge(level, here)
            if verdict == .notMet || (verdict == .insufficient && status == .met) { status = verdict }
            evidence.append("\(level): \(text)")
        }
        return (status, evidence)
    }

    static func judge(_ level: Checkpoint.ServiceLevel, _ here: [RunRecord]) -> (Status, String) {
        guard let rooms = level.rooms else { return judgeBox(level, here) }
        if let percentile = level.metric.percentile, let kind = level.metric.subject {
            return judgePooled(level, rooms: rooms, here, kind: kind, percentile: percentile)
        }
        return judgeRuns(level, rooms: rooms, here)
    }

    /// The box's figure: the median over the runs.
    static func judgeBox(_ level: Checkpoint.ServiceLevel, _ here: [RunRecord]) -> (Status, String) {
        let values = Comparison.values(level.metric, here)
        guard !values.isEmpty else { return (.insufficient, "insufficient data (no run has it)") }
        let median = Descriptive.median(values)
        let met = level.isMet(by: median)
        return (met ? .met : .notMet, "\(met ? "met" : "NOT met") (median \(figure(median, level.metric)) over \(values.count) runs)")
    }

    /// A room figure a run at a time, then the median over runs.
    static func judgeRuns(_ level: Checkpoint.ServiceLevel, rooms: Checkpoint.AcrossRooms, _ here: [RunRecord]) -> (Status, String) {
        var deciding: [Double] = [], missing: [Int] = [], counts: [Int] = []
        for run in here {
            guard let values = RoomFigures.values(level.metric, in: run), !values.isEmpty else { continue }
            // Best first: the room the level is about is the needed-th.
            let sorted = values.values.sorted { level.metric.higherIsWorse ? $0 < $1 : $0 > $1 }
            deciding.append(sorted[rooms.needed(of: sorted.count) - 1])
            missing.append(sorted.filter { !level.isMet(by: $0) }.count)
            counts.append(sorted.count)
        }
        guard !deciding.isEmpty else {
            let reason = level.metric.quantity == .alertLatency && here.allSatisfy({ ($0.scenario?.checkpoint?.alertChain ?? []).isEmpty })
                ? "the runs' scenario declares no alert-chain" : "no run has a figure per room"
            return (.insufficient, "insufficient data (\(reason))")
        }
        let median = Descriptive.median(deciding)
        let met = level.isMet(by: median)
        let which: String
        switch rooms {
        case .worst: which = "the worst room's"
        case .percentile(let share): which = "the \(format3(share)) % room's"
        }
        let roomsText = Set(counts).count == 1 ? "\(counts[0]) rooms" : "\(counts.min()!)–\(counts.max()!) rooms"
        return (met ? .met : .notMet,
                "\(met ? "met" : "NOT met") (\(which) \(figure(median, level.metric)), median over \(deciding.count) runs of \(roomsText); rooms missing it per run: "
                    + missing.map(String.init).joined(separator: ", ") + ")")
    }

    /// A latency percentile per room, each room's frames pooled over the runs.
    static func judgePooled(_ level: Checkpoint.ServiceLevel, rooms: Checkpoint.AcrossRooms, _ here: [RunRecord],
                            kind: String, percentile: Double) -> (Status, String) {
        let pools = RoomFigures.pooledPercentiles(here, kind: kind, state: level.metric.state, percentile: percentile)
        guard !pools.isEmpty else { return (.insufficient, "insufficient data (no run has a figure per room)") }
        let known = pools.compactMap { stream, pool in pool.value.map { (stream, $0) } }
        let meeting = known.filter { level.isMet(by: $0.1) }.count
        let unknown = pools.count - known.count
        let needed = rooms.needed(of: pools.count)
        let minimum = Validity.minimumSamples(percentile: percentile)
        var text = "\(meeting) of \(pools.count) rooms meet it, \(needed) needed"
        if let worst = known.max(by: { $0.1 < $1.1 }) { text += "; worst known: room \(worst.0), \(figure(worst.1, level.metric))" }
        if unknown > 0 {
            let fewest = pools.values.filter { $0.value == nil }.map(\.frames).min() ?? 0
            text += "; \(unknown) rooms have too few frames for a p\(format3(percentile)) (≥ \(minimum) each, the fewest \(fewest))"
        }
        text += "; each room's frames pooled over \(here.count) runs"
        if meeting >= needed { return (.met, "met (\(text))") }
        if meeting + unknown < needed { return (.notMet, "NOT met (\(text))") }
        return (.insufficient, "insufficient data (\(text))")
    }

    /// A figure as the evidence prints it, with its unit: "∞" for a room never served.
    static func figure(_ value: Double, _ metric: Metric) -> String {
        (value.isFinite ? Report.number(value) : "∞") + (metric.unit.isEmpty ? "" : " \(metric.unit)")
    }
}
