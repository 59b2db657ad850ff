@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

final class SyntheticSourceTests: XCTestCase {
    func testResolutionPresetsAndExplicitSizes() {
        XCTAssertEqual(Resolution(parsing: "480p"), Resolution(width: 640, height: 480))
        XCTAssertEqual(Resolution(parsing: "512p"), Resolution(width: 910, height: 512))
        XCTAssertEqual(Resolution(parsing: "640p"), Resolution(width: 960, height: 640))
        XCTAssertEqual(Resolution(parsing: "720p"), Resolution(width: 1280, height: 720))
        XCTAssertEqual(Resolution(parsing: "1080p"), Resolution(width: 1920, height: 1080))
        XCTAssertEqual(Resolution(parsing: "320x240"), Resolution(width: 320, height: 240))
        for bad in ["720", "0x10", "10x", "huge", "99999x10"] { XCTAssertNil(Resolution(parsing: bad), bad) }
        XCTAssertEqual(PixelFormat.rgb24.byteCount(width: 1280, height: 720), 2_764_800, "the original's 720p frame size")
        XCTAssertEqual(PixelFormat.yuv420p.byteCount(width: 1280, height: 720), 1_382_400)
    }

    func testPeriodicArrivalsDoNotDriftOverLongRuns() {
        var schedule = ArrivalSchedule(fps: 30, process: .periodic, phaseNanos: 5_000, seed: 1)
        var last: UInt64 = 0
        for _ in 0..<1_080_000 { last = schedule.next() }  // ten hours at 30 fps
        let exact = 5_000 + 1_079_999 * (1e9 / 30)
        XCTAssertEqual(Double(last), exact, accuracy: 1, "arrival k is phase + k·T, not a sum of rounded periods")
    }

    func testJitteredArrivalsStayWithinTheirWindowAndInOrder() {
        var schedule = ArrivalSchedule(fps: 30, process: .jittered(.milliseconds(5)), phaseNanos: 0, seed: 7)
        var previous: UInt64 = 0
        var maxOffset = 0.0
        for k in 0..<10_000 {
            let t = schedule.next()
            if k > 0 { XCTAssertGreaterThan(t, previous) }
            let offset = Double(t) - Double(k) * 1e9 / 30
            maxOffset = max(maxOffset, abs(offset))
            XCTAssertLessThanOrEqual(abs(offset), 5e6 + 1)
            previous = t
        }
        XCTAssertGreaterThan(maxOffset, 4e6, "jitter is actually applied")
    }

    func testPoissonArrivalsHaveTheRequestedRate() {
        var schedule = ArrivalSchedule(fps: 30, process: .poisson, phaseNanos: 0, seed: 3)
        var last: UInt64 = 0
        let n = 200_000
        for _ in 0..<n { last = schedule.next() }
        XCTAssertEqual(Double(last) / Double(n), 1e9 / 30, accuracy: 1e9 / 30 * 0.01)
    }

    func testPhasesSpreadStreamsUnlessAligned() {
        let spread = (0..<4).map { ArrivalSchedule.phase(stream: $0, of: 4, policy: .spread, fps: 25, seed: 1) }
        XCTAssertEqual(spread, [0, 10_000_000, 20_000_000, 30_000_000])
        XCTAssertEqual(Set((0..<4).map { ArrivalSchedule.phase(stream: $0, of: 4, policy: .aligned, fps: 25, seed: 1) }), [0])
        let random = (0..<4).map { ArrivalSchedule.phase(stream: $0, of: 4, policy: .random, fps: 25, seed: 1) }
        XCTAssertEqual(random, (0..<4).map { ArrivalSchedule.phase(stream: $0, of: 4, policy: .random, fps: 25, seed: 1) })
        XCTAssertTrue(random.allSatisfy { $0 < 40_000_000 })
        XCTAssertEqual(Set(random).count, 4)
    }

    func testArrivalProcessParsing() throws {
        XCTAssertEqual(try ArrivalProcess.parse("periodic"), .periodic)
        XCTAssertEqual(try ArrivalProcess.parse("poisson"), .poisson)
        XCTAssertEqual(try ArrivalProcess.parse("jitter(5ms)"), .jittered(.milliseconds(5)))
        XCTAssertThrowsError(try ArrivalProcess.parse("bursty"))
    }

    /// Incremental rendering (restore the old box, draw the new one) must give exactly the
    /// image a fresh full render gives.
    func testIncrementalRenderingEqualsAFullRender() {
        for format in PixelFormat.allCases {
            let resolution = Resolution(width: 320, height: 180)
            var reused = SyntheticPattern(resolution: resolution, format: format, streamID: 2)
            var times: [UInt64] = []
            for k in 0..<12 {
                let t = UInt64(k) * 333_333_333
                times.append(t)
                let frame = reused.render(timeNanos: t, capturedAt: t)
                var fresh = SyntheticPattern(resolution: resolution, format: format, streamID: 2)
                let reference = fresh.render(timeNanos: t, capturedAt: t)
                XCTAssertTrue(frame.pixels.bytes.elementsEqual(reference.pixels.bytes), "\(format) frame \(k)")
            }
            XCTAssertEqual(reused.bufferCount, 1, "released frames' buffers are reused")
        }
    }

    func testBuffersStillReferencedAreNeverOverwritten() {
        var pattern = SyntheticPattern(resolution: Resolution(width: 64, height: 48), format: .rgb24, streamID: 0)
        var held: [Frame] = []
        var copies: [[UInt8]] = []
        for k in 0..<10 {
            let frame = pattern.render(timeNanos: UInt64(k) * 400_000_000, capturedAt: UInt64(k))
            held.append(frame)
            copies.append(Array(frame.pixels.bytes))
        }
        XCTAssertEqual(pattern.bufferCount, 10, "the pool grows while every buffer is in use")
        for (frame, copy) in zip(held, copies) { XCTAssertEqual(Array(frame.pixels.bytes), copy) }
        let identities = Set(held.map { ObjectIdentifier($0.pixels) })
        XCTAssertEqual(identities.count, 10)
    }

    func testConsecutiveFramesShowMotionAndStreamsDiffer() {
        var a = SyntheticPattern(resolution: Resolution(width: 160, height: 120), format: .rgb24, streamID: 0)
        var b = SyntheticPattern(resolution: Resolution(width: 160, height: 120), format: .rgb24, streamID: 1)
        let first = Array(a.render(timeNanos: 0, capturedAt: 0).pixels.bytes)
        let later = Array(a.render(timeNanos: 100_000_000, capturedAt: 1).pixels.bytes)
        XCTAssertNotEqual(first, later)
        XCTAssertNotEqual(first, Array(b.render(timeNanos: 0, capturedAt: 0).pixels.bytes))
    }
}
