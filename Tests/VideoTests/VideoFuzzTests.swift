import Foundation
import TestSupport
import XCTest

/// The video fuzz campaign: clips that Debian's ffmpeg makes over a grid of frame sizes,
/// pixel formats, codecs and containers, seeded byte-level mutations of them
/// (Fixtures/video-fuzz/make_corpus.py), and the regression corpus of files that once
/// failed (Fixtures/video-fuzz/regressions). Every file goes through the real CLI in a
/// subprocess with guard pages behind every pixel buffer (`SCALEBENCH_GUARD_PIXELS=1`),
/// so an overrun stops the child at once instead of corrupting its heap; under
/// AddressSanitizer the child also reports leaks at exit.
///
/// Each file must either decode to `ffprobe -count_frames`' count (exit 0) or fail with
/// exactly one line naming the file (exit 2), within a time bound. `quick` (every CI
/// run) samples each axis; `SCALEBENCH_VIDEO_FUZZ_TIER=full` runs the whole campaign
/// (`make fuzz-video`); `SCALEBENCH_VIDEO_FUZZ_SEED` picks another seed.
final class VideoFuzzTests: XCTestCase {
    struct Entry: Decodable {
        var file: String
        var kind: String
        var what: String?
        var base: String?
        var ffprobe_frames: Int?
    }

    struct Manifest: Decodable { var files: [Entry] }

    static let tier = ProcessInfo.processInfo.environment["SCALEBENCH_VIDEO_FUZZ_TIER"] ?? "quick"
    static let seed = ProcessInfo.processInfo.environment["SCALEBENCH_VIDEO_FUZZ_SEED"] ?? "1"
    static let regressions = Fixtures.folder.appendingPathComponent("video-fuzz/regressions")
    /// A child that takes longer than this on one file hangs (ASan makes decoding 2–3× slower).
    static let bound = 120.0
    static let guarded = ["SCALEBENCH_GUARD_PIXELS": "1"]

    // Written by the first test of the class, read by the second: XCTest runs them one after another.
    nonisolated(unsafe) private static var corpus: Result<(folder: URL, files: [Entry]), Error>?

    /// The corpus is made once for the class and removed after it.
    static func generated() throws -> (folder: URL, files: [Entry]) {
        if let corpus { return try corpus.get() }
        let made = Result { () throws -> (folder: URL, files: [Entry]) in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scalebench-video-fuzz-\(getpid())")
            try? FileManager.default.removeItem(at: folder)
            let script = Fixtures.folder.appendingPathComponent("video-fuzz/make_corpus.py").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, folder.path, "--tier", tier, "--seed", seed]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw NSError(domain: "make_corpus.py", code: Int(process.terminationStatus),
                              userInfo: [NSLocalizedDescriptionKey: "the corpus script failed with status \(process.terminationStatus)"])
            }
            let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
            return (folder, manifest.files)
        }
        corpus = made
        return try made.get()
    }

    override class func tearDown() {
        if case .success(let made)? = corpus { try? FileManager.default.removeItem(at: made.folder) }
        corpus = nil
        super.tearDown()
    }

    /// The committed files that once crashed or misbehaved, with ffprobe's count.
    static func regressionFiles() throws -> [(path: String, frames: Int?)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: regressions.path)
            .filter { !$0.hasSuffix(".md") }.sorted()
        return try names.map { name in
            let path = regressions.appendingPathComponent(name).path
            let text = try Fixtures.run("ffprobe", ["-v", "error", "-threads", "1", "-count_frames", "-select_streams", "v:0",
                                                    "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path])
            let first = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ", ")) }
            return (path, first.flatMap { Int($0) })
        }
    }

    func testEveryFileDecodesToFFprobesCountOrFailsWithOneLineNamingIt() throws {
        let corpus = try Self.generated()
        let inputs = corpus.files.map { (path: corpus.folder.appendingPathComponent($0.file).path, frames: $0.ffprobe_frames,
                                         what: $0.what ?? $0.kind) }
            + (try Self.regressionFiles().map { (path: $0.path, frames: $0.frames, what: "regression corpus") })
        XCTAssertGreaterThan(inputs.count, 200, "the \(Self.tier) corpus")

        let verdicts = Verdicts(count: inputs.count)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let input = inputs[index]
            let verdict: String?
            do {
                let outcome = try CLIProcess.run(["probe", "--json", input.path], environment: Self.guarded, timeout: Self.bound)
                verdict = Self.judgeProbe(outcome, path: input.path, ffprobeFrames: input.frames)
            } catch {
                verdict = "could not start the CLI: \(error)"
            }
            verdicts.set(index, verdict.map { "\(input.path) (\(input.what)): \($0)" })
        }
        let failures = verdicts.all.compactMap { $0 }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) of \(inputs.count) files:\n" + failures.prefix(40).joined(separator: "\n"))
        let mutations = corpus.files.filter { $0.kind == "mutation" }.count
        print("video fuzz (\(Self.tier), seed \(Self.seed)): \(inputs.count) files, \(mutations) of them mutations, "
              + "\(failures.count) failures")
    }

    /// Decoding into the workbench's own buffers and workers: each sampled file is stream
    /// 1 of a run whose stream 0 plays a healthy fixture; live decoding on each stream's
    /// capture thread, RGB and YUV output, and the `pixels` worker reading every frame.
    /// Stream 1 plays or fails with the file's reason; stream 0 is never affected.
    func testRecordedRunsOverASampleOfTheCorpusFailOnlyTheStreamOfABadFile() throws {
        let corpus = try Self.generated()
        var generator = SplitMix(seed: UInt64(Self.seed) ?? 1)
        let clips = corpus.files.filter { $0.kind != "mutation" }
        let mutations = corpus.files.filter { $0.kind == "mutation" && $0.ffprobe_frames != nil }
        let count = Self.tier == "full" ? 60 : 8
        var sample = (0..<count).map { _ in clips[Int(generator.next() % UInt64(clips.count))] }
        sample += (0..<count).map { _ in mutations[Int(generator.next() % UInt64(mutations.count))] }
        let healthy = Fixtures.path("lobby-mjpeg-320x240.avi")
        let scenarioFile = FileManager.default.temporaryDirectory.appendingPathComponent("video-fuzz-run-\(getpid()).yaml")
        defer { try? FileManager.default.removeItem(at: scenarioFile) }
        for (index, entry) in sample.enumerated() {
            let path = corpus.folder.appendingPathComponent(entry.file).path
            let format = index % 2 == 0 ? "yuv420p" : "rgb24"
            try """
            name: video-fuzz
            streams: 2
            duration: 600ms
            warmup: 0s
            capture:
              source: \(healthy)
              sources: {1: "\(path)"}
              decode: live
              pixel-format: \(format)
            workers:
              - kind: pixels
            """.write(to: scenarioFile, atomically: true, encoding: .utf8)
            let outcome = try CLIProcess.run(["run", scenarioFile.path, "--no-store", "--json"],
                                             environment: Self.guarded, timeout: Self.bound)
            let label = "\(entry.file) (\(entry.what ?? entry.kind), \(format))"
            XCTAssertFalse(outcome.timedOut, "\(label): hung")
            switch outcome.status {
            case 0:
                let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any], label)
                let streams = try XCTUnwrap(json["streams"] as? [[String: Any]], label)
                XCTAssertEqual(streams.count, 2, label)
                XCTAssertEqual(streams.first?["status"] as? String, "ok", "\(label): the healthy stream is unaffected")
                let bad = streams.last ?? [:]
                if bad["status"] as? String != "ok" {
                    XCTAssertEqual(bad["status"] as? String, "failed", label)
                    XCTAssertTrue((bad["error"] as? String)?.contains(path) == true, "\(label): \(bad)")
                    XCTAssertEqual(entry.kind, "mutation", "\(label): a clip ffmpeg made must play: \(bad)")
                }
            case 2:
                // A file refused when it is opened: bad input, nothing run.
                XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "\(label): \(outcome.stderr)")
                XCTAssertTrue(outcome.stderr.contains(path), "\(label): \(outcome.stderr)")
                XCTAssertEqual(entry.kind, "mutation", "\(label): a clip ffmpeg made must open: \(outcome.stderr)")
            default:
                XCTFail("\(label): exit status \(outcome.status)\n\(outcome.stderr.suffix(2000))")
            }
        }
    }

    /// What one `probe --json` child did with a file: nil when acceptable.
    static func judgeProbe(_ outcome: CLIProcess.Outcome, path: String, ffprobeFrames: Int?) -> String? {
        if outcome.timedOut { return "hung (killed after \(Int(bound)) s)" }
        let lines = outcome.stderr.split(separator: "\n")
        switch outcome.status {
        case 0:
            guard let json = try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any],
                  let frames = json["frames"] as? Int else { return "exit 0 without a JSON report: \(outcome.stdout.prefix(200))" }
            guard frames == ffprobeFrames else { return "decoded \(frames) frames, ffprobe -count_frames counts \(ffprobeFrames.map(String.init) ?? "none (it cannot read the file)")" }
            return nil
        case 2:
            guard lines.count == 1, lines[0].contains(path) else { return "exit 2 without one line naming the file: \(outcome.stderr.prefix(400))" }
            return nil
        default:
            return "exit status \(outcome.status) (crash, sanitizer report or leak):\n\(outcome.stderr.suffix(3000))"
        }
    }
}

/// Verdicts written by concurrent children, one slot each.
private final class Verdicts: @unchecked Sendable {
    private var slots: [String?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ verdict: String?) { lock.withLock { slots[index] = verdict } }
    var all: [String?] { lock.withLock { slots } }
}

/// A tiny seeded generator for picking the sample (SplitMix64).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
