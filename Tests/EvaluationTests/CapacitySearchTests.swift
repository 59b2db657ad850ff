@testable import Evaluation
import XCTest

final class CapacitySearchTests: XCTestCase {
    private func search(capacity: Int, start: Int = 1, bound: Int) -> (Int?, [Int]) {
        let (found, probes) = CapacitySearch(start: start, bound: bound).run { n in
            CapacitySearch.Probe(streams: n, meets: n <= capacity, evidence: [])
        }
        return (found, probes.map(\.streams))
    }

    func testDoublesThenBisects() {
        XCTAssertEqual(search(capacity: 4, bound: 8).0, 4)
        XCTAssertEqual(search(capacity: 4, bound: 8).1, [1, 2, 4, 8, 6, 5])
        XCTAssertEqual(search(capacity: 37, bound: 128).0, 37)
        XCTAssertEqual(search(capacity: 37, bound: 128).1.count, 7 + 5, "7 doublings to 64, then 5 bisections of (32, 64)")
    }

    func testTheBoundAndTheStartAreAnswersToo() {
        XCTAssertEqual(search(capacity: 500, bound: 100).0, 100, "meets at the bound: at least the bound")
        XCTAssertEqual(search(capacity: 500, bound: 100).1.last, 100)
        XCTAssertNil(search(capacity: 3, start: 4, bound: 10).0)
        XCTAssertEqual(search(capacity: 3, start: 4, bound: 10).1, [4])
        XCTAssertEqual(search(capacity: 10, start: 10, bound: 10).0, 10)
    }
}
