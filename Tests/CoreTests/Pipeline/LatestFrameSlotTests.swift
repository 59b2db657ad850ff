@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

final class LatestFrameSlotTests: XCTestCase {
    func testOverwriteKeepsTheNewestAndCountsTheDrop() {
        var slot = LatestFrameSlot<Int>(policy: .overwrite)
        XCTAssertEqual(slot.offer(1), .stored)
        XCTAssertEqual(slot.offer(2), .droppedWaiting)
        XCTAssertEqual(slot.totalDrops, 1)
        XCTAssertEqual(slot.consecutiveDrops, 1)
        guard case .item(let taken) = slot.take() else { return XCTFail("expected an item") }
        XCTAssertEqual(taken, 2)
        XCTAssertEqual(slot.consecutiveDrops, 0)
        XCTAssertEqual(slot.totalDrops, 1)
        XCTAssertTrue(slot.isBalanced)
    }

    func testDropNewKeepsTheWaitingItem() {
        var slot = LatestFrameSlot<Int>(policy: .dropNew)
        _ = slot.offer(1)
        XCTAssertEqual(slot.offer(2), .droppedNew)
        guard case .item(let taken) = slot.take() else { return XCTFail("expected an item") }
        XCTAssertEqual(taken, 1)
        XCTAssertTrue(slot.isBalanced)
    }

    func testCloseDiscardsWithoutCountingADropAndIgnoresLaterOffers() {
        var slot = LatestFrameSlot<Int>()
        _ = slot.offer(7)
        XCTAssertEqual(slot.close(), 7)
        XCTAssertEqual(slot.totalDrops, 0)
        XCTAssertEqual(slot.discardedAtClose, 1)
        XCTAssertEqual(slot.offer(8), .ignoredClosed)
        guard case .closed = slot.take() else { return XCTFail("closed slot must report closed") }
        XCTAssertEqual(slot.ignoredWhileClosed, 1)
        XCTAssertNil(slot.close(), "a second close discards nothing")
        XCTAssertTrue(slot.isBalanced)
    }

    /// Random operation sequences keep the accounting balanced under both policies.
    func testAccountingBalancesForRandomOperationSequences() {
        for seed in UInt64(1)...200 {
            let random = GSLRandom(seed: seed)
            for policy in SlotPolicy.allCases {
                var slot = LatestFrameSlot<Int>(policy: policy)
                var lastTaken = -1
                for step in 0..<200 {
                    let u = random.uniform()
                    if u < 0.55 {
                        _ = slot.offer(step)
                    } else if u < 0.98 {
                        if case .item(let item) = slot.take() {
                            XCTAssertGreaterThan(item, lastTaken, "seed \(seed): items leave in order")
                            lastTaken = item
                        }
                    } else {
                        slot.close()
                    }
                    XCTAssertTrue(slot.isBalanced, "seed \(seed) policy \(policy) step \(step)")
                }
            }
        }
    }

    func testFanOutPlanMatchesTheOriginalThreshold() {
        XCTAssertEqual(FanOutPlan(workerCount: 0, threshold: 8), .sequential)
        XCTAssertEqual(FanOutPlan(workerCount: 8, threshold: 8), .sequential)
        XCTAssertEqual(FanOutPlan(workerCount: 9, threshold: 8), .chunks([0..<8, 8..<9]))
        XCTAssertEqual(FanOutPlan(workerCount: 16, threshold: 8), .chunks([0..<8, 8..<16]))
        guard case .chunks(let chunks) = FanOutPlan(workerCount: 64, threshold: 8) else { return XCTFail() }
        XCTAssertEqual(chunks.count, 8)
        XCTAssertTrue(chunks.allSatisfy { $0.count == 8 })
        XCTAssertEqual(FanOutPlan(workerCount: 5, threshold: 2), .chunks([0..<2, 2..<4, 4..<5]))
    }
}
