import Foundation
@testable import Realtime
import RuntimeSupport
@testable import ScaleBenchCore
import XCTest

/// Offload workers that only sleep run without threads of their own (``SleepingWorker``):
/// the run has a thread per capture, per distribution loop and per CPU worker, and a few
/// timer threads, and the sleeping workers keep a worker thread's slot semantics
/// (behaviour 14: a 50 ms service at 30 fps drops 1 − T/L of the frames, and serves
/// frames no older than a period).
final class SleepingWorkerRunTests: XCTestCase {
    private func scenario(workers: [String]) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 4
        scenario.fps = 30
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.phase = .random
        scenario.workers = try workers.enumerated().map { index, text in
            var spec = try WorkerSpec.parse(text)
            spec.name = "w\(index)"
            return spec
        }
        // Pinned to a declared 2-core box: 2 timer threads on any machine (one per CPU, at
        // most one per 32 such workers), so the thread count below tells threads from none.
        scenario.host = HostSpec(cores: 2, memoryGB: 16)
        scenario.warmup = .milliseconds(300)
        scenario.duration = .seconds(3)
        scenario.seed = 3
        return scenario
    }

    /// The most threads the process had while the run sampled its timeline.
    private final class PeakThreads: @unchecked Sendable {
        private let lock = NSLock()
        private var peak = 0
        func sample() {
            let count = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0
            lock.withLock { peak = max(peak, count) }
        }
        var value: Int { lock.withLock { peak } }
    }

    private func run(_ scenario: RunScenario) throws -> (result: RunResult, threads: Int) {
        let peak = PeakThreads()
        var options = RealtimeExecutor.Options()
        options.onSample = { _ in peak.sample() }
        let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
        let result = try RealtimeExecutor(scenario: scenario, options: options).run().result
        return (result, peak.value - before)
    }

    func testOffloadWorkersHoldNoThreadsAndKeepTheSlotSemantics() throws {
        let available = CPUAffinity.available().count
        try XCTSkipIf(available < 2, "needs 2 CPUs to declare a 2-core box; this machine lets the test use \(available)")
        let timerThreads = 2
        let (result, threads) = try run(try scenario(workers: ["offload:constant(50ms)", "offload:constant(5ms)"]))
        // 4 captures and 4 loops; 8 offload workers on the timer threads.
        XCTAssertLessThanOrEqual(threads, 4 + 4 + timerThreads, "threads the run added")
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting)")
        for row in result.workers {
            XCTAssertEqual(row.processedFPS, row.worker == "w0" ? 20 : 30, accuracy: 1.5, "\(row.worker), stream \(row.stream)")
            if row.worker == "w0" {
                // 1 − T/L = 1 − 33.3/50: every other frame waits for the service to end.
                XCTAssertEqual(row.dropFraction, 1.0 / 3, accuracy: 0.05, "stream \(row.stream)")
                XCTAssertLessThan(row.ageMs.p99 ?? .infinity, 33.4 + 5, "a frame waits at most a period (plus the sleep's overshoot)")
            } else {
                XCTAssertEqual(row.drops, 0, "a 5 ms service never meets the next frame")
            }
            XCTAssertGreaterThanOrEqual(row.serviceMs.p50 ?? 0, row.worker == "w0" ? 50 : 5, "a sleep never ends early")
            XCTAssertLessThan(row.serviceMs.p50 ?? .infinity, row.worker == "w0" ? 53 : 8)
        }

        // Workers that use CPU keep a thread each.
        let cpu = try run(try scenario(workers: ["cpu:constant(2ms)", "offload:constant(5ms)"]))
        XCTAssertGreaterThanOrEqual(cpu.threads, 4 + 4 + 4, "a thread per capture, per loop and per CPU worker")
        XCTAssertLessThanOrEqual(cpu.threads, 4 + 4 + 4 + timerThreads)
        XCTAssertTrue(cpu.result.accounting.balanced)
    }
}
