import Dispatch
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// The realtime frame-buffer: intakes that suppliers deliver into, instances that take.
final class FrameBufferTests: XCTestCase {
    func testSuppliersDeliverIntoTheirStreamsIntakeAndInstancesTakeByPolicy() throws {
        let buffer = FrameBuffer(streams: [0, 1], slotPolicy: .overwrite, scheduling: .roundRobin)
        let suppliers = (0..<2).map { FrameSupplier(configuration: .init(name: "s\($0)")) }
        for (stream, supplier) in suppliers.enumerated() {
            try supplier.attach("shared", sink: buffer.intake(for: stream))
            try supplier.start()
        }
        XCTAssertThrowsError(try suppliers[0].attach("shared", sink: buffer.intake(for: 0)), "ids stay unique")
        publishAndDistribute(suppliers[0], testFrame(1, stream: 0))
        publishAndDistribute(suppliers[0], testFrame(2, stream: 0))  // overwrites stream 0's waiting frame
        publishAndDistribute(suppliers[1], testFrame(3, stream: 1))
        XCTAssertEqual(buffer.take()?.capturedAt, 2)
        XCTAssertEqual(buffer.take()?.capturedAt, 3)
        let stats = suppliers[0].stats().worker("shared")
        XCTAssertEqual(stats?.totalDrops, 1)
        XCTAssertEqual(stats?.consumed, 1)
        XCTAssertEqual(stats?.lastConsumedSeq, 2)
        XCTAssertEqual(buffer.served, [1, 1])

        // A frame waiting at stop is discarded, not a drop; instances blocked in take()
        // end once every stream's supplier has stopped.
        publishAndDistribute(suppliers[1], testFrame(4, stream: 1))
        suppliers[1].stop()
        let ended = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            DispatchQueue.global().async {
                XCTAssertNil(buffer.take())
                ended.signal()
            }
        }
        suppliers[0].stop()
        XCTAssertEqual(ended.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(ended.wait(timeout: .now() + 5), .success)
        let after = suppliers[1].stats().worker("shared")!.slot
        XCTAssertEqual(after.discardedAtClose, 1)
        XCTAssertEqual(after.totalDrops, 0)
        XCTAssertTrue(after.isBalanced)
    }
    /// A batching take: a full batch at once, a partial one only after the wait limit on
    /// the monotonic clock (measured against it, with a generous bound above), frames of
    /// distinct streams chosen by the policy, nothing once closed.
    func testABatchingTakeLaunchesFullBatchesAtOnceAndPartialOnesAfterTheWaitLimit() throws {
        let buffer = FrameBuffer(streams: [0, 1, 2, 3, 4], slotPolicy: .overwrite, scheduling: .roundRobin,
                                 batch: BatchSpec(max: 3, wait: .milliseconds(40)))
        for stream in 0..<5 { buffer.offer(testFrame(UInt64(10 + stream), stream: stream)) }
        let started = monotonicNanos()
        guard case .item(let full) = buffer.takeBatch(until: .max) else { return XCTFail("a full batch waits") }
        XCTAssertEqual(full.frames.map(\.streamID), [0, 1, 2], "three streams' frames, round-robin")
        XCTAssertLessThan(monotonicNanos() - started, 40_000_000, "a full batch does not wait")
        XCTAssertEqual(full.waits.count, 3)
        XCTAssertLessThan(full.waits.max()!, 40_000_000, "frames waiting for a free instance do not wait for their batch")
        let partialStart = monotonicNanos()
        guard case .item(let partial) = buffer.takeBatch(until: .max) else { return XCTFail("a partial batch waits") }
        let waited = monotonicNanos() - partialStart
        XCTAssertEqual(partial.frames.map(\.streamID), [3, 4])
        // Their wait for the batch counts from the take (the instance free), not their arrival.
        XCTAssertEqual(partial.waits.count, 2)
        XCTAssertEqual(partial.waits[0], partial.waits[1], "one launch, one instant since the instance was free")
        XCTAssertLessThanOrEqual(partial.waits[0], waited)
        // The two frames had waited since before the first take: the limit counts from then.
        XCTAssertLessThan(waited, 40_000_000 + 500_000_000, "launched at the limit (give or take a wake-up)")
        XCTAssertGreaterThanOrEqual(monotonicNanos() - started, 40_000_000, "not before the oldest frame waited 40 ms")
        // A lone frame arriving later waits its own 40 ms.
        buffer.offer(testFrame(20, stream: 2))
        let lone = monotonicNanos()
        guard case .item(let one) = buffer.takeBatch(until: .max) else { return XCTFail("a lone frame goes alone") }
        XCTAssertEqual(one.frames.map(\.capturedAt), [20])
        XCTAssertGreaterThanOrEqual(monotonicNanos() - lone, 39_000_000)
        // A lone frame on an idle instance waits the limit for its batch (give or take a wake-up).
        XCTAssertGreaterThanOrEqual(one.waits[0], 39_000_000)
        XCTAssertLessThan(one.waits[0], 40_000_000 + 500_000_000)
        // A deadline ends an empty wait; a closed buffer ends it for good.
        guard case .timedOut = buffer.takeBatch(until: monotonicNanos() + 5_000_000) else { return XCTFail("the deadline ends the wait") }
        buffer.close()
        guard case .closed = buffer.takeBatch(until: .max) else { return XCTFail("closed") }
    }
}
