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
}
