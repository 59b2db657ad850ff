@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// The realtime device gate on the system clock. Bounds are generous: the machine may be
/// busy, and a late wake-up only ever lengthens a call.
final class DeviceGateTests: XCTestCase {
    private let ms: UInt64 = 1_000_000

    /// Holds threads until all are ready, then releases them together, and collects what
    /// each measured.
    private final class StartLine: @unchecked Sendable {
        private let lock = ConditionLock()
        private var open = false
        private var waiting = 0
        private(set) var durations: [UInt64] = []

        func waitForStart() {
            lock.withLock {
                waiting += 1
                lock.broadcast()
                while !open { lock.wait() }
            }
        }

        func release(when count: Int) {
            lock.withLock {
                while waiting < count { _ = lock.wait(untilMonotonic: deadline()) }
                open = true
                lock.broadcast()
            }
        }

        func record(_ nanos: UInt64) { lock.withLock { durations.append(nanos) } }
        func recorded() -> [UInt64] { lock.withLock { durations } }
    }

    func testFourJobsOnADividedDeviceEachTakeFourTimesTheirWork() {
        let gate = DeviceGate(spec: DeviceSpec(name: "gpu0", memoryGB: 24, sharing: .divided))
        let line = StartLine()
        let work = 50 * ms
        let threads = (0..<4).map { index in
            OSThread(name: "device-job-\(index)", role: .worker) {
                line.waitForStart()
                let start = monotonicNanos()
                gate.run(work: work)
                line.record(monotonicNanos() - start)
            }
        }
        threads.forEach { $0.start() }
        line.release(when: threads.count)
        threads.forEach { $0.join() }

        let durations = line.recorded()
        XCTAssertEqual(durations.count, 4)
        for nanos in durations {
            XCTAssertGreaterThanOrEqual(nanos, 150 * ms, "4 × 50 ms shared should take about 200 ms")
            XCTAssertLessThan(nanos, 400 * ms, "4 × 50 ms shared should take about 200 ms")
        }
        let usage = gate.snapshot()
        XCTAssertEqual(usage.maxConcurrency, 4)
        XCTAssertEqual(usage.jobs, 4)
        XCTAssertGreaterThanOrEqual(usage.busySeconds, 0.2 - 1e-6, "200 ms of work on a divided device")
        XCTAssertLessThan(usage.busySeconds, 0.4)
        XCTAssertGreaterThan(usage.meanConcurrency, 2.5)
        XCTAssertLessThanOrEqual(usage.meanConcurrency, 4)
    }

    func testASingleJobAloneTakesItsWork() {
        let gate = DeviceGate(spec: DeviceSpec(name: "gpu0", memoryGB: 24))
        let start = monotonicNanos()
        gate.run(work: 50 * ms)
        let took = monotonicNanos() - start
        XCTAssertGreaterThanOrEqual(took, 50 * ms)
        XCTAssertLessThan(took, 150 * ms)
        let usage = gate.snapshot()
        XCTAssertEqual(usage.jobs, 1)
        XCTAssertEqual(usage.maxConcurrency, 1)
        XCTAssertEqual(usage.meanConcurrency, 1)
        XCTAssertEqual(usage.busySeconds, 0.05, accuracy: 1e-6)
    }

    /// A worker that crashes leaves the device at its crash time (``WorkerFaults``): the
    /// job still sharing the device speeds up then. Two 200 ms jobs on a divided device,
    /// the first cancelled at 100 ms (each has done 50 ms): the second finishes its last
    /// 150 ms alone, at about 250 ms; had the cancelled job kept its share, at 400 ms.
    func testACancelledJobLeavesTheDeviceAtItsDeadline() {
        let gate = DeviceGate(spec: DeviceSpec(name: "gpu0", memoryGB: 24, sharing: .divided))
        let line = StartLine()
        let finished = Finished()
        let ms = self.ms
        let threads = (0..<2).map { index in
            OSThread(name: "device-job-\(index)", role: .worker) {
                line.waitForStart()
                let start = monotonicNanos()
                let done = gate.run(work: 200 * ms, until: index == 0 ? start + 100 * ms : .max)
                finished.record(index, done, monotonicNanos() - start)
            }
        }
        threads.forEach { $0.start() }
        line.release(when: threads.count)
        threads.forEach { $0.join() }
        let cancelled = finished.result(0), other = finished.result(1)
        XCTAssertEqual(cancelled?.done, false, "the job still running at its deadline is cancelled")
        XCTAssertGreaterThanOrEqual(cancelled?.nanos ?? 0, 100 * ms)
        XCTAssertLessThan(cancelled?.nanos ?? .max, 180 * ms)
        XCTAssertEqual(other?.done, true)
        XCTAssertGreaterThanOrEqual(other?.nanos ?? 0, 240 * ms, "50 ms shared, then 150 ms alone")
        XCTAssertLessThan(other?.nanos ?? .max, 340 * ms, "not the 400 ms of keeping the cancelled job's share")
        XCTAssertEqual(gate.snapshot().jobs, 1, "a cancelled job is not a completed one")
    }

    private final class Finished: @unchecked Sendable {
        private let lock = ConditionLock()
        private var results: [Int: (done: Bool, nanos: UInt64)] = [:]
        func record(_ index: Int, _ done: Bool, _ nanos: UInt64) { lock.withLock { results[index] = (done, nanos) } }
        func result(_ index: Int) -> (done: Bool, nanos: UInt64)? { lock.withLock { results[index] } }
    }
}
