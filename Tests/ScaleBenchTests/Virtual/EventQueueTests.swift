import XCTest
@testable import ScaleBench

final class VirtualEventQueueTests: XCTestCase {
    func testPopsByTimeThenByScheduleOrder() {
        var queue = EventQueue<String>()
        queue.schedule("c1", at: 30)
        queue.schedule("a", at: 10)
        queue.schedule("c2", at: 30)
        queue.schedule("b", at: 20)
        queue.schedule("c3", at: 30)
        queue.schedule("a2", at: 10)
        XCTAssertEqual(queue.count, 6)
        XCTAssertEqual(queue.pop()?.event, "a")
        // Popped, not yet refilled: the count and the next time already leave it out.
        XCTAssertEqual(queue.count, 5)
        XCTAssertEqual(queue.nextTime(), 10)
        var order = ["a"]
        while let (_, event) = queue.pop() { order.append(event) }
        XCTAssertEqual(order, ["a", "a2", "b", "c1", "c2", "c3"])
        XCTAssertTrue(queue.isEmpty)
        XCTAssertNil(queue.nextTime())
        queue.schedule("d", at: 5)
        XCTAssertEqual(queue.count, 1)
        XCTAssertEqual(queue.pop()?.event, "d")
        XCTAssertTrue(queue.isEmpty)
    }

    func testAgreesWithASortOnManySeededEvents() {
        let random = GSLRandom(seed: 42)
        var queue = EventQueue<Int>()
        var expected: [(UInt64, Int)] = []
        for index in 0..<5_000 {
            let time = random.uniformInt(below: 200)  // many ties
            queue.schedule(index, at: time)
            expected.append((time, index))
            if index % 3 == 0, let popped = queue.pop() {
                // Interleaved pops take the earliest so far.
                let first = expected.indices.min { (expected[$0].0, expected[$0].1) < (expected[$1].0, expected[$1].1) }!
                XCTAssertEqual(popped.event, expected[first].1)
                expected.remove(at: first)
            }
        }
        expected.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var rest: [Int] = []
        while let (_, event) = queue.pop() { rest.append(event) }
        XCTAssertEqual(rest, expected.map(\.1))
    }
}
