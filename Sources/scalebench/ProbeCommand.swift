import ArgumentParser
import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Decode a video file or live URL and report its stream, decode cost and warm-up check.",
        discussion: """
        A file is decoded whole; its warm-up check uses presentation times. A live URL is
        read for --window; its warm-up check uses arrival times. The check is the
        original's: stable when the fps standard deviation is under 15 % of the mean fps and
        the mean jitter under 20 % of the mean period; fewer than 2 frames fails.
        """)

    @Argument(help: "A video file or a live URL.")
    var source: String

    @Option(parsing: .unconditional, help: "Warm-up window evaluated (the original uses 5 s).")
    var warmup: String = "5s"

    @Option(parsing: .unconditional, help: "How long to read a live URL.")
    var window: String = "6s"

    @Option(name: .customLong("decode-threads"), parsing: .unconditional, help: "Decoder threads (0: FFmpeg chooses).")
    var decodeThreads: Int = 1

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        let warmupDuration: ScaleBenchCore.Duration, windowDuration: ScaleBenchCore.Duration
        do {
            warmupDuration = try .parse(warmup)
            windowDuration = try .parse(window)
        } catch {
            throw UsageError("--warmup/--window: \(error.message)")
        }
        guard (0...64).contains(decodeThreads) else {
            throw UsageError("--decode-threads \(decodeThreads): expected an integer from 0 to 64")
        }
        let report: ProbeReport
        do {
            report = try SourceProbe.probe(source, warmup: warmupDuration, window: windowDuration,
                                           options: .init(threads: decodeThreads))
        } catch {
            throw UsageError(error.description)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("\(report.source): \(report.codec) \(report.width)x\(report.height)"
              + (report.nominalFPS.map { String(format: " @ %.3f fps", $0) } ?? ""))
        print("frames decoded \(report.frames), corrupt packets \(report.corruptPackets), bytes read \(report.bytesRead)")
        let d = report.decodeMs
        print(String(format: "decode per frame: mean %.2f ms, p95 %.2f ms, max %.2f ms", d.mean ?? 0, d.p95 ?? 0, d.max ?? 0))
        if let c = report.decodeCPUMs {
            print(String(format: "decode CPU per frame (the thread's): mean %.2f ms, p95 %.2f ms", c.mean ?? 0, c.p95 ?? 0))
        }
        if let line = report.decodeCPULine {
            print("for a simulation on a declared box, under capture: \(line) (at the file's own rate; played at a lower fps, × its rate / fps)")
        }
        if let w = report.warmup {
            print(String(format: "warm-up (%d frames): fps mean %.2f, sd %.2f, min %.2f, max %.2f; jitter mean %.2f ms, sd %.2f ms, max %.2f ms → %@",
                         w.frames, w.fpsMean, w.fpsStdDev, w.fpsMin, w.fpsMax, w.jitterMeanMs, w.jitterStdDevMs, w.jitterMaxMs,
                         w.stable ? "stable" : "NOT stable"))
        } else if let failure = report.warmupFailure {
            print(failure)
        }
    }
}
