import Foundation

/// Paths to the committed clips in Fixtures/ and helpers to run the ffmpeg tools on them.
public enum Fixtures {
    /// The repository's root folder.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    public static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    public static let valid = ["corridor-640x360.mp4", "ward-1280x720.mp4", "room-hevc-640x360.mkv", "lobby-mjpeg-320x240.avi",
                        "corridor-640x360.ts", "corridor-640x360.h264"]
    public static let malformed = ["empty.mp4", "truncated-moov.mp4", "not-a-video.mp4", "audio-only.mp4"]

    /// Runs a program to completion and returns its standard output.
    public static func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// What `ffprobe -count_frames` says: frame count, width, height of the first video stream.
    public static func ffprobe(_ name: String) throws -> (frames: Int, width: Int, height: Int) {
        let text = try run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                       "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", path(name)])
        // MPEG-TS repeats the stream under its program: the first line is the stream.
        let line = text.split(separator: "\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        let fields = line.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard fields.count == 3 else { throw NSError(domain: "ffprobe", code: 1, userInfo: [NSLocalizedDescriptionKey: text]) }
        return (fields[2], fields[0], fields[1])
    }
}
