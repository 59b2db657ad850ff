import Analysis
import ResultsStore
import ScaleBenchCore

/// Figures each room (stream) has, read off the store's rows per stream × worker kind
/// (`worker_metrics`, and `state_metrics` for a load state), each room's rows pooled over
/// a configuration's runs: what a per-room service level judges, where the run-level
/// figures pool or average the rooms away.
///
/// - latency pXX: the room's latency histograms added; unknown below the frames the
///   percentile needs (``Validity``).
/// - served fps: the room's processed frames over its seconds.
/// - drop fraction: the mean over the runs of the room's drop fraction.
/// - look gap: the room's seconds over its processed frames — the mean time between the
///   kind's looks (the store keeps no per-frame gaps unless a run is traced). A room
///   with no look in any run has a gap longer than its longest run: a lower bound, which
///   decides a level only when it is already beyond it.
/// - alert latency, for the checkpoint's chain of kinds k₁ → … → kₘ:
///
///       Σᵢ ( gap(kᵢ, room) + mean latency(kᵢ, room) )
///
///   An event waits for the kind's next look at the room (up to one gap; a whole mean gap
///   is counted, which is pessimistic when looks are regular and an event lands half-way
///   into one on average), then that frame takes the kind's latency (capture → end of
///   service); each stage of the chain in turn. A figure built from stored per-room means,
///   not a measured end-to-end latency: the workers run side by side off the supplier and
///   no frame travels the chain.
enum RoomFigures {
    enum Figure: Equatable {
        case value(Double)
        /// A lower bound: the figure is at least this (a room with no look at all).
        case atLeast(Double)
        /// Not enough frames for the percentile (the room's frames pooled over the runs).
        case unknown(frames: UInt64)

        /// Whether `level` is met (nil: the data cannot tell).
        func meets(_ level: Checkpoint.ServiceLevel) -> Bool? {
            switch self {
            case .value(let value): return level.isMet(by: value)
            case .atLeast(let bound):
                // The true value is ≥ bound: beyond a maximum already, or above a minimum.
                if let max = level.max, bound > max { return false }
                if level.max == nil, let min = level.min, bound >= min { return true }
                return nil
            case .unknown: return nil
            }
        }
    }

    /// The rows of `kind` in `state` (nil: the whole window), by stream, over `runs`; a
    /// row of a state the stream never entered is left out.
    static func rows(_ runs: [RunRecord], kind: String, state: String?) -> [Int: [RunRecord.RoomRecord]] {
        var rows: [Int: [RunRecord.RoomRecord]] = [:]
        for run in runs {
            for room in run.rooms where room.worker == kind && room.state == state && room.servedFPS != nil {
                rows[room.stream, default: []].append(room)
            }
        }
        return rows
    }

    /// Each room's figure of `metric` over `runs` (stream → figure); nil for the box's
    /// figures, and for the alert latency without a chain (`alertChain`, the kinds of the
    /// checkpoint being answered).
    static func figures(_ metric: Metric, _ runs: [RunRecord], alertChain chain: [String]) -> [Int: Figure]? {
        let kind = metric.subject ?? ""
        switch metric.quantity {
        case .latencyP99, .latencyP50:
            let percentile = metric.percentile ?? 99
            return rows(runs, kind: kind, state: metric.state).mapValues { rows in
                var pool = LatencyHistogram()
                for row in rows { pool.add(row.latency) }
                guard Validity.supports(percentile: percentile, samples: Int(pool.count)),
                      let value = pool.milliseconds(atPercentile: percentile) else { return .unknown(frames: pool.count) }
                return .value(value)
            }
        case .servedFPS:
            return rows(runs, kind: kind, state: metric.state).mapValues { rows in
                .value(Double(rows.map(\.processed).reduce(0, +)) / rows.map(\.seconds).reduce(0, +))
            }
        case .dropFraction:
            return rows(runs, kind: kind, state: metric.state).compactMapValues { rows in
                let fractions = rows.compactMap(\.dropFraction)
                return fractions.isEmpty ? nil : .value(fractions.reduce(0, +) / Double(fractions.count))
            }
        case .lookGap:
            return rows(runs, kind: kind, state: metric.state).mapValues(gap)
        case .alertLatency:
            guard !chain.isEmpty else { return nil }
            let stages = chain.map { rows(runs, kind: $0, state: metric.state) }
            var figures: [Int: Figure] = [:]
            // A room has the figure when every kind of the chain has rows for it.
            for stream in stages[0].keys where stages.allSatisfy({ $0[stream] != nil }) {
                var total = 0.0, bounded = false
                for stage in stages {
                    let rows = stage[stream]!
                    switch gap(rows) {
                    case .value(let seconds): total += seconds * 1000 + meanLatency(rows)
                    case .atLeast(let seconds): total += seconds * 1000; bounded = true
                    case .unknown: break
                    }
                }
                figures[stream] = bounded ? .atLeast(total) : .value(total)
            }
            return figures
        case .processCores, .peakRSS, .modelMemory:
            return nil
        }
    }

    /// Seconds between looks at a room: its seconds over its looks; with no look at all,
    /// longer than the longest of its runs.
    static func gap(_ rows: [RunRecord.RoomRecord]) -> Figure {
        let looks = rows.map(\.processed).reduce(0, +)
        guard looks > 0 else { return .atLeast(rows.map(\.seconds).max() ?? 0) }
        return .value(rows.map(\.seconds).reduce(0, +) / Double(looks))
    }

    /// The mean latency of the frames of these rows, in ms.
    static func meanLatency(_ rows: [RunRecord.RoomRecord]) -> Double {
        let frames = rows.map(\.processed).reduce(0, +)
        guard frames > 0 else { return 0 }
        return rows.map { ($0.meanLatencyMs ?? 0) * Double($0.processed) }.reduce(0, +) / Double(frames)
    }
}
