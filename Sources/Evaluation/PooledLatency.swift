import Analysis
import ResultsStore
import ScaleBenchCore

/// A worker kind's latency histograms pooled over runs: the evidence for a percentile
/// that no single run supports (a p99 needs 500 frames, which a 2 fps worker does not
/// serve in a short run), used by the checkpoint's service levels, the report's charts and
/// the simulated-versus-real-time table.
struct PooledLatency {
    let histogram: LatencyHistogram

    /// `state`: only the frames that arrived in that load state.
    init(_ runs: [RunRecord], kind: String, state: String? = nil) {
        var pool = LatencyHistogram()
        for run in runs {
            if let state {
                if let record = run.states.first(where: { $0.worker == kind && $0.state == state }) { pool.add(record.latency) }
            } else if let record = run.kinds.first(where: { $0.worker == kind }) {
                pool.add(record.latency)
            }
        }
        histogram = pool
    }

    var frames: UInt64 { histogram.count }

    /// The percentile in milliseconds; nil when the pool holds too few frames for it.
    func milliseconds(atPercentile percentile: Double) -> Double? {
        guard Validity.supports(percentile: percentile, samples: Int(frames)) else { return nil }
        return histogram.milliseconds(atPercentile: percentile)
    }
}
