import Foundation
import TestSupport
import XCTest

/// Recorded and live sources through the CLI as a subprocess.
final class SourceCommandLineTests: XCTestCase {
    func testBadSourcesAreOneLineWithFFmpegsReasonAndExitStatus2() throws {
        let cases: [(source: String, mentions: [String])] = [
            (Fixtures.path("missing.mp4"), ["missing.mp4", "No such file or directory"]),
            (Fixtures.path("empty.mp4"), ["empty.mp4", "Invalid data"]),
            (Fixtures.path("not-a-video.mp4"), ["not-a-video.mp4", "Invalid data"]),
            (Fixtures.path("truncated-moov.mp4"), ["truncated-moov.mp4"]),
            (Fixtures.path("audio-only.mp4"), ["audio-only.mp4", "no video stream"]),
            ("tcp://127.0.0.1:1", ["tcp://127.0.0.1:1", "Connection refused"]),
        ]
        for (source, mentions) in cases {
            let outcome = try runCLI(["run", "--no-store", "--source", source, "--duration", "1s", "--worker", "offload:5ms"])
            XCTAssertEqual(outcome.status, 2, "\(source): \(outcome.stderr)")
            XCTAssertEqual(outcome.stdout, "", "\(source): nothing ran")
            XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "\(source): one line, got \(outcome.stderr)")
            for word in mentions { XCTAssertTrue(outcome.stderr.contains(word), "\(source): '\(word)' missing from \(outcome.stderr)") }
        }
        let format = try runCLI(["run", "--no-store", "--source", Fixtures.path("corridor-640x360.mp4"), "--pixel-format", "nv12"])
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.stderr.contains("'nv12' is invalid for '--pixel-format"), format.stderr)
        let decode = try runCLI(["run", "--no-store", "--source", Fixtures.path("corridor-640x360.mp4"), "--decode", "sometimes"])
        XCTAssertEqual(decode.status, 2)
        XCTAssertTrue(decode.stderr.contains("'sometimes' is invalid for '--decode"), decode.stderr)
    }

    func testRunWithARecordedSourceSeparatesDecodeCPUFromWorkerCPU() throws {
        let outcome = try runCLI(["run", "--no-store", "--source", Fixtures.path("corridor-640x360.mp4"), "--decode", "live",
                                   "--streams", "2", "--duration", "1s", "--warmup", "200ms",
                                   "--worker", "cpu:5ms", "--json"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let cpu = try XCTUnwrap(json["cpu"] as? [String: [String: Double]])
        XCTAssertGreaterThan(cpu["capture"]?["seconds"] ?? 0, 0, "decoding shows as capture CPU")
        XCTAssertGreaterThan(cpu["worker"]?["seconds"] ?? 0, 0)
        let streams = try XCTUnwrap(json["streams"] as? [[String: Any]])
        XCTAssertEqual(streams.count, 2)
        XCTAssertEqual(streams.first?["status"] as? String, "ok")
    }

    func testProbePrintsTheStreamAndTheWarmUpCheck() throws {
        let outcome = try runCLI(["probe", Fixtures.path("room-hevc-640x360.mkv")])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        for word in ["hevc", "640x360", "15.000 fps", "frames decoded 60", "decode per frame", "stable"] {
            XCTAssertTrue(outcome.stdout.contains(word), "'\(word)' missing from \(outcome.stdout)")
        }
        let bad = try runCLI(["probe", Fixtures.path("empty.mp4")])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("empty.mp4"))
    }
}
