import Foundation
import TestSupport
import XCTest

/// Process workers' bad input through the CLI, as a user meets it: a command that does not
/// exist is one line and exit 2 before anything is written; a simulated run without a
/// calibration says how to get one; a worker that never answers, answers too much or
/// rejects a frame is failed during the run with one line naming it and what happened.
final class ProcessWorkerCommandLineTests: TemporaryFolderTestCase {
    let fixture = Fixtures.path("workers/misbehaving_worker.py")

    func scenario(_ name: String, worker: String) throws -> String {
        let file = path(name)
        try """
        streams: 2
        duration: 1500ms
        warmup: 500ms
        capture: {fps: 10, resolution: 160x120}
        workers:
        \(worker)
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func testACommandThatDoesNotExistIsRefusedBeforeTheRun() throws {
        let file = try scenario("missing.yaml", worker: "  - {name: hog, process: [no-such-detector, --model, m.onnx]}")
        for command in [["run", file, "--db", path("r.sqlite")], ["sweep", file, "--db", path("r.sqlite")]] {
            let outcome = try runCLI(command)
            XCTAssertEqual(outcome.status, 2, outcome.stderr)
            XCTAssertEqual(outcome.stderr, "scalebench: error: --mode realtime: worker hog process no-such-detector --model m.onnx: expected a command that can run (no program no-such-detector in PATH)\n")
            XCTAssertEqual(outcome.stdout, "")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("r.sqlite")), "nothing half-written")
        let simulated = try runCLI(["run", file, "--mode", "simulated", "--no-store"])
        XCTAssertEqual(simulated.status, 2)
        XCTAssertTrue(simulated.stderr.hasPrefix("scalebench: error: --mode simulated: worker hog process: expected a calibrated demand in a simulated run")
                      && simulated.stderr.contains("scalebench calibrate RUN"), simulated.stderr)
    }

    func testMisbehavingWorkersAreFailedDuringTheRunWithOneLineEach() throws {
        let cases: [(mode: String, extra: String, line: String)] = [
            ("hang", "reply-timeout: 300ms", "worker det@worker-1 hung: no reply within 300ms (reply-timeout); the instance stops"),
            ("oversized", "max-reply-bytes: 4096", "worker det@worker-1 sent an oversized reply: its reply to frame "),
            ("reject", "", "worker det@worker-1 rejected a frame: frame "),
        ]
        for c in cases {
            let file = try scenario("\(c.mode).yaml", worker: """
              - name: det
                process: [/usr/bin/python3, \(fixture), --mode, \(c.mode), --after, "2", --room, room-1]
                \(c.extra)
            """)
            let outcome = try runCLI(["run", file, "--db", path("\(c.mode).sqlite")])
            XCTAssertEqual(outcome.status, 0, "the run completes; the other stream is served: \(outcome.stderr)")
            let failures = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("worker det@") }
            XCTAssertEqual(failures.count, 1, "\(c.mode): \(outcome.stderr)")
            XCTAssertTrue(failures.first?.hasPrefix(c.line) ?? false, "\(c.mode): \(failures)")
            XCTAssertTrue(outcome.stdout.contains("Failed at "), "the run's table lists the failure: \(outcome.stdout)")
        }
    }
}
