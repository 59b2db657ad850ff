import Analysis
import ResultsStore
import ScaleBenchCore

/// Reading a metric off a stored run.
extension Metric {
    /// The run's value, or nil when the run does not have it. The look gap and the alert
    /// latency, figures of a room, are the run's worst room's (largest; none when a room
    /// had no look at all, whose gap is only bounded); the other kind figures are pooled
    /// or averaged over the rooms, as the store's run rows hold them.
    public func value(in run: RunRecord) -> Double? {
        if quantity == .lookGap || quantity == .alertLatency {
            // The chain the run's own scenario declared (a run stores no other).
            let chain = run.scenario?.checkpoint?.alertChain ?? []
            guard let figures = RoomFigures.figures(self, [run], alertChain: chain)?.values, !figures.isEmpty else { return nil }
            let values = figures.compactMap { figure -> Double? in
                if case .value(let value) = figure { return value }
                return nil
            }
            return values.count == figures.count ? values.max() : nil
        }
        if let state {
            guard let record = run.states.first(where: { $0.worker == subject && $0.state == state }) else { return nil }
            switch quantity {
            case .latencyP99, .latencyP50:
                guard let percentile, Validity.supports(percentile: percentile, samples: Int(record.latency.count)) else { return nil }
                return record.latency.milliseconds(atPercentile: percentile)
            case .dropFraction: return record.dropFraction
            case .servedFPS: return record.servedFPS
            case .processCores, .peakRSS, .modelMemory, .lookGap, .alertLatency: return nil
            }
        }
        switch quantity {
        case .latencyP99: return run.kinds.first { $0.worker == subject }?.latency.quantiles.p99
        case .latencyP50: return run.kinds.first { $0.worker == subject }?.latency.quantiles.p50
        case .dropFraction: return run.kinds.first { $0.worker == subject }?.meanDropFraction
        case .servedFPS: return run.kinds.first { $0.worker == subject }?.meanServedFPS
        // A simulation models CPU only on a declared host (then it has CPU rows) and never
        // memory: no value rather than a zero.
        case .processCores: return run.processCores
        case .peakRSS: return run.mode == .simulated ? nil : run.peakRSSBytes.map { Double($0) / 1_048_576 }
        case .modelMemory: return run.devices.first { $0.device == subject }?.modelMemoryGB
        case .lookGap, .alertLatency: return nil
        }
    }

    /// Frames behind a percentile value in the run (nil for other metrics).
    public func samples(in run: RunRecord) -> Int64? {
        guard percentile != nil else { return nil }
        if let state { return run.states.first { $0.worker == subject && $0.state == state }?.processed }
        return run.kinds.first { $0.worker == subject }?.processed
    }

    /// Every metric the runs have, in a stable order: per worker kind (as the runs list
    /// them) latency p99, p50, drops and served rate; then CPU, memory, model memory.
    public static func all(in runs: [RunRecord]) -> [Metric] {
        var kinds: [String] = [], devices: [String] = []
        for run in runs {
            for kind in run.kinds where !kinds.contains(kind.worker) { kinds.append(kind.worker) }
            for device in run.devices where !devices.contains(device.device) { devices.append(device.device) }
        }
        return kinds.flatMap { [Metric(.latencyP99, $0), Metric(.latencyP50, $0), Metric(.dropFraction, $0), Metric(.servedFPS, $0)] }
            + [Metric(.processCores), Metric(.peakRSS)] + devices.map { Metric(.modelMemory, $0) }
    }
}
