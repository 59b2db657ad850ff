import Analysis
import ResultsStore
import ScaleBenchCore

/// Figures each room (stream) has, read off the store's rows per stream × worker kind
/// (`worker_metrics`, and `state_metrics` for a load state): what a per-room service level
/// judges, where the run-level figures pool or average the rooms away.
///
/// The look gap is 1 / the room's served fps: the mean time between the kind's looks at
/// the room over the window (the store keeps no per-frame gaps unless a run is traced;
/// the longest gap is at least this). A room the kind never served has an infinite gap.
///
/// The alert latency of a room, for the checkpoint's chain of kinds k₁ → … → kₘ, is
///
///     Σᵢ ( gap(kᵢ, room) + mean latency(kᵢ, room) )
///
/// — an event waits for the kind's next look at the room (up to one gap; a whole mean gap
/// is counted, which is pessimistic when looks are regular and an event lands half-way
/// into one on average), then that frame takes the kind's latency (capture → end of
/// service); each stage of the chain in turn. It is a figure built from stored per-room
/// means, not a measured end-to-end latency: the workers run in parallel off the supplier
/// and no frame travels the chain. Infinite when a stage never served the room.
enum RoomFigures {
    /// The rows of `kind` in `state` (nil: the whole window) in a run, by stream; a row
    /// of a state the stream never entered is left out.
    static func rows(_ run: RunRecord, kind: String, state: String?) -> [Int: RunRecord.RoomRecord] {
        var rows: [Int: RunRecord.RoomRecord] = [:]
        for room in run.rooms where room.worker == kind && room.state == state && room.servedFPS != nil { rows[room.stream] = room }
        return rows
    }

    /// Each room's value of `metric` in one run (stream → value), for the figures read a
    /// run at a time: drop fraction, served fps, look gap, alert latency. Nil for latency
    /// percentiles (a room's frames are pooled over runs instead) and the box's figures.
    static func values(_ metric: Metric, in run: RunRecord) -> [Int: Double]? {
        switch metric.quantity {
        case .dropFraction:
            return rows(run, kind: metric.subject ?? "", state: metric.state).compactMapValues(\.dropFraction)
        case .servedFPS:
            return rows(run, kind: metric.subject ?? "", state: metric.state).compactMapValues(\.servedFPS)
        case .lookGap:
            return rows(run, kind: metric.subject ?? "", state: metric.state).compactMapValues { $0.servedFPS.map(gap) }
        case .alertLatency:
            let chain = run.scenario?.checkpoint?.alertChain ?? []
            guard !chain.isEmpty else { return nil }
            let stages = chain.map { rows(run, kind: $0, state: metric.state) }
            var values: [Int: Double] = [:]
            // A room has the figure when every kind of the chain has a row for it.
            for stream in stages[0].keys {
                var total = 0.0
                for stage in stages {
                    guard let row = stage[stream], let fps = row.servedFPS else { total = .nan; break }
                    total += gap(fps) * 1000 + (row.meanLatencyMs ?? .infinity)
                }
                if !total.isNaN { values[stream] = total }
            }
            return values
        case .latencyP99, .latencyP50, .processCores, .peakRSS, .modelMemory:
            return nil
        }
    }

    /// Seconds between looks at a room served `fps`; infinite for a room never served.
    static func gap(_ fps: Double) -> Double { fps > 0 ? 1 / fps : .infinity }

    /// A kind's latency percentile at each room, every run's frames of the room pooled:
    /// stream → (value in ms, or nil when the room's pool is too small for the
    /// percentile; frames in the pool).
    static func pooledPercentiles(_ runs: [RunRecord], kind: String, state: String?,
                                  percentile: Double) -> [Int: (value: Double?, frames: UInt64)] {
        var pools: [Int: LatencyHistogram] = [:]
        for run in runs {
            for (stream, row) in rows(run, kind: kind, state: state) { pools[stream, default: LatencyHistogram()].add(row.latency) }
        }
        return pools.mapValues { pool in
            let valid = Validity.supports(percentile: percentile, samples: Int(pool.count))
            return (valid ? pool.milliseconds(atPercentile: percentile) : nil, pool.count)
        }
    }
}
