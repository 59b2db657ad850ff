import Foundation
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import XCTest

/// Monotonic now + `seconds`, for waits that must end even if a test is broken.
public func deadline(_ seconds: Double = 10) -> UInt64 { monotonicNanos() + UInt64(seconds * 1e9) }

/// A frame whose `capturedAt` identifies it (publishers' seq is overwritten by the supplier).
public func testFrame(_ marker: UInt64, stream: Int = 0) -> Frame {
    Frame(streamID: stream, capturedAt: marker, width: 2, height: 2, format: .yuv420p, pixels: sharedPixels)
}

/// Plain integers in the slot-policy tests: all of stream 0.
extension Int: StreamItem {
    public var stream: Int { 0 }
}

public let sharedPixels = PixelBuffer(layout: PixelLayout(format: .rgb24, width: 2, height: 1))

/// Waits until `condition` holds, re-checking after yielding the CPU; fails the test at the
/// deadline. Used only to synchronise on a component's observable state.
public func waitFor(_ what: String, timeout: Double = 10, interval: useconds_t = 200, file: StaticString = #filePath, line: UInt = #line,
             _ condition: () -> Bool) {
    let end = deadline(timeout)
    while !condition() {
        if monotonicNanos() > end {
            XCTFail("timed out waiting for \(what)", file: file, line: line)
            return
        }
        usleep(interval)
    }
}

/// Publishes a frame and waits until the loop has distributed it.
public func publishAndDistribute(_ supplier: FrameSupplier, _ frame: Frame, file: StaticString = #filePath, line: UInt = #line) {
    let target = supplier.stats().distributed + 1
    supplier.publish(frame)
    XCTAssertTrue(supplier.waitUntilDistributed(target, deadline: deadline()), "frame not distributed", file: file, line: line)
}
