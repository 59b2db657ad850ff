import Random

/// One stream × worker kind in one load state over the measured window (docs/queueing.md
/// §7): how long the stream was in the state, the frames that arrived in it, those the
/// worker processed and their latency. A frame belongs to the state its stream was in
/// when it arrived.
///
/// A row with `stream` ``allStreams`` pools a kind's streams: their seconds, frames and
/// latency histograms added (as the run table and the checkpoint pool latencies).
public struct StateResult: Sendable, Codable {
    public static let allStreams = -1
    public var stream: Int
    public var worker: String
    public var state: String
    /// Seconds of the window the stream spent in the state.
    public var seconds: Double
    /// Frames that arrived in the state within the window, and those processed of them.
    public var offered: UInt64
    public var processed: UInt64
    /// Frames processed per second in the state (nil when the stream was never in it),
    /// and the share of the offered frames not processed (nil when none arrived).
    public var servedFPS: Double?
    public var dropFraction: Double?
    public var latencyMs: Quantiles
    /// The latency histogram itself (stored, not in JSON), for percentiles pooled over runs.
    public var latency: LatencyHistogram? = nil

    enum CodingKeys: String, CodingKey {
        case stream, worker, state, seconds, offered, processed, servedFPS, dropFraction, latencyMs
    }

    /// The rows of every stream with a load profile: each state's time and arrivals from
    /// the stream's pure schedules replayed over the window (the very arrivals both
    /// executors drew), its processed frames and latencies from the rows' measurements.
    static func rows(instances: RunInstances, measurements: [ServiceMeasurements]) -> [StateResult] {
        var time: [Int: [Double]] = [:], arrived: [Int: [UInt64]] = [:]
        // Schedules count from the run's start; the window from the instances' origin.
        let windowStart = instances.windowStart - instances.origin, windowEnd = instances.windowEnd - instances.origin
        for capture in instances.captures {
            guard let load = capture.load else { continue }
            var seconds = [Double](repeating: 0, count: load.states.count)
            var schedule = capture.loadSchedule()!
            var at = windowStart
            while at < windowEnd {
                let segment = schedule.segment(at: at)
                let until = min(segment.end, windowEnd)
                seconds[segment.state] += Double(until - at) / 1e9
                at = until
            }
            var counts = [UInt64](repeating: 0, count: load.states.count)
            var arrivals = capture.arrivals()
            while true {
                let t = arrivals.next()
                guard t < windowEnd else { break }
                if t >= windowStart { counts[arrivals.lastState] += 1 }
            }
            time[capture.stream] = seconds
            arrived[capture.stream] = counts
        }
        var rows: [StateResult] = []
        var pooled: [String: [(seconds: Double, offered: UInt64, processed: UInt64, latency: LatencyHistogram)]] = [:]
        var kindStates: [String: [String]] = [:]
        for (position, row) in instances.rows.enumerated() {
            guard let load = instances.captures[row.stream].load, let seconds = time[row.stream], let counts = arrived[row.stream] else { continue }
            let measured = measurements[position]
            // A kind that does not serve a state has no figures in it (its frames are not offered).
            for (index, state) in load.states.enumerated() where index < measured.byState.count && state.serves(row.worker) {
                let processed = measured.byState[index].processed
                rows.append(StateResult(
                    stream: row.stream, worker: row.worker, state: state.name, seconds: seconds[index], offered: counts[index],
                    processed: processed, servedFPS: seconds[index] > 0 ? Double(processed) / seconds[index] : nil,
                    dropFraction: counts[index] == 0 ? nil : max(0, 1 - Double(processed) / Double(counts[index])),
                    latencyMs: measured.byState[index].latency.quantiles, latency: measured.byState[index].latency))
                if kindStates[row.worker] == nil || kindStates[row.worker]!.count < load.states.count {
                    kindStates[row.worker] = load.states.map(\.name)
                }
                var sums = pooled[row.worker] ?? []
                while sums.count <= index { sums.append((0, 0, 0, LatencyHistogram())) }
                sums[index].seconds += seconds[index]
                sums[index].offered += counts[index]
                sums[index].processed += processed
                sums[index].latency.add(measured.byState[index].latency)
                pooled[row.worker] = sums
            }
        }
        for kind in instances.kinds {
            guard let sums = pooled[kind], let names = kindStates[kind] else { continue }
            for (index, sum) in sums.enumerated() where index < names.count && sum.seconds > 0 {
                rows.append(StateResult(
                    stream: allStreams, worker: kind, state: names[index], seconds: sum.seconds, offered: sum.offered,
                    processed: sum.processed, servedFPS: sum.seconds > 0 ? Double(sum.processed) / sum.seconds : nil,
                    dropFraction: sum.offered == 0 ? nil : max(0, 1 - Double(sum.processed) / Double(sum.offered)),
                    latencyMs: sum.latency.quantiles, latency: sum.latency))
            }
        }
        return rows
    }
}
