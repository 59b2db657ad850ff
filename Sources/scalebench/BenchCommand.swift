import ArgumentParser
import Foundation
import Benchmarks
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks of the workbench's own components.",
        subcommands: [MailboxBench.self, DecodeBench.self, StoreBench.self, SimulationBench.self])
}

struct MailboxBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbox",
        abstract: "Hand-off latency through one FrameSupplier to W workers, and the cost of publish.",
        discussion: """
        For each W: W workers subscribe to one supplier; frames are published at a fixed
        interval, each stamped at publish; every worker records receive − stamp. Prints
        p50, p99 and max in µs and the supplier's inboxDrops, for workers on threads of
        their own (as the executor runs CPU workers) and for workers that only sleep and
        hold no thread (as it runs offload workers). Then times `publish` with one
        subscribed worker that never reads (ns/op, median of the repetitions).
        """)

    @Option(help: "Worker counts to measure, comma-separated.")
    var workers: String = "1,8,64"

    @Option(help: "Frames published per worker count.")
    var frames: Int = 3000

    @Option(help: "Interval between publishes.")
    var interval: String = "1ms"

    @Option(name: .customLong("publish-ops"), help: "Publishes per repetition of the publish-cost measurement.")
    var publishOps: Int = 1_000_000

    @Option(help: "Repetitions of the publish-cost measurement (the median is reported).")
    var repetitions: Int = 5

    @Flag(help: "Print a Markdown section (with the machine's details) instead of text.")
    var markdown = false

    func run() throws {
        let counts = workers.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 != nil && (1...1024).contains($0!) }) else {
            throw UsageError("--workers \(workers): expected comma-separated integers from 1 to 1024")
        }
        guard (10...1_000_000).contains(frames) else { throw UsageError("--frames \(frames): expected an integer from 10 to 1000000") }
        guard (1_000...100_000_000).contains(publishOps) else { throw UsageError("--publish-ops \(publishOps): expected an integer from 1000 to 100000000") }
        guard (1...100).contains(repetitions) else { throw UsageError("--repetitions \(repetitions): expected an integer from 1 to 100") }
        let gap: Duration
        do { gap = try Duration.parse(interval) } catch { throw UsageError("--interval \(interval): \(error.message)") }
        guard gap.nanoseconds >= 10_000 else { throw UsageError("--interval \(interval): expected at least 10us") }

        let configuration = MailboxBenchmark.Configuration(
            workerCounts: counts.map { $0! }, frames: frames, intervalNanos: gap.nanoseconds,
            publishOps: publishOps, repetitions: repetitions)
        let result = MailboxBenchmark.run(configuration)
        print(markdown ? result.markdown() : result.text())
    }
}

struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode throughput of the recorded source beside `ffmpeg -benchmark` on the same files.",
        discussion: """
        For each file and output pixel format: frames/s decoding the whole file through the
        workbench's decoder (demux, decode, convert into a pooled buffer) and through
        `ffmpeg -threads N -benchmark -stream_loop P-1 -i FILE -fps_mode passthrough
        -sws_flags bilinear -pix_fmt FMT
        -f null -` (frames it reports over its rtime), and
        their ratio. Both decode the file P times (--passes) and are timed after opening.
        Repetitions alternate the two; medians are reported.
        """)

    @Argument(help: "Video files to decode.")
    var files: [String]

    @Option(parsing: .unconditional, help: "Decoder threads, for both.")
    var threads: Int = 1

    @Option(parsing: .unconditional, help: "Repetitions (the median is reported).")
    var repetitions: Int = 5

    @Option(parsing: .unconditional, help: "Times each file is decoded per measurement (looped), so short clips time well.")
    var passes: Int = 10

    @Option(name: .customLong("pixel-format"), help: "Output formats, comma-separated: rgb24, yuv420p.")
    var pixelFormats: String = "yuv420p,rgb24"

    func run() throws {
        guard !files.isEmpty else { throw UsageError("files: expected at least one video file") }
        guard (0...64).contains(threads) else { throw UsageError("--threads \(threads): expected an integer from 0 to 64") }
        guard (1...100).contains(repetitions) else { throw UsageError("--repetitions \(repetitions): expected an integer from 1 to 100") }
        guard (1...1000).contains(passes) else { throw UsageError("--passes \(passes): expected an integer from 1 to 1000") }
        let formats = pixelFormats.split(separator: ",").map { PixelFormat(userName: String($0)) }
        guard !formats.isEmpty, formats.allSatisfy({ $0 != nil }) else {
            throw UsageError("--pixel-format \(pixelFormats): expected rgb24, yuv420p or both, comma-separated")
        }
        do {
            print(try DecodeBenchmark.run(files: files, threads: threads, repetitions: repetitions, passes: passes, formats: formats.map { $0! }).markdown())
        } catch let error as VideoError {
            throw UsageError("\(error.url): \(error.reason) (\(error.call))")
        }
    }
}

struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Write speed of the results database: trace rows per second and one run's metric commit.")

    @Option(parsing: .unconditional, help: "Trace rows inserted per repetition.")
    var rows: Int = 1_000_000

    @Option(parsing: .unconditional, help: "Repetitions (the median is reported).")
    var repetitions: Int = 5

    @Option(help: "Folder for the temporary databases.")
    var folder: String = NSTemporaryDirectory()

    func run() throws {
        guard (1_000...100_000_000).contains(rows) else { throw UsageError("--rows \(rows): expected an integer from 1000 to 100000000") }
        guard (1...100).contains(repetitions) else { throw UsageError("--repetitions \(repetitions): expected an integer from 1 to 100") }
        print(try StoreBenchmark.run(rows: rows, repetitions: repetitions, folder: URL(fileURLWithPath: folder)).text())
    }
}

struct SimulationBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulation",
        abstract: "Events and frames per second of the simulated-time executor.",
        discussion: """
        Cases: docs/queueing.md §1's single-worker model (one stream, Poisson 30/s, one
        latest-frame slot; constant 50 ms and exponential 33.3 ms service) for --frames
        frames, as benchmarks/simpy runs it in SimPy; then each --scenario file, its first
        topology unless --topology, its duration unless --duration. Build, simulation and
        summary are timed apart in this process; medians of the repetitions.
        Example: scalebench bench simulation --scenario benchmarks/scale-1000.yaml --frames 0 --repetitions 1
        """)

    @Option(parsing: .unconditional, help: "Frames of the single-worker model (0: leave it out).")
    var frames: Int = 1_000_000

    @Option(help: "A scenario file to simulate; repeat for several (default: Scenarios/nursing-home-32.yaml, option C, 1 hour).")
    var scenario: [String] = []

    @Option(help: "Topology of the scenario files (default: each file's first; C for the default file).")
    var topology: TopologyKind?

    @Option(parsing: .unconditional, help: "Measured virtual time of the scenario files (default: each file's; 1h for the default file).", transform: Parsed.duration)
    var duration: Duration?

    @Option(parsing: .unconditional, help: "Repetitions (the median is reported).")
    var repetitions: Int = 5

    func run() throws {
        guard frames == 0 || (1_000...1_000_000_000).contains(frames) else {
            throw UsageError("--frames \(frames): expected 0 or an integer from 1000 to 1000000000")
        }
        guard (1...100).contains(repetitions) else { throw UsageError("--repetitions \(repetitions): expected an integer from 1 to 100") }
        var cases: [SimulationBenchmark.Case] = []
        if frames > 0 {
            for (label, service) in [("constant 50 ms", "offload:constant(50ms)"), ("exponential 33.3 ms", "offload:exponential(33.333333ms)")] {
                var model = RunScenario()
                model.streams = 1
                model.fps = 30
                model.arrival = .poisson
                model.resolution = Resolution(width: 160, height: 120)
                model.workers = [try WorkerSpec.parse(service)]
                model.duration = .seconds(Double(frames) / 30)
                model.warmup = .seconds(Double(frames) / 600)
                cases.append(.init(name: "§1 single worker, \(label)", scenario: model))
            }
        }
        let files = scenario.isEmpty ? ["Scenarios/nursing-home-32.yaml"] : scenario
        for path in files {
            let file: ScenarioFile
            do { file = try ScenarioFile.load(path: path) } catch { throw UsageError(error.description) }
            let kind = topology ?? (scenario.isEmpty ? .hybrid : file.topologies[0])
            var model = file.scenario(streams: file.streamCounts[0], topology: kind)
            if let measured = duration ?? (scenario.isEmpty ? .seconds(3600) : nil) {
                model.duration = measured
            }
            do {
                try model.validate()
                try VirtualExecutor.check(model)
            } catch { throw UsageError("\(path): \(error)") }
            let reasons = model.infeasibilities
            guard reasons.isEmpty else {
                throw UsageError("\(path): option \(kind.rawValue) with \(model.streams) streams is infeasible: " + reasons.map(\.description).joined(separator: "; "))
            }
            cases.append(.init(name: "\(file.name) option \(kind.rawValue)", scenario: model))
        }
        let (machine, rows) = try SimulationBenchmark.run(cases, repetitions: repetitions)
        print(SimulationBenchmark.markdown(machine: machine, rows: rows, repetitions: repetitions))
    }
}
