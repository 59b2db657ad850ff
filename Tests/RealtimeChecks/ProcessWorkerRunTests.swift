#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import Orchestration
@testable import Realtime
@testable import ResultsStore
import RuntimeSupport
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import GRDB
import XCTest

/// Process workers in real runs of options A, B and C: one child per worker instance, a
/// failed worker's reason recorded, the other streams unaffected, every frame accounted
/// for, the failure stored, and no child left when the run ends.
final class ProcessWorkerRunTests: TemporaryFolderTestCase {
    static let fixture = Fixtures.path("workers/misbehaving_worker.py")

    func scenario(streams: Int, topology: TopologyKind, arguments: [String] = [], restart: Bool = false) -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = streams
        scenario.topology = topology
        scenario.fps = 10
        scenario.resolution = Resolution(width: 160, height: 120)
        var spec = ProcessWorkerSpec(command: ["/usr/bin/python3", Self.fixture] + arguments)
        spec.replyTimeout = .seconds(5)
        spec.stopTimeout = .milliseconds(500)
        spec.restart = restart
        var worker = WorkerSpec(name: "detector", cost: .process(spec))
        worker.instances = 2
        scenario.workers = [worker]
        if topology == .hybrid { scenario.sharedWorkers = ["detector"] }
        scenario.sharedInstances = 2
        scenario.warmup = .milliseconds(500)
        scenario.duration = .seconds(2)
        scenario.seed = 18
        return scenario
    }

    override func tearDownWithError() throws {
        XCTAssertEqual(ProcessWorkerTestsChildren.children(), [], "no child process is left after \(name)")
        try super.tearDownWithError()
    }

    func testEachOptionStartsOneChildPerWorkerInstanceAndCountsItsCPU() throws {
        for (topology, children) in [(TopologyKind.independentPipelines, 3), (.globalPipeline, 2), (.hybrid, 2)] {
            var options = RealtimeExecutor.Options()
            options.workerLog = WorkerLog(keepLines: true, write: { _ in })
            options.trace = true
            let result = try RealtimeExecutor(scenario: scenario(streams: 3, topology: topology), options: options).run().result
            let started = Set(options.workerLog.lines.filter { $0.contains("misbehaving worker pid") }.map { $0.split(separator: " ")[0] })
            XCTAssertEqual(started.count, children, "\(topology): \(started.sorted())")
            XCTAssertEqual(result.workerFailures, [], "\(topology)")
            XCTAssertTrue(result.accounting.balanced, "\(topology)")
            XCTAssertGreaterThan(result.workers.reduce(0) { $0 + $1.processed }, 30, "\(topology)")
            XCTAssertNotNil(result.cpu.workerProcesses, "the children's CPU is a class of its own")
            let served = result.trace.filter { $0.worker == "detector" }
            XCTAssertFalse(served.isEmpty)
            XCTAssertTrue(served.allSatisfy { $0.process != nil && $0.process!.workerMs == 1.0 }, "the worker's own timings with each service")
        }
    }

    func testACrashingWorkerFailsAloneWithItsReasonAndNothingIsLost() throws {
        // Stream 1's detector exits after 3 frames; stream 0's keeps going.
        let database = try ResultsDatabase(path: path("r.sqlite"))
        var options = RealtimeExecutor.Options()
        options.workerLog = WorkerLog(keepLines: true, write: { _ in })
        let identity = RunIdentity(scenarioName: "crash", scenario: scenario(streams: 2, topology: .independentPipelines,
                                                                             arguments: ["--mode", "crash", "--room", "room-1", "--after", "3"]))
        let result = try RunService.run(identity, database: database, provenance: Provenance.current(), options: options).result
        XCTAssertEqual(result.workerFailures.count, 1, "\(result.workerFailures)")
        let failure = try XCTUnwrap(result.workerFailures.first)
        XCTAssertEqual(failure.instance, "worker-1")
        XCTAssertEqual(failure.kind, "exited")
        XCTAssertTrue(failure.detail.contains("exit status 3") && failure.detail.contains("inference failed"), failure.detail)
        XCTAssertFalse(failure.restarted)
        XCTAssertTrue(options.workerLog.lines.contains { $0.hasPrefix("worker detector@worker-1 exited:") && $0.hasSuffix("; the instance stops") },
                      "one line in the run's log names the worker and what happened")
        let rows = result.workers.sorted { $0.stream < $1.stream }
        XCTAssertGreaterThan(rows[0].processed, 10, "the other stream is unaffected")
        XCTAssertTrue(result.accounting.balanced, "every frame accounted for: \(result.accounting.lines.filter { !$0.balanced })")
        let id = try XCTUnwrap(try database.records(scenario: "crash").last?.id)
        let stored = try database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT instance, worker, kind, restarted FROM worker_failure WHERE run_id = ?", arguments: [id])
        }
        XCTAssertEqual(stored.map { [$0["instance"] as String, $0["worker"] as String, $0["kind"] as String] }, [["worker-1", "detector", "exited"]])
    }

    func testARestartingWorkerComesBackAfterEachCrash() throws {
        let result = try RealtimeExecutor(scenario: scenario(streams: 2, topology: .independentPipelines,
                                                             arguments: ["--mode", "crash", "--room", "room-1", "--after", "3"], restart: true),
                                          options: { var o = RealtimeExecutor.Options(); o.workerLog = .silent; return o }()).run().result
        XCTAssertGreaterThanOrEqual(result.workerFailures.count, 2, "each new child crashes again after 3 frames")
        XCTAssertTrue(result.workerFailures.allSatisfy { $0.instance == "worker-1" && $0.restarted })
        XCTAssertTrue(result.accounting.balanced)
    }

    func testACalibrationMakesAProcessWorkerACPUWorkerOfItsDemand() throws {
        let database = try ResultsDatabase(path: path("c.sqlite"))
        var options = RealtimeExecutor.Options()
        options.trace = true
        options.workerLog = .silent
        let identity = RunIdentity(scenarioName: "calibrated", scenario: scenario(streams: 2, topology: .independentPipelines))
        let result = try RunService.run(identity, database: database, provenance: Provenance.current(), options: options).result
        let id = try XCTUnwrap(try database.records(scenario: "calibrated").last?.id)
        let fits = try CalibrationFitting.fit(run: id, database: database)
        let detector = try XCTUnwrap(fits.first { $0.worker == "detector" })
        XCTAssertEqual(detector.quantity, "cpu-demand")
        let served = result.trace.filter { $0.worker == "detector" }
        XCTAssertEqual(detector.samples, served.count - 2, "each child's first service (its start-up) is left out")
        let demand = served.compactMap { record in record.process?.childCPUNanos.map { $0 + record.cpuNanos! } }
        XCTAssertEqual(demand.count, detector.samples)
        try database.storeCalibration(fits.flatMap(\.records), run: id)
        var simulated = scenario(streams: 2, topology: .independentPipelines)
        XCTAssertThrowsError(try VirtualExecutor.check(simulated), "uncalibrated: refused")
        try simulated.applyCalibration(of: id, from: database, path: path("c.sqlite"))
        guard case .cpu = simulated.workers[0].cost else { return XCTFail("a cpu worker of its demand: \(simulated.workers[0].cost)") }
        XCTAssertNoThrow(try VirtualExecutor(scenario: simulated).run())
    }

    func testAProgramThatCannotStartIsRefusedBeforeTheRun() throws {
        var scenario = scenario(streams: 2, topology: .independentPipelines)
        scenario.workers[0].cost = .process(ProcessWorkerSpec(command: ["no-such-detector"]))
        XCTAssertThrowsError(try RealtimeExecutor(scenario: scenario).run()) { error in
            XCTAssertEqual((error as? ScenarioError)?.description,
                           "worker detector process no-such-detector: expected a command that can run (no program no-such-detector in PATH)")
        }
    }
}

/// Children of this process, by /proc (a zombie is still one).
enum ProcessWorkerTestsChildren {
    static func children() -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == me
        }
    }
}

/// The reference worker, a real person detector (OpenCV's HOG people detector from
/// Debian's python3-opencv), on OpenCV's pedestrian recording (opencv-doc): persons are
/// found on the frames, which all show people. `make deps` installs both.
final class ReferenceWorkerTests: XCTestCase {
    static let recording = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"

    func testTheHOGDetectorFindsThePedestrians() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.recording), "\(Self.recording) is missing: run make deps (opencv-doc)")
        var scenario = RunScenario()
        scenario.streams = 1
        scenario.source = .file(Self.recording)
        scenario.fps = 2
        scenario.resolution = nil
        let spec = ProcessWorkerSpec(command: ["/usr/bin/python3", Fixtures.repository.appendingPathComponent("workers/hog_person_detector.py").path])
        scenario.workers = [WorkerSpec(name: "hog", cost: .process(spec))]
        scenario.warmup = .milliseconds(500)
        scenario.duration = .seconds(3)
        var options = RealtimeExecutor.Options(keepEvents: true)
        options.workerLog = .silent
        let (result, events) = try RealtimeExecutor(scenario: scenario, options: options).run()
        XCTAssertEqual(result.workerFailures, [])
        XCTAssertGreaterThanOrEqual(events.count, 3, "a frame every 500 ms, each served in well under a second")
        let persons = events.map(\.result)
        XCTAssertGreaterThanOrEqual(persons.filter { $0 > 0 }.count, persons.count * 3 / 4, "people on the frames: \(persons)")
        XCTAssertLessThanOrEqual(persons.max() ?? 0, 20, "a plausible count for a street scene: \(persons)")
        XCTAssertEqual(ProcessWorkerTestsChildren.children(), [])
    }
}
