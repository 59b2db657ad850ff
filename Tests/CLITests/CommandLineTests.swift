import Foundation
import TestSupport
import XCTest

/// The CLI as a user runs it: a real subprocess of the built `scalebench` binary.
final class CommandLineTests: XCTestCase {
    /// Each bad input: exit 2, one line naming the flag, the value and what is allowed,
    /// nothing on stdout (nothing ran).
    func testBadInputGetsOneClearLineAndExitStatus2() throws {
        let cases: [(arguments: [String], mentions: [String])] = [
            (["--streams", "0"], ["--streams", "0", "1 to 4096"]),
            (["--fps", "0"], ["--fps", "0", "0.1 to 30"]),
            (["--fps", "45"], ["--fps", "45", "--stress"]),
            (["--fps", "45", "--stress", "--fps", "2000"], ["--fps", "2000", "1000"]),
            (["--duration", "-1s"], ["--duration", "-1s", "negative"]),
            (["--duration", "0s"], ["--duration", "0s", "> 0"]),
            (["--worker", "yolo-xxl"], ["--worker", "yolo-xxl", "person-detector"]),
            (["--worker", "cpu:lognormal(20ms)"], ["--worker", "cpu:lognormal(20ms)", "lognormal takes 2"]),
            (["--worker", "offload:fast"], ["--worker", "offload:fast", "not a duration"]),
            (["--resolution", "huge"], ["--resolution", "huge", "720p"]),
            (["--pixel-format", "bgr"], ["--pixel-format", "bgr", "rgb24"]),
            (["--arrival", "bursty"], ["--arrival", "bursty", "poisson"]),
            (["--phase", "sideways"], ["--phase", "sideways", "spread"]),
            (["--streams", "many"], ["many", "--streams"]),
            (["--no-such-flag"], ["--no-such-flag"]),
            (["--topology", "Z"], ["--topology", "'Z'", "'A', 'B' or 'C'"]),
            (["--topology", "B", "--inbox", "shared"], ["--inbox", "single-inbox"]),
            (["--topology", "C", "--worker", "vlm"], ["--shared", "at least one shared worker"]),
            (["--topology", "C", "--worker", "vlm", "--shared", "pose"], ["--shared pose", "vlm"]),
            (["--worker", "vlm", "--shared", "vlm"], ["--shared vlm", "option A"]),
            (["--topology", "C", "--worker", "vlm", "--shared", "vlm", "--framebuffer-slot", "queue"], ["--framebuffer-slot", "drop-new"]),
            (["--topology", "C", "--worker", "vlm", "--shared", "vlm", "--scheduling", "lottery"], ["--scheduling", "round-robin"]),
            (["--host-cores", "0"], ["--host-cores", "cores 0", "at least 1"]),
            (["--host-cores", "4", "--host-threads", "2"], ["--host-threads", "threads 2", "at least the 4 cores"]),
            (["--host-cores", "2", "--host-threads", "4", "--host-smt", "0.8"], ["--host-smt", "a curve that falls"]),
            (["--host", "nuc"], ["--host", "'nuc'", "unknown profile", "nuc-i5-1135g7"]),
            (["--streams", "4,10"], ["--streams 4,10", "one stream count"]),
            (["--decode-cpu", "fast"], ["--decode-cpu", "fast"]),
            (["--mode", "simulated", "--source", "rtsp://127.0.0.1:1/x"], ["source rtsp://127.0.0.1:1/x", "live video arrives when it arrives"]),
            (["--mode", "simulated", "--source", Fixtures.path("corridor-640x360.mp4")], ["fps", "a target fps for a recorded file"]),
            (["--mode", "simulated", "--source", "/nonexistent/clip.mp4", "--fps", "10"], ["/nonexistent/clip.mp4", "a readable file"]),
            // A box larger than this machine (no machine here has 1000 CPUs).
            (["--host-cores", "1000"], ["host:", "needs 1000 CPUs", "--mode simulated", "--on-available-cpus"]),
        ]
        for (arguments, mentions) in cases {
            let outcome = try runCLI(["run", "--no-store"] + arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            XCTAssertEqual(outcome.stdout, "", "\(arguments): nothing runs")
            let lines = outcome.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(arguments): one line, got \(outcome.stderr)")
            for word in mentions {
                XCTAssertTrue(outcome.stderr.contains(word), "\(arguments): '\(word)' missing from \(outcome.stderr)")
            }
        }
    }

    /// The sweep's own flags are typed too: a bad value is refused while the flags are
    /// read, before any database is opened.
    func testBadSweepFlagsGetOneClearLineAndExitStatus2() throws {
        let cases: [(arguments: [String], mentions: [String])] = [
            (["--shard", "3/2"], ["'3/2' is invalid for '--shard", "1 ≤ i ≤ n"]),
            (["--topologies", "A,Q"], ["'A,Q' is invalid for '--topologies", "A, B, C"]),
            (["--cooldown", "soon"], ["'soon' is invalid for '--cooldown", "not a duration"]),
            (["--streams", "4,,8"], ["'4,,8' is invalid for '--streams", "comma-separated"]),
        ]
        for (arguments, mentions) in cases {
            let outcome = try runCLI(["sweep", "--db", "/nonexistent/folder/x.sqlite"] + arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "\(arguments): one line, got \(outcome.stderr)")
            for word in mentions {
                XCTAssertTrue(outcome.stderr.contains(word), "\(arguments): '\(word)' missing from \(outcome.stderr)")
            }
        }
    }

    func testHelpIsCompleteForEveryCommand() throws {
        let root = try runCLI(["--help"])
        XCTAssertEqual(root.status, 0)
        for word in ["run", "bench", "version", "Exit status"] { XCTAssertTrue(root.stdout.contains(word), word) }
        let runHelp = try runCLI(["run", "--no-store", "--help"])
        XCTAssertEqual(runHelp.status, 0)
        for flag in ["--streams", "--fps", "--stress", "--duration", "--warmup", "--worker", "--resolution", "--pixel-format",
                     "--arrival", "--phase", "--seed", "--fanout-threshold", "--json", "--events"] {
            XCTAssertTrue(runHelp.stdout.contains(flag), "run --help documents \(flag)")
        }
        let benchHelp = try runCLI(["bench", "mailbox", "--help"])
        XCTAssertEqual(benchHelp.status, 0)
        XCTAssertTrue(benchHelp.stdout.contains("--workers"))
    }

    func testVersionNamesTheLinkedLibraries() throws {
        let outcome = try runCLI(["version"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stdout.contains("FFmpeg"))
        XCTAssertTrue(outcome.stdout.contains("GSL 2."))
    }

    func testRunPrintsJSONAndWritesEvents() throws {
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("scalebench-events-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: events) }
        let outcome = try runCLI(["run", "--no-store", "--streams", "2", "--fps", "20", "--duration", "500ms", "--warmup", "200ms",
                               "--resolution", "160x120", "--worker", "offload:10ms", "--worker", "pixels",
                               "--json", "--events", events.path])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let workers = try XCTUnwrap(json["workers"] as? [[String: Any]])
        XCTAssertEqual(workers.count, 4)
        XCTAssertEqual(Set(workers.compactMap { $0["worker"] as? String }), ["offload:10ms", "pixels"])
        let scenario = try XCTUnwrap(json["scenario"] as? [String: Any])
        XCTAssertEqual(scenario["duration"] as? String, "500ms")
        let lines = try String(contentsOf: events, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, json["events"] as? Int)
        XCTAssertFalse(FileManager.default.fileExists(atPath: events.path + ".partial"))
    }

    func testEventsAreWrittenWhenTheRunIsStoredToo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scalebench-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let events = folder.appendingPathComponent("events.jsonl").path
        let outcome = try runCLI(["run", "--streams", "1", "--duration", "300ms", "--warmup", "0s", "--resolution", "160x120",
                                  "--worker", "offload:5ms", "--db", folder.appendingPathComponent("r.sqlite").path,
                                  "--events", events, "--json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, json["events"] as? Int)
        XCTAssertGreaterThan(lines.count, 0)
    }

    func testTableOutputShowsEveryStreamAndWorker() throws {
        let outcome = try runCLI(["run", "--no-store", "--streams", "2", "--duration", "300ms", "--warmup", "100ms",
                               "--resolution", "160x120", "--worker", "offload:5ms"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        for word in ["stream", "drop %", "lat p99", "age p50", "CPU cores", "peak RSS", "every frame accounted for"] {
            XCTAssertTrue(outcome.stdout.contains(word), word)
        }
    }

    func testEventsIntoAMissingFolderIsBadInput() throws {
        let outcome = try runCLI(["run", "--no-store", "--duration", "100ms", "--events", "/no/such/folder/events.jsonl"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertTrue(outcome.stderr.contains("--events"))
    }
}
