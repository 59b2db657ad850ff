import ArgumentParser
import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// The flags that describe a run's scenario, shared by `run` and `sweep`.
struct ScenarioOptions: ParsableArguments {
    @Argument(help: "A scenario file (YAML; keys in Scenarios/README.md). Flags given beside it override its settings.")
    var scenarioFile: String?

    @Option(parsing: .unconditional, help: "Number of camera streams (1–4096; default 4); for sweep (and run with a scenario file), a comma-separated list.", transform: Parsed.streamCounts)
    var streams: [Int]?

    @Option(help: "Frames: synthetic (default), a video file (mp4, mkv, ts, raw h264/hevc, mjpeg …) or a live URL (rtsp://, udp://, tcp://, http://, srt://).")
    var source: String?

    @Option(help: "For a file: live (default: each stream decodes on its capture thread) or preload (decode once, shared by all streams).")
    var decode: DecodeMode?

    @Option(name: .customLong("decode-threads"), parsing: .unconditional, help: "Decoder threads per decoding stream (0: FFmpeg chooses; default 1).")
    var decodeThreads: Int?

    @Option(name: .customLong("decode-cpu"), help: "Simulated time: each frame's capture CPU (decode and conversion, or rendering) as a job on the box's cores, a duration or distribution (e.g. 4ms, lognormal(4ms,1ms)); from probe or calibrate. Real time decodes for real.", transform: Parsed.distribution)
    var decodeCPU: ServiceDistribution?

    @Flag(name: .customLong("no-loop"), help: "End a file's stream at its end instead of looping.")
    var noLoop = false

    @Option(name: .customLong("reconnect-scale"), parsing: .unconditional, help: "Scale the live reconnect delays (default 1 = 1, 2, 4, 8, 16 s).")
    var reconnectScale: Double?

    @Option(parsing: .unconditional, help: "Frames per second: 0.1–30, as the original (up to 1000 with --stress). Synthetic default 30; a file or URL plays at its own rate unless given (rate control only drops).")
    var fps: Double?

    @Flag(help: "Allow --fps above 30 (stress runs beyond the original's range).")
    var stress = false

    @Option(parsing: .unconditional, help: "Measured window, after the warm-up (default 10s; e.g. 500ms).", transform: Parsed.duration)
    var duration: Duration?

    @Option(parsing: .unconditional, help: "Warm-up excluded from every metric (default 1s; 0s for none).", transform: Parsed.duration)
    var warmup: Duration?

    @Option(name: .customLong("worker"), help: "A worker on every pipeline; repeat for several (default: person-detector). Not with a scenario file, which lists its workers.", transform: Parsed.worker)
    var workers: [WorkerSpec] = []

    @Option(help: "Frame size: 480p, 512p, 640p, 720p, 1080p or WIDTHxHEIGHT (synthetic default 720p; a file or URL keeps its own size unless given).", transform: Parsed.resolution)
    var resolution: Resolution?

    @Option(name: .customLong("pixel-format"), help: "rgb24 (default, as the original) or yuv420p.", transform: Parsed.pixelFormat)
    var pixelFormat: PixelFormat?

    @Option(help: "Arrival process: periodic (default), jitter(DURATION) or poisson.", transform: Parsed.arrival)
    var arrival: ArrivalProcess?

    @Option(help: "Start phase of the streams: spread (default: i/N of a period), aligned (lock-step) or random.")
    var phase: PhasePolicy?

    @Option(parsing: .unconditional, help: "Seed of every random draw (service times, jitter, phases; default 1).")
    var seed: UInt64?

    @Option(help: "Topology: A (default: N independent pipelines), B (one global pipeline, every worker a shared pool) or C (N pipelines, --shared kinds through a frame-buffer).")
    var topology: TopologyKind?

    @Option(help: "Option B: per-stream-inbox (default, ADR-004) or single-inbox (the original: streams overwrite each other).")
    var inbox: InboxKind?

    @Option(name: .customLong("shared"), help: "Option C: a worker (by name, e.g. vlm) shared by all streams; repeat for several. Not with a scenario file (say shared: true there).")
    var shared: [String] = []

    @Option(name: .customLong("shared-instances"), parsing: .unconditional, help: "Options B and C: instances of each shared worker kind (default 1).")
    var sharedInstances: Int?

    @Option(name: .customLong("framebuffer-slot"), help: "Option C: a full stream slot overwrites (default, like the supplier) or drops the new frame (drop-new, the P002 sketch).")
    var frameBufferSlot: SlotPolicy?

    @Option(help: "Options B and C: which waiting stream is served next: round-robin (default), fifo (oldest frame), least-recently-served or priority(STREAM=WEIGHT,…).", transform: Parsed.scheduling)
    var scheduling: SchedulingPolicy?

    @Option(name: .customLong("fanout-threshold"), parsing: .unconditional, help: "Workers above which a supplier delivers in concurrent chunks (the original: 8).")
    var fanOutThreshold: Int?

    @Option(help: "The box the run models: a profile (\(HostProfile.all.map(\.name).joined(separator: ", "))); real time is pinned to its threads, simulated time shares its cores.", transform: Parsed.hostProfile)
    var host: HostSpec?

    @Option(name: .customLong("host-cores"), parsing: .unconditional, help: "The box's physical cores (with --host, overrides the profile's; alone, a box of this many cores, one thread each).")
    var hostCores: Int?

    @Option(name: .customLong("host-threads"), parsing: .unconditional, help: "The box's hardware threads (default: the cores, or the profile's threads per core).")
    var hostThreads: Int?

    @Option(name: .customLong("host-smt"), parsing: .unconditional, help: "What a second busy thread makes of a core's throughput, e.g. 1.25 (default 1.25 with more threads than cores).")
    var hostSMT: Double?

    /// The scenario file, read and checked, or nil without one.
    func loadFile() throws -> ScenarioFile? {
        guard let path = scenarioFile else { return nil }
        if !workers.isEmpty { throw UsageError("--worker: the workers come from \(path); edit its workers list instead") }
        if !shared.isEmpty { throw UsageError("--shared: shared kinds come from \(path); set shared: true on the worker there") }
        do {
            return try ScenarioFile.load(path: path)
        } catch {
            throw UsageError(error.description)
        }
    }

    /// Turns the file (if any) and the flags given into a validated scenario; the first
    /// bad value becomes a UsageError. With `validate` false the caller validates (a
    /// sweep or a matrix checks each of its cells).
    func makeScenario(file: ScenarioFile? = nil, streams count: Int? = nil, topology kind: TopologyKind? = nil,
                      validate: Bool = true) throws -> RunScenario {
        var scenario: RunScenario
        if let file {
            scenario = file.scenario(streams: count ?? file.streamCounts[0], topology: kind ?? file.topologies[0])
        } else {
            scenario = RunScenario()
            scenario.workers = [try WorkerSpec.parse("person-detector")]
            if let count { scenario.streams = count }
            if let kind { scenario.topology = kind }
        }
        if count == nil, let streams {
            guard streams.count == 1 else {
                throw UsageError("--streams \(streams.map(String.init).joined(separator: ",")): one run takes one stream count (sweep takes a list)")
            }
            scenario.streams = streams[0]
        }
        try applyCapture(to: &scenario)
        if let seed { scenario.seed = seed }
        if let fanOutThreshold { scenario.fanOutThreshold = fanOutThreshold }
        if let duration { scenario.duration = duration }
        if let warmup { scenario.warmup = warmup }
        if !workers.isEmpty { scenario.workers = workers }
        if kind == nil, let topology {
            scenario = scenario.cell(streams: scenario.streams, topology: topology, shared: file?.base.sharedWorkers ?? scenario.sharedWorkers)
        }
        if let inbox { scenario.inbox = inbox }
        if !shared.isEmpty { scenario.sharedWorkers = shared }
        if let sharedInstances { scenario.sharedInstances = sharedInstances }
        if let frameBufferSlot { scenario.frameBufferSlot = frameBufferSlot }
        if let scheduling { scenario.scheduling = scheduling }
        try applyHost(to: &scenario)
        if validate { try Self.check(scenario, file: file) }
        return scenario
    }

    /// The host flags given, over the file's box (if any).
    private func applyHost(to scenario: inout RunScenario) throws {
        if var profile = host {
            profile.memoryGB = scenario.host?.memoryGB ?? profile.memoryGB
            scenario.host = profile
        }
        guard hostCores != nil || hostThreads != nil || hostSMT != nil else { return }
        var spec = scenario.host ?? HostSpec(cores: hostCores ?? 1, memoryGB: 16)
        let threadsPerCore = spec.threads / max(spec.cores, 1)
        if let hostCores {
            spec.cores = hostCores
            spec.threads = hostCores * threadsPerCore
        }
        if let hostSMT { spec.smt = [1, hostSMT] }
        if let hostThreads {
            spec.threads = hostThreads
            if hostSMT == nil, hostThreads > spec.cores, spec.smt.count < 2 { spec.smt = [1, 1.25] }
        }
        if spec.profile != nil, hostCores != nil || hostThreads != nil || hostSMT != nil { spec.profile = (spec.profile!.hasSuffix("(modified)") ? spec.profile! : spec.profile! + " (modified)") }
        if let problem = spec.problem {
            let flag = problem.hasPrefix("threads") ? "--host-threads" : problem.hasPrefix("smt") ? "--host-smt" : "--host-cores"
            throw UsageError("\(flag): \(problem)")
        }
        scenario.host = spec
    }

    /// The capture flags given, over the file's or the defaults.
    private func applyCapture(to scenario: inout RunScenario) throws {
        if let source {
            // A file or URL plays at its own rate and size unless given; synthetic frames
            // need both, so they get the defaults when the file had none.
            scenario.source = VideoSource(parsing: source)
            if scenario.source != .synthetic {
                if fps == nil { scenario.fps = nil }
                if resolution == nil { scenario.resolution = nil }
            } else {
                scenario.fps = scenario.fps ?? RunScenario().fps
                scenario.resolution = scenario.resolution ?? RunScenario().resolution
            }
        }
        if let decode { scenario.decode = decode }
        if let decodeThreads { scenario.decodeThreads = decodeThreads }
        if let decodeCPU { scenario.decodeCPU = decodeCPU }
        if noLoop { scenario.loop = false }
        if let reconnectScale { scenario.reconnectScale = reconnectScale }
        if let fps { scenario.fps = fps }
        if stress { scenario.stress = true }
        if let resolution { scenario.resolution = resolution }
        if let pixelFormat { scenario.pixelFormat = pixelFormat }
        if let arrival { scenario.arrival = arrival }
        if let phase { scenario.phase = phase }
    }

    /// Validates a scenario; its first problem becomes a UsageError naming the flag, or
    /// the file's line and key when the scenario came from a file.
    static func check(_ scenario: RunScenario, file: ScenarioFile? = nil) throws {
        do {
            try scenario.validate()
        } catch {
            if let file {
                let cell = file.isMatrix ? " (streams \(scenario.streams), topology \(scenario.topology.rawValue))" : ""
                throw UsageError(file.located(ScenarioFile.filePath(of: error.key), "\(error.value): expected \(error.allowed)\(cell)").description)
            }
            throw UsageError("--\(error.key) \(error.value): expected \(error.allowed)")
        }
    }
}
