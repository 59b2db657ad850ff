import Foundation
import TestSupport
import XCTest

/// `scalebench checkpoint` and `scalebench sensitivity`, the real binary: a real-time slice
/// on this machine checked against its calibrated simulation, the matrix and the
/// sensitivity analysis in simulated time, the reports with the answer first.
final class CheckpointCommandLineTests: TemporaryFolderTestCase {
    /// One VLM shared by every room (option C, round robin, a constant service time S):
    /// each room gets a look every N·S, so the level "a look every 5 s" holds while
    /// S ≤ 5 s / N — the flip the sensitivity analysis must find at each room count.
    private func scenario(sensitivity: Bool = true) throws -> String {
        let file = path("rooms.yaml")
        try """
        name: rooms
        streams: [2, 6]
        topology: [C]
        duration: 60s
        warmup: 2s
        repetitions: 3
        capture: {fps: 10, phase: random}
        host: {cores: 2, memory-gb: 16}
        devices:
          - {name: gpu0, memory-gb: 16}
        workers:
          - kind: "cpu:lognormal(5ms,1ms)"
            name: detector
            device: host
          - kind: "offload:1s"
            name: vlm
            device: gpu0
            model-memory-gb: 4
            shared: true
        options: {shared-instances: 1, scheduling: round-robin}
        checkpoint:
          service-levels:
            - {metric: "look-gap:vlm", max: 5}
        \(sensitivity ? "  sensitivity:\n    - {assumption: \"service:vlm\", range: [400ms, 3s], steps: 3}" : "")
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func testTheMainJobAnswersFirstAndFindsTheFlipsTheClosedFormPredicts() throws {
        let out = folder.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let db = path("checkpoint.sqlite")
        let outcome = try runCLI(["checkpoint", try scenario(), "--db", db, "--out", out.path, "--slice-duration", "2s", "--refinements", "3"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.hasPrefix("## The answer\n"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("- **2 rooms**: **option C** — "), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("- **6 rooms**: **no option** — "), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("## The host model on this machine"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("- option C, detector: "), "the slice's calibrated simulation beside it: \(outcome.stdout)")

        let markdown = try String(contentsOf: out.appendingPathComponent("rooms.md"), encoding: .utf8)
        XCTAssertTrue(markdown.contains("## The answer"))
        XCTAssertTrue(markdown.contains("## Sensitivity: what would change the recommendation"), markdown)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("rooms/sensitivity-service-vlm.svg").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("rooms-slice.md").path))
        let html = try String(contentsOf: out.appendingPathComponent("rooms.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<figure id=\"sensitivity-service-vlm\"><svg"), "the chart is inline in the HTML")

        // Each room count's flip lies in a bisected interval around 5 s / N.
        for rooms in [2, 6] {
            let sentence = try XCTUnwrap(markdown.split(separator: "\n").first { $0.hasPrefix("- \(rooms) rooms: option C from ") }, markdown)
            let interval = try XCTUnwrap(sentence.range(of: "changes between ")).upperBound
            let numbers = sentence[interval...].split(separator: " ").compactMap { Double($0) }
            let units = sentence[interval...].split(separator: " ").filter { $0 == "s" || $0 == "ms" }
            XCTAssertEqual(numbers.count, 2, String(sentence))
            let (below, above) = (numbers[0] / (units[0] == "ms" ? 1000 : 1), numbers[1] / (units[1] == "ms" ? 1000 : 1))
            let flip = 5 / Double(rooms)
            XCTAssertLessThanOrEqual(above - below, 2.6 / 8 + 1e-9, "three bisections of a 1.3 s step")
            XCTAssertTrue(below * 0.95 <= flip && flip <= above * 1.05, "\(rooms) rooms: the flip at \(flip) s lies in [\(below), \(above)]")
        }

        // Run again: everything is stored, so it resumes without a run and answers alike.
        let again = try runCLI(["checkpoint", try scenario(), "--db", db, "--out", out.path, "--slice-duration", "2s", "--refinements", "3"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout.components(separatedBy: "## The host model").first, outcome.stdout.components(separatedBy: "## The host model").first)
    }

    func testAScenarioWithoutWhatTheCommandsNeedIsRefused() throws {
        let file = try scenario(sensitivity: false)
        let sensitivity = try runCLI(["sensitivity", file, "--db", path("s.sqlite")])
        XCTAssertEqual(sensitivity.status, 2)
        XCTAssertTrue(sensitivity.stderr.contains("no checkpoint.sensitivity to vary"), sensitivity.stderr)
        let refinements = try runCLI(["checkpoint", file, "--db", path("c.sqlite"), "--out", folder.path, "--refinements", "9"])
        XCTAssertEqual(refinements.status, 2)
        XCTAssertTrue(refinements.stderr.contains("--refinements 9: expected an integer from 0 to 8"), refinements.stderr)
        let noFolder = try runCLI(["checkpoint", file, "--db", path("c.sqlite"), "--out", path("missing")])
        XCTAssertEqual(noFolder.status, 2)
        XCTAssertTrue(noFolder.stderr.contains("no such folder"), noFolder.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("c.sqlite")), "nothing is created before the input is known good")
    }
}
