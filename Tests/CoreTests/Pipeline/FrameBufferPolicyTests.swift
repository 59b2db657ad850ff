@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// The frame-buffer policy driven in virtual time against docs/queueing.md §3 and §5.
final class FrameBufferPolicyTests: XCTestCase {
    struct Arrival: StreamItem { let stream: Int; let at: UInt64 }

    struct Outcome {
        var served: [UInt64]
        var meanAgeMs: Double
        var meanLatencyMs: Double
        var seconds: Double
        var drops: UInt64
    }

    /// N periodic streams (period T, given phases) and one shared worker of constant
    /// service d that takes the next frame the moment it is free.
    private func simulate(streams: Int, periodNanos: UInt64, serviceNanos: UInt64, phases: [UInt64], seconds: Double,
                          slot: SlotPolicy, scheduling: SchedulingPolicy) -> Outcome {
        var buffer = FrameBufferPolicy<Arrival>(streams: streams, slotPolicy: slot, scheduling: scheduling)
        let end = UInt64(seconds * 1e9)
        var nextArrival = phases
        var freeAt: UInt64? = 0  // nil while busy-until is tracked in `busyUntil`
        var busyUntil: UInt64 = 0
        var ages: [Double] = [], latencies: [Double] = []
        func startService(at time: UInt64) {
            guard let (_, arrival) = buffer.next() else { freeAt = time; return }
            freeAt = nil
            busyUntil = time + serviceNanos
            ages.append(Double(time - arrival.at) / 1e6)
            latencies.append(Double(busyUntil - arrival.at) / 1e6)
        }
        while true {
            // The earliest event: an arrival or the end of the current service (arrivals
            // first on ties, so a frame arriving as the worker frees up is seen).
            let stream = nextArrival.indices.min { nextArrival[$0] < nextArrival[$1] }!
            let arrivalTime = nextArrival[stream]
            let completion = freeAt == nil ? busyUntil : UInt64.max
            if min(arrivalTime, completion) >= end { break }
            if arrivalTime <= completion {
                buffer.offer(Arrival(stream: stream, at: arrivalTime), stream: stream)
                nextArrival[stream] += periodNanos
                if freeAt != nil { startService(at: arrivalTime) }
            } else {
                startService(at: completion)
            }
        }
        return Outcome(served: buffer.served, meanAgeMs: ages.reduce(0, +) / Double(ages.count),
                       meanLatencyMs: latencies.reduce(0, +) / Double(latencies.count), seconds: seconds, drops: buffer.drops)
    }

    private let period: UInt64 = 33_333_333
    private func spreadPhases(_ n: Int) -> [UInt64] { (0..<n).map { UInt64($0) * 33_333_333 / UInt64(n) } }

    /// §3, overwrite slots: each stream served at 1/(N·d), Jain 1, age ≈ U[0, T) → T/2,
    /// latency ≈ T/2 + d. (d = 103 ms: not a small-integer multiple of T, so no phase lock.)
    func testRoundRobinWithOverwriteSlotsServesStreamsEquallyWithFreshFrames() {
        let d: UInt64 = 103_000_000
        let outcome = simulate(streams: 4, periodNanos: period, serviceNanos: d, phases: spreadPhases(4), seconds: 600,
                               slot: .overwrite, scheduling: .roundRobin)
        let rates = outcome.served.map { Double($0) / outcome.seconds }
        for rate in rates { XCTAssertEqual(rate, 1 / (4 * 0.103), accuracy: 0.01) }
        XCTAssertEqual(Fairness.jain(rates), 1, accuracy: 1e-4)
        XCTAssertEqual(outcome.meanAgeMs, 33.333 / 2, accuracy: 33.333 * 0.05)
        XCTAssertEqual(outcome.meanLatencyMs, 33.333 / 2 + 103, accuracy: 2)
    }

    /// §3, drop-new slots (the P002 sketch): the kept frame is the first after the stream's
    /// previous service, so latency ≈ N·d − T/2 + d; overwrite is fresher by ≈ N·d − T.
    func testDropNewSlotsServeStaleFrames() {
        let d: UInt64 = 103_000_000
        let dropNew = simulate(streams: 4, periodNanos: period, serviceNanos: d, phases: spreadPhases(4), seconds: 600,
                               slot: .dropNew, scheduling: .roundRobin)
        let expected = 4 * 103 - 33.333 / 2 + 103
        XCTAssertEqual(dropNew.meanLatencyMs, expected, accuracy: expected * 0.02)
        let overwrite = simulate(streams: 4, periodNanos: period, serviceNanos: d, phases: spreadPhases(4), seconds: 600,
                                 slot: .overwrite, scheduling: .roundRobin)
        XCTAssertEqual(dropNew.meanLatencyMs - overwrite.meanLatencyMs, 4 * 103 - 33.333, accuracy: 10)
    }

    func testPriorityServesStreamsInProportionToTheirWeights() {
        let outcome = simulate(streams: 4, periodNanos: period, serviceNanos: 103_000_000, phases: spreadPhases(4), seconds: 600,
                               slot: .overwrite, scheduling: .priority(weights: [0: 3]))
        let total = Double(outcome.served.reduce(0, +))
        XCTAssertEqual(Double(outcome.served[0]) / total, 3.0 / 6, accuracy: 0.01)
        for stream in 1..<4 { XCTAssertEqual(Double(outcome.served[stream]) / total, 1.0 / 6, accuracy: 0.01) }
        XCTAssertLessThan(Fairness.jain(outcome.served.map { Double($0) }), 0.9)
    }

    func testFIFOServesTheOldestWaitingFrameFirst() {
        var buffer = FrameBufferPolicy<Int>(streams: 3, slotPolicy: .overwrite, scheduling: .fifo)
        buffer.offer(20, stream: 2)
        buffer.offer(0, stream: 0)
        buffer.offer(10, stream: 1)
        buffer.offer(21, stream: 2)  // overwrites: stream 2's frame is now the newest
        XCTAssertEqual(buffer.next()?.item, 0)
        XCTAssertEqual(buffer.next()?.item, 10)
        XCTAssertEqual(buffer.next()?.item, 21)
        XCTAssertNil(buffer.next())
        XCTAssertEqual(buffer.drops, 1)
        XCTAssertTrue(buffer.slots.allSatisfy(\.isBalanced))
    }

    func testRoundRobinTakesTurnsAndSkipsEmptyStreams() {
        var buffer = FrameBufferPolicy<Int>(streams: 3, slotPolicy: .dropNew, scheduling: .roundRobin)
        for round in 0..<3 {
            buffer.offer(round * 10, stream: 0)
            buffer.offer(round * 10 + 2, stream: 2)
        }
        XCTAssertEqual(buffer.next()?.stream, 0)
        XCTAssertEqual(buffer.next()?.stream, 2)
        buffer.offer(99, stream: 0)
        XCTAssertEqual(buffer.next()?.item, 99)
        XCTAssertEqual(buffer.drops, 4, "drop-new rejected the later frames of streams 0 and 2")
    }

    func testJainsIndex() {
        XCTAssertEqual(Fairness.jain([2.5, 2.5, 2.5, 2.5]), 1)
        XCTAssertEqual(Fairness.jain([10, 0, 0, 0]), 0.25)
        XCTAssertEqual(Fairness.jain([1, 2]), 9.0 / 10, accuracy: 1e-12)
        XCTAssertEqual(Fairness.jain([]), 1)
    }
}
