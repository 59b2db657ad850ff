import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

final class VirtualEventQueueTests: XCTestCase {
    func testPopsByTimeThenByScheduleOrder() {
        let names = ["c1", "a", "c2", "b", "c3", "a2", "d"]
        var queue = EventQueue<Int>()
        for (index, time) in [30, 10, 30, 20, 30, 10].enumerated() { queue.schedule(index, at: UInt64(time)) }
        XCTAssertEqual(queue.count, 6)
        XCTAssertEqual(queue.pop().map { names[$0.event] }, "a")
        XCTAssertEqual(queue.count, 5)
        XCTAssertEqual(queue.nextTime(), 10)
        var order = ["a"]
        while let (_, event) = queue.pop() { order.append(names[event]) }
        XCTAssertEqual(order, ["a", "a2", "b", "c1", "c2", "c3"])
        XCTAssertTrue(queue.isEmpty)
        XCTAssertNil(queue.nextTime())
        queue.schedule(6, at: 35)
        XCTAssertEqual(queue.count, 1)
        XCTAssertEqual(queue.pop()?.time, 35)
        XCTAssertTrue(queue.isEmpty)
    }

    /// Against a sorted list, through everything the queue does: ties, events far beyond
    /// the ring that move in as it advances, a peek followed by an earlier event, and
    /// retuning as the gap between events moves from ~100 ns to ~10 ms and the number
    /// pending grows past the ring, then falls to a few (back to a heap).
    func testAgreesWithASortedListThroughRetuning() {
        let random = GSLRandom(seed: 42)
        var queue = EventQueue<Int>()
        var expected: [(time: UInt64, id: Int)] = []  // ascending (time, id)
        var now: UInt64 = 0
        var nextID = 0
        var popped = 0
        var modes: [Bool] = []

        func schedule(_ time: UInt64) {
            queue.schedule(nextID, at: time)
            // ids grow with scheduling, so (time, id) is the queue's (time, sequence) order.
            var low = 0, high = expected.count
            while low < high {
                let middle = (low + high) / 2
                if (expected[middle].time, expected[middle].id) < (time, nextID) { low = middle + 1 } else { high = middle }
            }
            let position = low
            expected.insert((time, nextID), at: position)
            nextID += 1
        }
        func popAndCheck() {
            guard let (time, event) = queue.pop() else { return XCTAssertTrue(expected.isEmpty) }
            let first = expected.removeFirst()
            XCTAssertEqual(time, first.time)
            XCTAssertEqual(event, first.id)
            XCTAssertGreaterThanOrEqual(time, now)
            now = time
            popped += 1
        }

        // (mean gap, events kept pending, pops)
        for (gap, pending, pops) in [(100, 50, 30_000), (10_000_000, 1_500, 40_000), (1_000, 200, 30_000), (1_000, 5, 20_000)] as [(UInt64, Int, Int)] {
            for _ in 0..<pops {
                while queue.count < pending {
                    let draw = random.uniformInt(below: 10)
                    switch draw {
                    case 0: schedule(now)  // at this instant: a tie with what is due now
                    case 1: schedule(now + 1_000 * gap * UInt64(pending) + random.uniformInt(below: gap))  // far beyond the ring
                    default: schedule(now + random.uniformInt(below: 2 * gap * UInt64(pending)))
                    }
                }
                if random.uniformInt(below: 4) == 0, let peeked = queue.nextTime() {
                    // A peek, then an event due before the peeked one.
                    XCTAssertEqual(peeked, expected[0].time)
                    if peeked > now { schedule(now + random.uniformInt(below: peeked - now)) }
                }
                popAndCheck()
            }
            modes.append(queue.usesRing)
        }
        XCTAssertEqual(modes, [true, true, true, false], "ring from 16 events pending, heap below 8")
        while !queue.isEmpty { popAndCheck() }
        XCTAssertTrue(expected.isEmpty)
        XCTAssertEqual(queue.scheduledCount, UInt64(nextID))
        XCTAssertEqual(popped, nextID)
        XCTAssertGreaterThanOrEqual(queue.rebuilds, 4, "the test is meant to go through retuning")
    }
}
