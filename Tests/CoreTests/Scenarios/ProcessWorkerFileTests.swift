import Foundation
@testable import ScaleBenchCore
import XCTest

/// A process worker in a scenario file: the command list and its options are read, the
/// spec survives being stored as a run's scenario, and each bad value is one located line.
final class ProcessWorkerFileTests: XCTestCase {
    static let file = """
    name: hog
    streams: 4
    topology: [A, B, C]
    workers:
      - name: hog
        process: [/usr/bin/python3, workers/hog_person_detector.py, --threads, "1"]
        env: {OMP_NUM_THREADS: "1", MODE: fast}
        cwd: /tmp
        frames: raw
        jpeg-quality: 3
        reply-timeout: 5s
        max-reply-bytes: 65536
        stop-timeout: 1s
        restart: true
        instances: 2
        shared: true
    """

    func parse(_ text: String) throws(ScenarioFileError) -> ScenarioFile {
        try ScenarioFile.parse(text, file: "Scenarios/x.yaml", defaultName: "x")
    }

    func testTheCommandAndItsOptionsAreRead() throws {
        let scenario = try parse(Self.file).base
        let worker = try XCTUnwrap(scenario.workers.first)
        XCTAssertEqual(worker.name, "hog")
        XCTAssertEqual(worker.instances, 2)
        XCTAssertEqual(scenario.sharedWorkers, ["hog"])
        var expected = ProcessWorkerSpec(command: ["/usr/bin/python3", "workers/hog_person_detector.py", "--threads", "1"])
        expected.environment = ["OMP_NUM_THREADS": "1", "MODE": "fast"]
        expected.directory = "/tmp"
        expected.frames = .raw
        expected.jpegQuality = 3
        expected.replyTimeout = .seconds(5)
        expected.maxReplyBytes = 65536
        expected.stopTimeout = .seconds(1)
        expected.restart = true
        XCTAssertEqual(worker.cost, .process(expected))
        XCTAssertEqual(worker.cost.description, "process:/usr/bin/python3 workers/hog_person_detector.py --threads 1")
        XCTAssertNil(worker.cost.meanServiceNanos)
        // Stored with the run, read back the same (calibrate reads the kind from there).
        let stored = try JSONDecoder().decode(RunScenario.self, from: JSONEncoder().encode(scenario))
        XCTAssertEqual(stored.workers.first?.cost, .process(expected))
    }

    func testANamelessProcessWorkerIsNamedAfterItsScript() throws {
        let scenario = try parse("streams: 1\nworkers:\n  - process: [python3, /opt/detectors/yolo_n.py, --model, m.onnx]\n").base
        XCTAssertEqual(scenario.workers.map(\.name), ["yolo_n"])
        XCTAssertEqual(ProcessWorkerSpec.defaultName(["./detector"]), "detector")
        XCTAssertEqual(try parse("streams: 1\nworkers:\n  - {kind: process, process: [det]}\n").base.workers.map(\.name), ["det"])
    }

    func testBadValuesGetOneLocatedMessage() {
        let cases: [(String, String)] = [
            ("  - kind: process\n", "Scenarios/x.yaml:3 workers[0]: process is missing: a process worker's command, e.g. process: [/usr/bin/python3, workers/hog_person_detector.py]"),
            ("  - process: []\n", "Scenarios/x.yaml:3 workers[0].process: expected the program and its arguments, e.g. [/usr/bin/python3, worker.py]"),
            ("  - {process: [a], reply-timeout: 0s}\n", "Scenarios/x.yaml:3 workers[0].reply-timeout: expected a timeout above 0"),
            ("  - {process: [a], frames: png}\n", "Scenarios/x.yaml:3 workers[0].frames: unknown value 'png'; expected one of jpeg, raw"),
            ("  - {process: [a], max-reply-bytes: 10}\n", "Scenarios/x.yaml:3 workers[0].max-reply-bytes: 10 is out of range; expected an integer from 64 to 268435456"),
            ("  - {kind: pose, env: {A: b}}\n", "Scenarios/x.yaml:3 workers[0].env: env is for process workers (kind: process, with a process: command list); this worker is cpu:lognormal(50ms,8ms)"),
            ("  - {process: [a], env: {\"A=B\": c}}\n", "Scenarios/x.yaml:3 workers[0].env.A=B: 'A=B' is not an environment variable's name"),
        ]
        for (workers, expected) in cases {
            do {
                _ = try parse("streams: 1\nworkers:\n" + workers)
                XCTFail("loaded: \(workers)")
            } catch {
                XCTAssertEqual(error.description, expected, workers)
            }
        }
    }
}
