@testable import ScaleBenchCore
import TestSupport
import XCTest

/// The host's processor sharing as a pure policy: capacity with SMT, jobs' completion
/// times under sharing, cancellation, and the accounting (CPU never above the box).
final class HostSchedulerTests: XCTestCase {
    let ms: UInt64 = 1_000_000

    func testCapacityCountsCoresThenWhatASecondThreadAdds() {
        let nuc = HostProfile.named("nuc-i5-1135g7")!
        XCTAssertEqual((0...10).map { nuc.capacity(runnable: $0) }, [0, 1, 2, 3, 4, 4.25, 4.5, 4.75, 5, 5, 5])
        XCTAssertEqual(nuc.perJobSpeed(runnable: 2), 1)
        XCTAssertEqual(nuc.perJobSpeed(runnable: 10), 0.5, accuracy: 1e-12, "8 threads busy, 5 cores' worth, shared by 10")
        let plain = HostSpec(cores: 2, memoryGB: 1)
        XCTAssertEqual((0...4).map { plain.capacity(runnable: $0) }, [0, 1, 2, 2, 2])
        XCTAssertEqual(plain.peakCapacity, 2)
    }

    func testBadBoxesAreNamed() {
        XCTAssertTrue(HostSpec(cores: 0, memoryGB: 1).problem?.hasPrefix("cores 0") == true)
        XCTAssertTrue(HostSpec(cores: 4, threads: 2, memoryGB: 1).problem?.hasPrefix("threads 2") == true)
        XCTAssertTrue(HostSpec(cores: 4, threads: 8, memoryGB: 1).problem?.contains("at most 4") == true, "8 threads need an SMT curve")
        XCTAssertTrue(HostSpec(cores: 4, threads: 8, smt: [1, 0.9], memoryGB: 1).problem?.contains("falls") == true)
        XCTAssertNil(HostSpec(cores: 4, threads: 8, smt: [1, 1.25], memoryGB: 16).problem)
        for profile in HostProfile.all { XCTAssertNil(profile.spec.problem, profile.name) }
    }

    /// Three 60 ms jobs on two cores, arriving together: each runs at 2/3, all finish at 90 ms.
    func testJobsShareTheCoresAndFinishTogether() {
        var host = HostScheduler(spec: HostSpec(cores: 2, memoryGB: 1), jobs: 3, classes: 1)
        for job in 0..<3 { host.add(job: job, demand: 60 * ms, class: 0, at: 0) }
        let at = host.nextCompletion()!
        XCTAssertEqual(Double(at), 90e6, accuracy: 1)
        XCTAssertEqual(host.finish(at: at).sorted(), [0, 1, 2])
        XCTAssertEqual(host.cpuNanos, 180e6, accuracy: 10, "2 cores busy for 90 ms")
        XCTAssertNil(host.nextCompletion())
    }

    /// Virtual-time processor sharing against a job-by-job simulation of it, on random
    /// arrivals and demands, with cancellations.
    func testCompletionsMatchAStepByStepSimulation() {
        var random = SplitMix64(seed: 42)
        let spec = HostSpec(cores: 3, threads: 6, smt: [1, 1.3], memoryGB: 1)
        var host = HostScheduler(spec: spec, jobs: 40, classes: 2)
        var reference = ProcessorSharing(sharing: .efficiency((1...40).map { spec.capacity(runnable: $0) }), start: 0)
        var now: UInt64 = 0, running = Set<Int>()
        for _ in 0..<2000 {
            now += random.next() % (5 * ms)
            // Complete whatever is done by now, in both.
            while let at = host.nextCompletion(), at <= now {
                reference.advance(to: at)
                let done = Set(host.finish(at: at))
                let referenceDone = Set(running.filter { reference.isFinished(job: $0) })
                XCTAssertEqual(done, referenceDone, "at \(at)")
                for job in done { reference.remove(job: job, at: at); running.remove(job) }
            }
            reference.advance(to: now)
            host.advance(to: now)
            let job = Int(random.next() % 40)
            if running.contains(job) {
                if random.next() % 4 == 0 {
                    host.cancel(job: job, at: now)
                    reference.remove(job: job, at: now)
                    running.remove(job)
                }
            } else {
                let demand = 1 * ms + random.next() % (40 * ms)
                host.add(job: job, demand: demand, class: job % 2, at: now)
                reference.add(job: job, work: demand, at: now)
                running.insert(job)
            }
        }
        XCTAssertLessThanOrEqual(host.cpuNanos, spec.peakCapacity * Double(now) + 1, "never more CPU than the box has")
        XCTAssertEqual(host.classCPUNanos.reduce(0, +), host.cpuNanos, accuracy: host.cpuNanos * 1e-9)
    }

    func testTheRunQueueIsTimeWeighted() {
        var host = HostScheduler(spec: HostSpec(cores: 1, memoryGB: 1), jobs: 2, classes: 1)
        host.add(job: 0, demand: 10 * ms, class: 0, at: 0)  // alone for 10 ms
        _ = host.finish(at: 10 * ms)
        host.advance(to: 20 * ms)                              // idle for 10 ms
        host.add(job: 0, demand: 10 * ms, class: 0, at: 20 * ms)
        host.add(job: 1, demand: 10 * ms, class: 0, at: 20 * ms)  // two for 20 ms
        XCTAssertEqual(host.finish(at: 40 * ms).count, 2)
        let expected: Double = (10 + 0 + 40) / 40
        XCTAssertEqual(host.meanRunQueue, expected, accuracy: 1e-9, "10 ms at 1, 10 ms at 0, 20 ms at 2")
        XCTAssertEqual(host.runQueueQuantile(0.99), 2)
        XCTAssertEqual(host.runQueueQuantile(0.25), 0)
    }
}

/// A small seeded generator for the tests' random sequences.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
