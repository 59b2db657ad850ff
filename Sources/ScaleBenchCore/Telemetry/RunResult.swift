import Random

/// Everything a run measured, as data: rendered as a table or JSON, and later stored.
///
/// Rates, fractions and quantiles cover the measured window only; the `accounting`
/// section covers the whole run, so every frame is accounted for.
public struct RunResult: Sendable, Codable {
    public var scenario: RunScenario
    public var topology: String
    public var warmupSeconds: Double
    public var measuredSeconds: Double
    public var streams: [StreamResult]
    public var pipelines: [PipelineResult]
    public var workers: [WorkerResult]
    public var cpu: CPUResult
    public var memory: MemoryResult
    public var accounting: Accounting
    public var events: UInt64
    /// Per worker kind shared by several streams (B, C): how evenly it served them.
    public var fairness: [FairnessResult] = []
    /// Samples every 250 ms from the run's start (warm-up included).
    public var timeline: [TimelineSample] = []
    /// The run was stopped before the end of its window (e.g. SIGINT).
    public var cancelled = false
    /// `realtime`, or `simulated` (virtual time: no CPU, memory or timeline figures).
    public var mode = RunMode.realtime
    /// Per injected fault, its effect on the other streams.
    public var faults: [FaultResult] = []
    /// Per declared device: modelled model memory and measured sharing.
    public var devices: [DeviceResult] = []
    /// The box the run modelled and what its CPUs did (nil: no box declared).
    public var host: HostResult?
    /// Figures by load state (docs/queueing.md §7), for streams with a load profile.
    public var states: [StateResult] = []
    /// Each pool of instances against the load its streams offered (docs/queueing.md §7).
    public var pools: [PoolResult] = []
    /// Each batching kind's batch sizes (docs/queueing.md §8).
    public var batches: [BatchResult] = []
    /// Per-frame records, when the run was asked to trace (not part of the JSON output).
    public var trace: [FrameTraceRecord] = []
    /// Process workers failed during the run, with their reasons.
    public var workerFailures: [WorkerFailureResult] = []

    /// When every stream's source failed: the first stream's reason (nil otherwise, or
    /// with no streams).
    public var everyStreamFailed: String? {
        guard !streams.isEmpty, streams.allSatisfy({ $0.status == "failed" }) else { return nil }
        return "stream \(streams[0].stream): \(streams[0].error ?? "failed")"
    }

    enum CodingKeys: String, CodingKey {
        case scenario, topology, warmupSeconds, measuredSeconds, streams, pipelines, workers, cpu, memory, accounting
        case events, fairness, timeline, cancelled, faults, devices, mode, host, states, pools, batches, workerFailures
    }
}

/// A shared worker kind's service across streams.
public struct FairnessResult: Sendable, Codable, Equatable {
    public var worker: String
    /// Processed fps per stream, in stream order.
    public var servedFPS: [Double]
    /// Jain's index of `servedFPS`: 1 fair, 1/n one stream gets everything.
    public var jain: Double
}

/// The process and the pipeline's cumulative drops at one moment of a run.
public struct TimelineSample: Sendable, Codable, Equatable {
    /// Seconds since the run's start.
    public var seconds: Double
    public var processCPUSeconds: Double
    public var rssBytes: UInt64
    public var captureDrops: UInt64
    public var inboxDrops: UInt64
    public var slotDrops: UInt64
    /// Frames delivered into worker slots so far (the denominator of the slot drop rate).
    public var slotDeliveries: UInt64

    public init(seconds: Double, processCPUSeconds: Double, rssBytes: UInt64, captureDrops: UInt64, inboxDrops: UInt64, slotDrops: UInt64, slotDeliveries: UInt64) {
        self.seconds = seconds
        self.processCPUSeconds = processCPUSeconds
        self.rssBytes = rssBytes
        self.captureDrops = captureDrops
        self.inboxDrops = inboxDrops
        self.slotDrops = slotDrops
        self.slotDeliveries = slotDeliveries
    }
}

public struct StreamResult: Sendable, Codable {
    public var stream: Int
    /// Arrivals due in the window.
    public var due: UInt64
    public var published: UInt64
    /// Frames dropped because the capture fell a whole period behind (back-pressure).
    public var captureDrops: UInt64
    /// dropped / (published + dropped), as the original's capture stats, where dropped
    /// counts back-pressure and rate-control drops.
    public var captureDropRate: Double
    public var realFPS: Double
    public var meanLatenessMs: Double
    /// Over the whole run.
    public var maxLatenessMs: Double
    /// `ok`; `failed` when the source ended with an error (other streams go on);
    /// `crashed` when a capture-crash fault ended it.
    public var status: String
    public var error: String?
    /// network, codec, auth or unknown, for a failed source.
    public var errorCategory: String?
    /// Source frames skipped to reach the target fps, in the window.
    public var rateControlDrops: UInt64
    /// The rest is over the whole run: loops of a recorded file, reconnects of a live
    /// source, bytes demuxed, and the time to produce each frame (decode + conversion, or
    /// rendering).
    public var loops: Int
    public var reconnects: Int
    public var bytesRead: Int64
    public var productionMs: Quantiles
    /// Frames a capture-stall fault suppressed (whole run).
    public var stalledFrames: UInt64 = 0
}

public struct PipelineResult: Sendable, Codable {
    public var pipeline: Int
    public var streams: [Int]
    /// Frames published into the inbox in the window.
    public var published: UInt64
    public var inboxDrops: UInt64
    /// Inbox drops where a frame of one stream overwrote another stream's (option B's
    /// single inbox).
    public var crossStreamDrops: UInt64
    public var distributed: UInt64
    public var chunkedFanOuts: UInt64
}

public struct WorkerResult: Sendable, Codable {
    public var pipeline: Int
    public var stream: Int
    public var worker: String
    public var cost: String
    /// Frames delivered into the worker's slot in the window.
    public var delivered: UInt64
    /// Frames overwritten in the worker's slot in the window.
    public var drops: UInt64
    /// drops / delivered: the share of delivered frames the worker never saw.
    public var dropFraction: Double
    /// Of the drops, those where another stream's frame overwrote this slot's frame (a
    /// slot shared by all streams, option B's single inbox; then the slot's total).
    public var crossStreamDrops: UInt64
    public var processed: UInt64
    public var processedFPS: Double
    /// Capture → service end.
    public var latencyMs: Quantiles
    /// Capture → service start.
    public var ageMs: Quantiles
    public var serviceMs: Quantiles
    /// Distribution → service start.
    public var handoffMs: Quantiles
    /// The full distributions, for the results database (not part of the JSON output).
    public var histograms: WorkerHistograms? = nil

    enum CodingKeys: String, CodingKey {
        case pipeline, stream, worker, cost, delivered, drops, dropFraction, crossStreamDrops, processed, processedFPS
        case latencyMs, ageMs, serviceMs, handoffMs
    }
}

/// A worker's latency and age distributions over the measured window.
public struct WorkerHistograms: Sendable {
    public var latency: LatencyHistogram
    public var age: LatencyHistogram
}

/// CPU over the measured window, in seconds and in cores (seconds / window).
public struct CPUResult: Sendable, Codable {
    public struct Share: Sendable, Codable {
        public var seconds: Double
        public var cores: Double

        public init(seconds: Double, cores: Double) {
            self.seconds = seconds
            self.cores = cores
        }
    }
    public var process: Share
    public var capture: Share
    public var supplier: Share
    public var worker: Share
    public var harness: Share
    /// Process CPU not attributed to a class: runtime and dispatch threads, the kernel's
    /// accounting granularity (getrusage ticks vs per-thread clocks).
    public var unattributed: Share
    /// Process workers' children, every thread of them (their own process CPU clocks):
    /// not part of `process`, which is the workbench's own CPU. Nil: no process workers.
    public var workerProcesses: Share?

    public init(process: Share, capture: Share, supplier: Share, worker: Share, harness: Share, unattributed: Share) {
        self.process = process
        self.capture = capture
        self.supplier = supplier
        self.worker = worker
        self.harness = harness
        self.unattributed = unattributed
    }
}

public struct MemoryResult: Sendable, Codable {
    /// The largest RSS sampled during the run (every 250 ms and at the end of the
    /// window). Not getrusage's lifetime peak: a sweep's runs share one process, and
    /// each would otherwise report the largest run before it.
    public var peakRSSBytes: UInt64
    public var rssAtEndOfWindowBytes: UInt64
    /// Pixel buffers held by the captures' pools at the end.
    public var framePoolBytes: UInt64
    /// The shared decoded clip in `preload` mode.
    public var preloadedClipBytes: UInt64

    public init(peakRSSBytes: UInt64, rssAtEndOfWindowBytes: UInt64, framePoolBytes: UInt64, preloadedClipBytes: UInt64) {
        self.peakRSSBytes = peakRSSBytes
        self.rssAtEndOfWindowBytes = rssAtEndOfWindowBytes
        self.framePoolBytes = framePoolBytes
        self.preloadedClipBytes = preloadedClipBytes
    }

    /// No memory measured (virtual time).
    public static let none = MemoryResult(peakRSSBytes: 0, rssAtEndOfWindowBytes: 0, framePoolBytes: 0, preloadedClipBytes: 0)
}

/// Whole-run balances: for each stream and stage, in = out + dropped (+ in flight at stop).
public struct Accounting: Sendable, Codable {
    public struct Line: Sendable, Codable, Equatable {
        public var stage: String
        public var subject: String
        public var input: UInt64
        public var output: UInt64
        public var dropped: UInt64
        public var inFlightAtStop: UInt64
        public var balanced: Bool { input == output + dropped + inFlightAtStop }
    }
    public var lines: [Line]
    public var balanced: Bool { lines.allSatisfy(\.balanced) }
}
