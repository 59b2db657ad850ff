import ArgumentParser
import Foundation
import ScaleBench

/// The flags that describe a run's scenario, shared by `run` and `sweep`.
struct ScenarioOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Number of camera streams (1–4096); for sweep, a comma-separated list.")
    var streams: String = "4"

    @Option(help: "Frames: synthetic, a video file (mp4, mkv, ts, raw h264/hevc, mjpeg …) or a live URL (rtsp://, udp://, tcp://, http://, srt://).")
    var source: String = "synthetic"

    @Option(help: "For a file: live (each stream decodes on its capture thread) or preload (decode once, shared by all streams).")
    var decode: String = "live"

    @Option(name: .customLong("decode-threads"), parsing: .unconditional, help: "Decoder threads per decoding stream (0: FFmpeg chooses).")
    var decodeThreads: Int = 1

    @Flag(name: .customLong("no-loop"), help: "End a file's stream at its end instead of looping.")
    var noLoop = false

    @Option(name: .customLong("reconnect-scale"), parsing: .unconditional, help: "Scale the live reconnect delays (1 = 1, 2, 4, 8, 16 s).")
    var reconnectScale: Double = 1

    @Option(parsing: .unconditional, help: "Frames per second: 0.1–30, as the original (up to 1000 with --stress). Synthetic default 30; a file or URL plays at its own rate unless given (rate control only drops).")
    var fps: Double?

    @Flag(help: "Allow --fps above 30 (stress runs beyond the original's range).")
    var stress = false

    @Option(parsing: .unconditional, help: "Measured window, after the warm-up (e.g. 10s, 500ms).")
    var duration: String = "10s"

    @Option(parsing: .unconditional, help: "Warm-up excluded from every metric (e.g. 1s; 0s for none).")
    var warmup: String = "1s"

    @Option(name: .customLong("worker"), help: "A worker on every pipeline; repeat for several (default: person-detector).")
    var workers: [String] = []

    @Option(help: "Frame size: 480p, 512p, 640p, 720p, 1080p or WIDTHxHEIGHT (synthetic default 720p; a file or URL keeps its own size unless given).")
    var resolution: String?

    @Option(name: .customLong("pixel-format"), help: "rgb24 (as the original) or yuv420p.")
    var pixelFormat: String = "rgb24"

    @Option(help: "Arrival process: periodic, jitter(DURATION) or poisson.")
    var arrival: String = "periodic"

    @Option(help: "Start phase of the streams: spread (i/N of a period), aligned (lock-step) or random.")
    var phase: String = "spread"

    @Option(parsing: .unconditional, help: "Seed of every random draw (service times, jitter, phases).")
    var seed: UInt64 = 1

    @Option(help: "Topology: A (N independent pipelines), B (one global pipeline, every worker a shared pool) or C (N pipelines, --shared kinds through a frame-buffer).")
    var topology: String = "A"

    @Option(help: "Option B: single-inbox (the original: streams overwrite each other) or per-stream-inbox (ADR-004).")
    var inbox: String = "per-stream-inbox"

    @Option(name: .customLong("shared"), help: "Option C: a worker (by name, e.g. vlm) shared by all streams; repeat for several.")
    var shared: [String] = []

    @Option(name: .customLong("shared-instances"), parsing: .unconditional, help: "Options B and C: instances of each shared worker kind.")
    var sharedInstances: Int = 1

    @Option(name: .customLong("framebuffer-slot"), help: "Option C: a full stream slot overwrites (like the supplier) or drops the new frame (drop-new, the P002 sketch).")
    var frameBufferSlot: String = "overwrite"

    @Option(help: "Options B and C: which waiting stream is served next: fifo (oldest frame), round-robin, least-recently-served or priority(STREAM=WEIGHT,…).")
    var scheduling: String = "round-robin"

    @Option(name: .customLong("fanout-threshold"), parsing: .unconditional, help: "Workers above which a supplier delivers in concurrent chunks (the original: 8).")
    var fanOutThreshold: Int = 8

    /// Turns flags into a validated scenario; the first bad value becomes a UsageError.
    /// With `validate` false the caller validates (a sweep checks each of its cells).
    func makeScenario(streams count: Int? = nil, validate: Bool = true) throws -> RunScenario {
        var scenario = RunScenario()
        if let count {
            scenario.streams = count
        } else {
            guard let single = Int(streams.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("--streams \(streams): expected an integer from \(RunScenario.streamRange.lowerBound) to \(RunScenario.streamRange.upperBound)")
            }
            scenario.streams = single
        }
        scenario.source = VideoSource(parsing: source)
        guard let mode = DecodeMode(rawValue: decode.lowercased()) else {
            throw UsageError("--decode \(decode): expected live or preload")
        }
        scenario.decode = mode
        scenario.decodeThreads = decodeThreads
        scenario.loop = !noLoop
        scenario.reconnectScale = reconnectScale
        scenario.fps = fps ?? (scenario.source == .synthetic ? 30 : nil)
        scenario.stress = stress
        scenario.seed = seed
        scenario.fanOutThreshold = fanOutThreshold
        scenario.duration = try parse("--duration", duration) { try Duration.parse($0) }
        scenario.warmup = try parse("--warmup", warmup) { try Duration.parse($0) }
        if let resolution {
            guard let resolved = Resolution(parsing: resolution) else {
                throw UsageError("--resolution \(resolution): expected \(Resolution.presets.map(\.name).joined(separator: ", ")) or WIDTHxHEIGHT with sides 2–\(Resolution.maximumSide)")
            }
            scenario.resolution = resolved
        } else if scenario.source != .synthetic {
            scenario.resolution = nil
        }
        guard let format = PixelFormat(userName: pixelFormat) else {
            throw UsageError("--pixel-format \(pixelFormat): expected rgb24 or yuv420p")
        }
        scenario.pixelFormat = format
        scenario.arrival = try parse("--arrival", arrival) { try ArrivalProcess.parse($0) }
        guard let phasePolicy = PhasePolicy(rawValue: phase.lowercased()) else {
            throw UsageError("--phase \(phase): expected spread, aligned or random")
        }
        scenario.phase = phasePolicy
        scenario.workers = try (workers.isEmpty ? ["person-detector"] : workers).map { text in
            try parse("--worker", text) { try WorkerSpec.parse($0) }
        }
        guard let kind = TopologyKind(rawValue: topology.uppercased()) else {
            throw UsageError("--topology \(topology): expected \(TopologyKind.allCases.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        scenario.topology = kind
        guard let inboxKind = InboxKind(rawValue: inbox.lowercased()) else {
            throw UsageError("--inbox \(inbox): expected single-inbox or per-stream-inbox")
        }
        scenario.inbox = inboxKind
        scenario.sharedWorkers = shared
        scenario.sharedInstances = sharedInstances
        guard let slot = SlotPolicy(rawValue: frameBufferSlot.lowercased()) else {
            throw UsageError("--framebuffer-slot \(frameBufferSlot): expected overwrite or drop-new")
        }
        scenario.frameBufferSlot = slot
        scenario.scheduling = try parse("--scheduling", scheduling) { try SchedulingPolicy.parse($0) }
        if validate { try Self.check(scenario) }
        return scenario
    }

    /// Validates a scenario; its first problem becomes a UsageError naming the flag.
    static func check(_ scenario: RunScenario) throws {
        do {
            try scenario.validate()
        } catch {
            throw UsageError("--\(error.key) \(error.value): expected \(error.allowed)")
        }
    }

    func parse<T>(_ flag: String, _ text: String, _ body: (String) throws -> T) throws -> T {
        do {
            return try body(text)
        } catch let error as ParseError {
            throw UsageError("\(flag) \(text): \(error.message)")
        }
    }

}
