@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// The captures' CPU per frame (`decode-cpu`) in virtual time: a job on the box's cores
/// beside the workers', under the realtime capture's rules (produce, wait for the due
/// time, drop a frame ready more than a period late).
final class CaptureCPUTests: XCTestCase {
    func scenario(streams: Int, cores: Int?, decode: String, worker: String = "cpu:30ms", seconds: Double = 100,
                  phase: PhasePolicy = .spread) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = streams
        scenario.fps = 10
        scenario.phase = phase
        scenario.workers = [try WorkerSpec.parse(worker)]
        scenario.host = cores.map { HostSpec(cores: $0, memoryGB: 16) }
        scenario.decodeCPU = try ServiceDistribution.parse(decode)
        scenario.warmup = .seconds(5)
        scenario.duration = .seconds(seconds)
        scenario.seed = 5
        return scenario
    }

    /// Room to spare (8 cores, at most 8 jobs): the captures use N·f·d cores, every
    /// frame is published on time, a production takes its demand.
    func testUncontendedCapturesCostTheirDemandAndAreNeverLate() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 4, cores: 8, decode: "20ms")).run()
        XCTAssertEqual(result.cpu.capture.cores, 4 * 10 * 0.020, accuracy: 0.002, "0.8 cores of decoding")
        XCTAssertEqual(result.cpu.worker.cores, 4 * 10 * 0.030, accuracy: 0.002)
        XCTAssertEqual(result.cpu.process.cores, result.cpu.capture.cores + result.cpu.worker.cores, accuracy: 1e-9)
        for stream in result.streams {
            XCTAssertEqual(stream.realFPS, 10, accuracy: 0.01)
            XCTAssertEqual(stream.captureDrops, 0)
            XCTAssertEqual(stream.maxLatenessMs, 0)
            XCTAssertEqual(stream.productionMs.max ?? 0, 20, accuracy: 0.02, "a production takes its demand")
        }
        for row in result.workers { XCTAssertEqual(row.processedFPS, 10, accuracy: 0.01) }
    }

    /// The captures' demand alone over the box (2 × 10 fps × 60 ms = 1.2 cores on 1): the
    /// captures fall behind, and a paced capture that is more than a period late drops
    /// every frame from then on, as the realtime capture does. The core stays busy.
    func testCapturesThatCannotKeepUpDropEveryFrameOnceAPeriodBehind() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 2, cores: 1, decode: "60ms", worker: "offload:10ms")).run()
        XCTAssertEqual(result.cpu.process.cores, 1, accuracy: 1e-6, "the core never idles")
        XCTAssertEqual(result.cpu.capture.cores, 1, accuracy: 1e-6, "all of it decoding")
        for stream in result.streams {
            XCTAssertEqual(stream.realFPS, 0, "nothing published in the window")
            XCTAssertEqual(Double(stream.captureDrops), 10 * 100 * 1 / 1.2, accuracy: 2, "one production every 120 ms, each dropped")
        }
    }

    /// The lateness rule frame by frame, without a box (the demand is wall time): one
    /// stream at 10 fps, productions of 150 ms. Frame 0 is ready at its due time (produced
    /// before the run); frame 1 is ready at 150 ms, 50 ms late, published; frame 2 at
    /// 300 ms, exactly a period late, published; frame 3 at 450 ms, 150 ms late, dropped;
    /// and every later one later still.
    func testAFrameMoreThanAPeriodLateIsDroppedAndALateOneIsPublishedLate() throws {
        var scenario = try scenario(streams: 1, cores: nil, decode: "150ms", worker: "offload:1ms", seconds: 10, phase: .aligned)
        scenario.warmup = .seconds(0)
        let result = try VirtualExecutor(scenario: scenario).run()
        let stream = try XCTUnwrap(result.streams.first)
        XCTAssertEqual(stream.realFPS * 10, 3, accuracy: 1e-9, "frames 0, 1 and 2")
        XCTAssertEqual(stream.maxLatenessMs, 100, accuracy: 1e-6)
        XCTAssertEqual(stream.meanLatenessMs, (0 + 50 + 100) / 3, accuracy: 1e-6)
        XCTAssertEqual(stream.captureDrops, UInt64(10_000 / 150) - 2, "every production after frame 2, within the window")
    }

    /// Contention between decoding and the workers: the captures' CPU stays N·f·d (their
    /// demand does not depend on how long they wait), the box never exceeds its cores.
    func testDecodingAndWorkersShareTheCores() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 4, cores: 2, decode: "lognormal(20ms,4ms)",
                                                            worker: "cpu:lognormal(30ms,5ms)", seconds: 300, phase: .random)).run()
        let host = try XCTUnwrap(result.host)
        XCTAssertLessThanOrEqual(host.coresInUse, 2 + 1e-9)
        XCTAssertEqual(result.cpu.capture.cores, 4 * 10 * 0.020, accuracy: 0.02, "demand, whatever the wait")
        XCTAssertGreaterThan(result.streams.map(\.meanLatenessMs).max() ?? 0, 0, "productions stretched past their due times")
        XCTAssertGreaterThan(result.workers.map { $0.serviceMs.mean ?? 0 }.max() ?? 0, 30 * 1.2, "services stretched by decoding")
    }
}
