import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// Decode throughput of the recorded source (frames/s, whole file, `live` decode path:
/// demux + decode + conversion into a pooled buffer) beside the ffmpeg CLI decoding the
/// same file with the same thread count and output pixel format. ffmpeg's own decoder is
/// the physical limit, so the ratio says what the workbench's wrapper costs.
public enum DecodeBenchmark {
    public struct Row: Sendable {
        public var file: String
        public var frames: Int
        public var format: PixelFormat
        public var oursFPS: Double
        public var ffmpegFPS: Double
        public var ratio: Double { ffmpegFPS > 0 ? oursFPS / ffmpegFPS : 0 }
    }

    public struct Result: Sendable {
        public var threads: Int
        public var repetitions: Int
        /// Times each file is decoded per measurement (looped), so short clips give
        /// durations well above timer resolution.
        public var passes: Int
        public var rows: [Row]
        public var machine: MachineInfo
    }

    public static func run(files: [String], threads: Int, repetitions: Int, passes: Int, formats: [PixelFormat]) throws -> Result {
        var rows: [Row] = []
        for file in files {
            for format in formats {
                var ours: [Double] = [], theirs: [Double] = []
                var frames = 0
                // Interleaved, so drift on the machine affects both sides alike.
                for _ in 0..<repetitions {
                    let (count, seconds) = try decodeOurs(file, threads: threads, format: format, passes: passes)
                    frames = count
                    ours.append(Double(count) / seconds)
                    theirs.append(try decodeFFmpeg(file, threads: threads, format: format, passes: passes))
                }
                rows.append(Row(file: file, frames: frames, format: format,
                                oursFPS: MailboxBenchmark.median(ours), ffmpegFPS: MailboxBenchmark.median(theirs)))
            }
        }
        return Result(threads: threads, repetitions: repetitions, passes: passes, rows: rows, machine: .current())
    }

    /// Timed from after opening, as ffmpeg's rtime (which starts after its inputs are open).
    static func decodeOurs(_ file: String, threads: Int, format: PixelFormat, passes: Int) throws -> (Int, Double) {
        let clock = SystemClock()
        let decoder = try VideoDecoder(url: file, options: .init(threads: threads, format: format))
        var ring = BufferRing<Void>(layout: decoder.outputLayout, initialCount: 2) {}
        var frames = 0
        let start = clock.now()
        for pass in 0..<passes {
            if pass > 0 { try decoder.rewind() }
            while case .frame = try decoder.decode(into: ring[ring.acquire()].buffer) { frames += 1 }
        }
        return (frames, Double(clock.now() - start) / 1e9)
    }

    /// ffmpeg's decode rate: the frames it reports (`frame=`) over its `-benchmark` rtime.
    /// Its own count is used because `-stream_loop` cannot loop inputs that do not seek.
    static func decodeFFmpeg(_ file: String, threads: Int, format: PixelFormat, passes: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg", "-hide_banner", "-threads", "\(threads)", "-benchmark",
                             "-stream_loop", "\(passes - 1)", "-i", file, "-fps_mode", "passthrough", "-sws_flags", "bilinear",
                             "-pix_fmt", format == .rgb24 ? "rgb24" : "yuv420p", "-f", "null", "-"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let range = text.range(of: "rtime="),
              let seconds = Double(text[range.upperBound...].prefix { $0.isNumber || $0 == "." }),
              let frameRange = text.range(of: "frame=", options: .backwards),
              let frames = Double(text[frameRange.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }) else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "ffmpeg -benchmark printed no frame count or rtime for \(file)"])
        }
        return frames / seconds
    }
}

extension DecodeBenchmark.Result {
    public func markdown() -> String {
        var lines = ["| file | output | frames | scalebench fps | ffmpeg fps | ratio |", "|---|---|---:|---:|---:|---:|"]
        for row in rows {
            lines.append(String(format: "| %@ | %@ | %d | %.0f | %.0f | %.3f |", (row.file as NSString).lastPathComponent,
                                row.format.rawValue, row.frames, row.oursFPS, row.ffmpegFPS, row.ratio))
        }
        lines.append("")
        lines.append("Decoder threads \(threads); each measurement decodes the file \(passes) times; median of \(repetitions) interleaved repetitions. Machine: \(machine.cpuModel), \(machine.logicalCores) logical cores, \(machine.buildConfiguration) build.")
        return lines.joined(separator: "\n")
    }
}
