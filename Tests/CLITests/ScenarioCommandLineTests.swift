import Foundation
import GRDB
import RuntimeSupport
import TestSupport
import XCTest

/// Scenario files through the CLI, as a user runs them: real subprocesses, real files.
final class ScenarioCommandLineTests: TemporaryFolderTestCase {
    let scenarios = Fixtures.repository.appendingPathComponent("Scenarios")

    func preset(_ name: String) -> String { scenarios.appendingPathComponent(name).path }

    /// A bad file: exit 2, one line with file, line and key path, nothing on stdout.
    func testABadScenarioFileIsOneLocatedLineAndExitStatus2() throws {
        let bad = path("bad.yaml")
        try """
        streams: 4
        workers:
          - kind: vlm
            device: gpu1
        devices:
          - name: gpu0
            memory-gb: 16
        """.write(toFile: bad, atomically: true, encoding: .utf8)
        for command in [["run", "--no-store"], ["describe"], ["sweep", "--db", path("r.sqlite")]] {
            let outcome = try runCLI(command + [bad])
            XCTAssertEqual(outcome.status, 2, "\(command): \(outcome.stderr)")
            XCTAssertEqual(outcome.stdout, "")
            XCTAssertEqual(outcome.stderr, "scalebench: error: \(bad):4 workers[0].device: unknown device \"gpu1\" (known: gpu0); did you mean gpu0?\n",
                           "devices are known wherever the file declares them")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("r.sqlite")), "nothing half-written")

        let missing = try runCLI(["run", "--no-store", path("nope.yaml")])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "scalebench: error: \(path("nope.yaml")):1: no such scenario file\n")
        let sweepTopology = try runCLI(["sweep", preset("geriatric-4.yaml"), "--db", path("s.sqlite"), "--topology", "B", "--topologies", "B,C"])
        XCTAssertEqual(sweepTopology.status, 2)
        XCTAssertEqual(sweepTopology.stderr, "scalebench: error: --topology B: give the sweep's topologies once, with --topologies\n")
        let withWorker = try runCLI(["run", "--no-store", preset("hospital-10.yaml"), "--worker", "pose"])
        XCTAssertEqual(withWorker.status, 2)
        XCTAssertTrue(withWorker.stderr.contains("--worker: the workers come from"), withWorker.stderr)
    }

    /// Option A on the preset's 16 GB GPU: ten 8 GB VLM instances do not fit. Reported
    /// with the numbers, not run.
    func testAnInfeasibleTopologyIsReportedWithItsNumbersAndNotRun() throws {
        let outcome = try runCLI(["run", "--db", path("r.sqlite"), preset("hospital-10.yaml"), "--topology", "A"])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.stderr, "scalebench: error: topology A with 10 streams is infeasible, nothing was run: gpu0: needs 80.0 GB (vlm 10 × 8.0 GB) but has 16.0 GB\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("r.sqlite")))
    }

    func testDescribePrintsTheGraphAsTextAndDOT() throws {
        let b = try runCLI(["describe", preset("hospital-10.yaml"), "--topology", "B"])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stdout.hasPrefix("topology B: 10 streams, 1 supplier, 5 worker instances\n"), b.stdout)
        XCTAssertTrue(b.stdout.contains("supplier 0 (per-stream inbox, round-robin) ← capture 0, 1, 2, 3, 4, 5, 6, 7, 8, 9"), b.stdout)
        XCTAssertTrue(b.stdout.contains("frame-buffer 2: vlm"), b.stdout)
        XCTAssertTrue(b.stdout.contains("device gpu0: model memory 8 of 16 GB"), b.stdout)
        XCTAssertFalse(b.stdout.contains("infeasible"))

        let a = try runCLI(["describe", preset("hospital-10.yaml"), "--topology", "A"])
        XCTAssertEqual(a.status, 0, "describe shows an infeasible plan too")
        XCTAssertTrue(a.stdout.contains("topology A: 10 streams, 10 suppliers, 30 worker instances"), a.stdout)
        XCTAssertTrue(a.stdout.contains("infeasible: gpu0: needs 80.0 GB (vlm 10 × 8.0 GB) but has 16.0 GB"), a.stdout)

        let dot = try runCLI(["describe", preset("geriatric-4.yaml"), "--topology", "C", "--dot"])
        XCTAssertEqual(dot.status, 0)
        let lines = dot.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "digraph topology_C {")
        XCTAssertEqual(lines.last, "}")
        for stream in 0..<4 { XCTAssertTrue(dot.stdout.contains("capture\(stream) -> supplier\(stream);")) }
        XCTAssertTrue(dot.stdout.contains("supplier3 -> framebuffer0;"))
        XCTAssertTrue(dot.stdout.contains("framebuffer0 -> shared0_0;"))
        XCTAssertEqual(try runCLI(["describe", preset("geriatric-4.yaml"), "--topology", "C", "--dot"]).stdout, dot.stdout,
                       "the same graph, the same text")
    }

    /// Must show: the decision checkpoint runs its whole matrix (short) and prints one
    /// table per stream count with A, B and C side by side, A marked infeasible.
    func testTheDecisionCheckpointRunsItsMatrixSideBySide() throws {
        // Its box has 8 threads: on a smaller machine real time refuses it, naming both
        // numbers and the ways out, before anything runs.
        let refused = try runCLI(["run", preset("decision-checkpoint.yaml"), "--db", path("r.sqlite"), "--duration", "1s", "--streams", "4"])
        if CPUAffinity.available().count < 8 {
            XCTAssertEqual(refused.status, 2, refused.stderr)
            XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1, refused.stderr)
            for words in ["needs 8 CPUs", "use \(CPUAffinity.available().count)", "--mode simulated", "--on-available-cpus"] {
                XCTAssertTrue(refused.stderr.contains(words), "'\(words)' missing: \(refused.stderr)")
            }
            if FileManager.default.fileExists(atPath: path("r.sqlite")) {
                let runs = try DatabaseQueue(path: path("r.sqlite")).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM run") ?? 0 }
                XCTAssertEqual(runs, 0, "nothing stored")
            }
        }
        let outcome = try runCLI(["run", preset("decision-checkpoint.yaml"), "--db", path("r.sqlite"), "--on-available-cpus",
                                  "--duration", "1s", "--warmup", "200ms", "--streams", "4"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("streams 4  option A    option B    option C") || outcome.stdout.contains("option A"), outcome.stdout)
        let header = try XCTUnwrap(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("streams 4") })
        XCTAssertEqual(header.split(separator: " ", omittingEmptySubsequences: true).map(String.init),
                       ["streams", "4", "option", "A", "option", "B", "option", "C"])
        XCTAssertTrue(outcome.stdout.contains("option A at 4 streams is infeasible, not run: gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 16.0 GB"))
        let accounting = try XCTUnwrap(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("accounting") })
        XCTAssertEqual(accounting.split(separator: " ", omittingEmptySubsequences: true).map(String.init),
                       ["accounting", "infeasible", "balanced", "balanced"])
        XCTAssertTrue(outcome.stdout.contains("vlm latency p99 ms"))
        XCTAssertTrue(outcome.stdout.contains("gpu0 model GB (modelled)"))
        let queue = try DatabaseQueue(path: path("r.sqlite"))
        let stored = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT topology, streams, status FROM run WHERE scenario_name = 'decision-checkpoint' ORDER BY topology")
        }
        XCTAssertEqual(stored.map { $0["topology"] as String }, ["B", "C"], "the runs are stored, infeasible ones are not")
        XCTAssertEqual(stored.map { $0["status"] as String }, ["completed", "completed"])
    }

    /// Faults, devices and fairness reach the results database with the run.
    func testFaultsDevicesAndFairnessAreStored() throws {
        let file = path("c.yaml")
        try """
        name: stored-faults
        streams: 3
        topology: C
        duration: 2s
        warmup: 200ms
        capture: {fps: 20, resolution: 160x120}
        devices: [{name: gpu0, memory-gb: 24, sharing: {efficiency: [1, 1.5]}}]
        workers:
          - kind: offload:5ms
          - {kind: offload:40ms, name: vlm, device: gpu0, model-memory-gb: 8, shared: true}
        options: {shared-instances: 2}
        faults:
          - {kind: capture-crash, stream: 0, at: 1s}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try runCLI(["run", file, "--db", path("r.sqlite")])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("Fault isolation"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("Device gpu0: model memory 16.0 of 24.0 GB (modelled), efficiency(1,1.5) sharing"), outcome.stdout)
        let queue = try DatabaseQueue(path: path("r.sqlite"))
        try queue.read { db in
            let fault = try XCTUnwrap(Row.fetchOne(db, sql: "SELECT * FROM fault_isolation"))
            XCTAssertEqual(fault["kind"] as String, "capture-crash")
            XCTAssertEqual(fault["other_streams"] as String, "1,2")
            XCTAssertEqual(fault["window_seconds"] as Double, 1, accuracy: 1e-9)
            let device = try XCTUnwrap(Row.fetchOne(db, sql: "SELECT * FROM device_usage"))
            XCTAssertEqual(device["model_memory_gb"] as Double, 16)
            XCTAssertEqual(device["max_concurrency"] as Int, 2)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM fairness WHERE worker = 'vlm'"), 1)
            XCTAssertEqual(try String.fetchOne(db, sql: "SELECT status FROM stream_metrics WHERE stream = 0"), "crashed")
        }
    }

    /// A sweep takes the file's name, topologies and repetitions; flags override.
    func testASweepOfAScenarioFileUsesItsMatrix() throws {
        let outcome = try runCLI(["sweep", preset("geriatric-4.yaml"), "--db", path("r.sqlite"), "--topologies", "A,B", "--on-available-cpus",
                                  "--streams", "2", "--repetitions", "1", "--cooldown", "0s", "--duration", "500ms", "--warmup", "0s"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("infeasible, not run: gpu0: needs 16.0 GB") == false, "2 VLMs × 8 GB fit 16 GB")
        let queue = try DatabaseQueue(path: path("r.sqlite"))
        let names = try queue.read { db in try String.fetchAll(db, sql: "SELECT scenario_name FROM run ORDER BY started_at") }
        XCTAssertEqual(names, ["geriatric-4", "geriatric-4"])
    }
}
