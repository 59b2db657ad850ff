import Foundation

/// A worker that is a process of its own, speaking the original's protocol
/// (``WorkerMessages``) over its standard input and output: one process per worker
/// instance (option A: one per stream; B: its pool; C: its shared instances).
///
/// Scenario files write it as
/// ```yaml
/// - name: hog
///   process: [python3, workers/hog_person_detector.py, --threads, "1"]
///   env: {OMP_NUM_THREADS: "1"}
///   cwd: .
///   reply-timeout: 5s
/// ```
public struct ProcessWorkerSpec: Sendable, Equatable, Codable {
    /// How frames travel to the worker.
    public enum FrameEncoding: String, Sendable, Codable, CaseIterable {
        /// JPEG (libavcodec's MJPEG encoder) on the worker's thread, as the original's bridge does.
        case jpeg
        /// The frame's pixels as they are, rows packed, with `frame_format` in the request.
        case raw
    }

    /// The program and its arguments; the program is searched in PATH unless it has a slash.
    public var command: [String]
    /// Added to (or replacing in) the workbench's own environment.
    public var environment: [String: String] = [:]
    /// The child's working directory (nil: the workbench's); relative paths of the command
    /// resolve against it.
    public var directory: String?
    public var frames: FrameEncoding = .jpeg
    /// `ffmpeg -q:v` of the JPEG encoding, 2 (best) … 31.
    public var jpegQuality = 5
    /// Longest wait for one reply (writing the request included) before the worker is
    /// failed as hung.
    public var replyTimeout: Duration = .seconds(10)
    /// Largest reply accepted; a prefix announcing more fails the worker.
    public var maxReplyBytes = 1 << 20
    /// After its standard input closes, how long the child has to exit before it is killed.
    public var stopTimeout: Duration = .seconds(2)
    /// A failed worker process is started again (its frame in hand lost) instead of the
    /// instance ending.
    public var restart = false

    public init(command: [String]) { self.command = command }

    /// Bounds on a reply's size a scenario may set.
    public static let replyBytesRange = 64...(256 << 20)

    /// A worker's name when the scenario gives none: its script's or program's file name
    /// without extension (`[python3, workers/hog.py]` → `hog`).
    public static func defaultName(_ command: [String]) -> String {
        let file = command.dropFirst().first { !$0.hasPrefix("-") && ($0.contains("/") || $0.contains(".")) } ?? command.first ?? "process"
        let base = file.split(separator: "/").last.map(String.init) ?? file
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { return String(base[..<dot]) }
        return base
    }

    /// The command as a person reads it.
    public var commandLine: String {
        command.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }

    /// As stored in a run's scenario: `process:` then this spec's JSON, so that the text a
    /// ``CostModel`` is stored as reads back to the same spec.
    public var storedText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return "process:" + String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Reads ``storedText``'s JSON part.
    public static func decode(json: String) -> ProcessWorkerSpec? {
        try? JSONDecoder().decode(ProcessWorkerSpec.self, from: Data(json.utf8))
    }
}
