import Foundation
import ScaleBenchCore
import Random

/// What a simulation will cost, estimated from the scenario before anything starts, and
/// the refusals that follow from it.
///
/// The executor streams every frame into fixed-size statistics, so memory grows with the
/// number of result rows (stream × worker kind: three latency histograms each) and
/// component instances, never with the horizon. The horizon sets the event count, which
/// costs time, and the frames one row records, which its 32-bit histogram counts bound.
public struct SimulationBudget: Sendable, Equatable {
    public var streams: Int
    /// Stream × worker-kind rows, each with its histograms.
    public var rows: Int
    public var workerInstances: Int
    /// Histograms per row: latency, age and service, plus two per fault (hand-off equals
    /// age in virtual time and shares its storage).
    public var histogramsPerRow: Int
    /// Warm-up plus measured window, and the frame rate of every stream.
    public var horizonSeconds: Double
    public var fps: Double
    /// Frames each stream captures over the horizon.
    public var framesPerStream: Double
    /// Events to simulate, an upper bound: every frame's arrival plus one service end per
    /// row it reaches.
    public var events: Double
    public var bytes: Double

    /// Bytes of one latency histogram at most (its counts array grown to the whole range;
    /// a row's histograms usually hold less, so the estimate is an upper bound).
    public static let histogramBytes = Double(LatencyHistogram.fullRangeBytes)
    /// Bytes of one seeded generator, one per capture and worker.
    static let generatorBytes = Double(GSLRandom.Algorithm.taus2.bytes)
    /// The process before the simulation: runtime, libraries, database, scenario.
    static let baselineBytes = 64.0 * 1_048_576
    /// Per row, worker and stream: the component values around the histograms and the
    /// row's batch of services to record, rounded up.
    static let rowOverheadBytes = 512.0, componentOverheadBytes = 512.0
    /// A histogram bucket counts up to 2³² − 1 frames.
    public static let framesPerRowLimit = Double(UInt32.max)

    public init(_ scenario: RunScenario) {
        let plan = TopologyPlan.build(scenario)
        streams = scenario.streams
        rows = plan.pipelines.reduce(0) { $0 + $1.workers.count * $1.streams.count } + plan.shared.reduce(0) { $0 + $1.streams.count }
        workerInstances = plan.workerInstances
        // Latency, age and service; two per fault window; one per load state.
        let states = scenario.hasVaryingCapture ? scenario.streamCaptures.map { $0.load?.states.count ?? 0 }.max() ?? 0 : 0
        histogramsPerRow = 3 + 2 * scenario.faults.count + states
        horizonSeconds = scenario.warmup.seconds + scenario.duration.seconds
        fps = scenario.peakRate
        framesPerStream = fps * horizonSeconds
        events = framesPerStream * Double(streams + rows)
        bytes = Self.baselineBytes
            + Double(rows) * (Double(histogramsPerRow) * Self.histogramBytes + Self.rowOverheadBytes)
            + Double(VirtualRun.pendingBytes(rows: rows))
            + Double(streams + workerInstances) * (Self.generatorBytes + Self.componentOverheadBytes)
    }

    /// Refuses, with the estimate, a scenario whose state would not fit in
    /// `availableBytes`, or whose horizon would overflow a row's histogram counts.
    public func check(availableBytes: Double) throws(ScenarioError) {
        if bytes > availableBytes {
            let perStream = (bytes - Self.baselineBytes) / Double(streams)
            let fitting = max(0, Int((availableBytes - Self.baselineBytes) / perStream))
            throw ScenarioError(
                key: "streams", value: "\(streams) (a simulation needs ≈ \(Self.gigabytes(bytes)) GB: \(rows) stream × worker rows × \(histogramsPerRow) latency histograms of \(Int(Self.histogramBytes / 1024)) KB, \(streams + workerInstances) generators; this machine has \(Self.gigabytes(availableBytes)) GB available)",
                allowed: "at most \(fitting) streams of this scenario on this machine (memory grows with streams × worker kinds, not with the horizon)")
        }
        if framesPerStream > Self.framesPerRowLimit {
            throw ScenarioError(
                key: "duration", value: "\(format3(horizonSeconds)) s of warm-up and window (≈ \(String(format: "%.3g", framesPerStream)) frames per stream, ≈ \(String(format: "%.3g", events)) events)",
                allowed: "a horizon under \(format3(Self.framesPerRowLimit / fps)) s at \(format3(fps)) fps (a latency histogram counts up to 2³² − 1 frames per stream and worker kind)")
        }
    }

    /// Bytes of a `--trace` simulation's records: at most a frame per stream and row for
    /// every period of the horizon.
    public var traceBytes: Double { framesPerStream * Double(rows) * Double(MemoryLayout<FrameTraceRecord>.stride) }

    /// Refuses a traced simulation whose records would not fit in `availableBytes` beside its state.
    public func checkTrace(availableBytes: Double) throws(ScenarioError) {
        guard bytes + traceBytes > availableBytes else { return }
        throw ScenarioError(
            key: "trace", value: "\(format3(horizonSeconds)) s of \(rows) stream × worker rows (a trace of ≈ \(Self.gigabytes(traceBytes)) GB; this machine has \(Self.gigabytes(availableBytes)) GB available)",
            allowed: "a shorter duration or fewer streams with --trace (every processed frame's record is kept in memory until the run ends)")
    }

    static func gigabytes(_ bytes: Double) -> String { String(format: "%.1f", bytes / 1_073_741_824) }

    /// Memory this process may still take: the kernel's MemAvailable (else the machine's
    /// physical memory), or less if the environment's `SCALEBENCH_MEMORY_LIMIT` (GB) says
    /// so — for a shared machine, or a container whose limit the kernel does not show.
    public static func availableMemory(environment: [String: String] = ProcessInfo.processInfo.environment) -> Double {
        var available = Double(ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") {
            available = kilobytes * 1024
        }
        if let limit = environment["SCALEBENCH_MEMORY_LIMIT"].flatMap(Double.init), limit > 0 {
            available = min(available, limit * 1_073_741_824)
        }
        return available
    }
}
