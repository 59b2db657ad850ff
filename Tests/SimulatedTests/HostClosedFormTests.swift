@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// docs/queueing.md §6 in virtual time: `cpu` workers sharing a host of R cores.
final class HostClosedFormTests: XCTestCase {
    func scenario(streams: Int, cores: Int, cost: String, fps: Double = 10, seconds: Double = 600,
                  phase: PhasePolicy = .spread) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = streams
        scenario.fps = fps
        scenario.phase = phase
        scenario.workers = [try WorkerSpec.parse(cost)]
        scenario.host = HostSpec(cores: cores, memoryGB: 16)
        scenario.warmup = .seconds(5)
        scenario.duration = .seconds(seconds)
        scenario.seed = 3
        return scenario
    }

    /// Saturated, N > R: every job runs all the time, a service takes N·d/R: per stream
    /// X = R/(N·d), D = 1 − T·R/(N·d), CPU in use = R exactly.
    func testSaturatedHostServesRCoresSharedByN() throws {
        // queueing.md's example: N = 4, T = 100 ms, d = 60 ms, R = 2.
        for cost in ["cpu:60ms", "cpu:lognormal(60ms,10ms)"] {
            let result = try VirtualExecutor(scenario: scenario(streams: 4, cores: 2, cost: cost)).run()
            let fps = result.workers.map(\.processedFPS)
            let delivered = result.workers.reduce(0) { $0 + $1.delivered }, drops = result.workers.reduce(0) { $0 + $1.drops }
            XCTAssertEqual(fps.reduce(0, +) / 4, 2 / (4 * 0.060), accuracy: 0.01 * 8.333, "\(cost): 8.33 fps a stream, \(fps)")
            XCTAssertEqual(Double(drops) / Double(delivered), 1 - 0.1 * 2 / (4 * 0.060), accuracy: 0.005, cost)
            let host = try XCTUnwrap(result.host)
            XCTAssertEqual(host.coresInUse, 2, accuracy: 1e-6, "\(cost): both cores busy, never more")
            XCTAssertEqual(result.cpu.process.cores, 2, accuracy: 1e-6)
            XCTAssertEqual(host.runQueueMean ?? 0, 4, accuracy: 0.01, "all four jobs always runnable")
            // A service takes N·d/R = 120 ms of wall time.
            let service = try XCTUnwrap(result.workers[0].serviceMs.mean)
            XCTAssertEqual(service, 120, accuracy: 1.2, cost)
            if cost.contains("lognormal") {
                // Latency ≈ T/2 + N·d/R = 170 ms (the constant case phase-locks: 6/5 is a
                // ratio of small integers, so its age is not uniform).
                let latency = result.workers.compactMap(\.latencyMs.mean).reduce(0, +) / 4
                XCTAssertEqual(latency, 170, accuracy: 0.05 * 170, cost)
            }
        }
    }

    /// N ≤ R: no job waits for a core; §2 applies with the solo demand.
    func testNoMoreJobsThanCoresMeansNoSlowdown() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 2, cores: 2, cost: "cpu:60ms", seconds: 100)).run()
        for row in result.workers {
            XCTAssertEqual(row.processedFPS, 10, accuracy: 0.02)
            XCTAssertEqual(row.drops, 0)
            XCTAssertEqual(row.serviceMs.max ?? 0, 60, accuracy: 0.1, "a service takes its demand")
        }
        XCTAssertEqual(try XCTUnwrap(result.host).coresInUse, 2 * 0.060 / 0.1, accuracy: 1e-3, "1.2 cores busy")
    }

    /// Total demand N·d/T ≤ R with staggered phases: jobs overlap at most R at a time.
    func testStaggeredPhasesWithinTheCoresNeverWait() throws {
        let result = try VirtualExecutor(scenario: scenario(streams: 3, cores: 2, cost: "cpu:60ms", seconds: 100)).run()
        for row in result.workers {
            XCTAssertEqual(row.serviceMs.max ?? 0, 60, accuracy: 0.1)
            XCTAssertEqual(row.drops, 0)
        }
        XCTAssertEqual(try XCTUnwrap(result.host).coresInUse, 1.8, accuracy: 1e-3)
    }

    /// Without a declared host a simulation keeps its old answer (CPU work never waits).
    func testWithoutAHostCPUWorkNeverWaits() throws {
        var unbounded = try scenario(streams: 4, cores: 2, cost: "cpu:60ms", seconds: 60)
        unbounded.host = nil
        let result = try VirtualExecutor(scenario: unbounded).run()
        XCTAssertNil(result.host)
        for row in result.workers { XCTAssertEqual(row.processedFPS, 10, accuracy: 0.02) }
    }

    /// An offload worker's host cost is CPU work on the box: it competes with `cpu`
    /// workers, and adds its time to the service.
    func testAnOffloadWorkersHostCostSharesTheCores() throws {
        var scenario = try scenario(streams: 2, cores: 1, cost: "cpu:30ms", seconds: 100)
        var vlm = try WorkerSpec.parse("offload:40ms")
        vlm.name = "offload"
        vlm.hostCost = .milliseconds(20)
        scenario.workers.append(vlm)
        let result = try VirtualExecutor(scenario: scenario).run()
        let host = try XCTUnwrap(result.host)
        let offload = try XCTUnwrap(host.coresByKind.first { $0.worker == "offload" }).cores
        let cpu = try XCTUnwrap(host.coresByKind.first { $0.worker == "cpu:30ms" }).cores
        XCTAssertLessThanOrEqual(host.coresInUse, 1 + 1e-9)
        XCTAssertEqual(host.coresInUse, offload + cpu, accuracy: 1e-9)
        // 2 streams × 10 fps × 20 ms = 0.4 cores of host cost if every frame is served.
        XCTAssertGreaterThan(offload, 0.3)
        let service = try XCTUnwrap(result.workers.first { $0.worker == "offload" }?.serviceMs.p50)
        XCTAssertGreaterThanOrEqual(service, 60 - 0.1, "40 ms on its accelerator plus 20 ms on the host, at least")
    }
}
