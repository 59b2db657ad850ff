import Foundation
@testable import ResultsStore
import Random
import ScaleBenchCore

/// Runs as the database would give them, with a known distribution behind each value,
/// so the statistics of compare and gate can be checked over many seeded trials.
enum RunFactory {
    /// One run: `frames` latencies of the kind drawn lognormal around `medianMs` (its
    /// p99 then varies from run to run as a real one does), CPU cores around `cores`. The
    /// frames are dealt to the streams in turn, each stream's row (`rooms`) holding its own.
    static func run(option topology: String = "C", streams: Int = 4, repetition: Int, kind: String = "vlm",
                    medianMs: Double, cores: Double = 1, noise: Double = 0.05, frames: Int = 2000, random: GSLRandom,
                    environment: String = "env-1") -> RunRecord {
        var latency = LatencyHistogram()
        var roomLatency = [LatencyHistogram](repeating: LatencyHistogram(), count: streams)
        // A run-level factor (machine state) and per-frame spread.
        let runFactor = random.lognormal(zeta: 0, sigma: noise)
        for frame in 0..<frames {
            let nanos = UInt64(medianMs * 1e6 * runFactor * random.lognormal(zeta: 0, sigma: 0.2))
            latency.record(nanos)
            roomLatency[frame % streams].record(nanos)
        }
        var record = RunRecord(
            id: UUID().uuidString, scenarioName: "synthetic", scenarioHash: "h", topology: topology, variant: "",
            streams: streams, repetition: repetition, seed: UInt64(repetition), mode: .realtime, startedAt: "2026-11-25T00:00:\(repetition)",
            measuredSeconds: 10, warmupSeconds: 1, environment: environment,
            kinds: [KindRecord(worker: kind, latency: latency, meanDropFraction: 0.1 * runFactor, meanServedFPS: 2 / runFactor,
                               processed: Int64(frames))],
            processCores: cores * random.lognormal(zeta: 0, sigma: noise), peakRSSBytes: 100 << 20,
            devices: [], fairness: [], faults: [], crossStreamDrops: 0, scenario: nil)
        record.rooms = roomLatency.enumerated().map { stream, histogram in
            RunRecord.RoomRecord(worker: kind, stream: stream, seconds: 10, servedFPS: Double(histogram.count) / 10,
                                 dropFraction: 0.1 * runFactor, processed: Int64(histogram.count), latency: histogram)
        }
        return record
    }

    static func runs(_ count: Int, option: String = "C", streams: Int = 4, medianMs: Double, cores: Double = 1, noise: Double = 0.05,
                     frames: Int = 2000, seed: UInt64, environment: String = "env-1") -> [RunRecord] {
        let random = GSLRandom(seed: seed)
        return (0..<count).map { run(option: option, streams: streams, repetition: $0, medianMs: medianMs, cores: cores, noise: noise,
                                     frames: frames, random: random, environment: environment) }
    }
}
