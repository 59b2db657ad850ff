@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

final class CapturePoliciesTests: XCTestCase {
    func testReconnectDelaysDoubleFromOneSecondAndGiveUpOnTheSixthFailure() {
        var policy = ReconnectPolicy()
        let seconds: [ReconnectPolicy.Decision] = (1...5).map { _ in policy.failed() }
        XCTAssertEqual(seconds, [1, 2, 4, 8, 16].map { .retry(afterNanos: UInt64($0) * 1_000_000_000) })
        XCTAssertEqual(policy.failed(), .giveUp, "the 6th consecutive failure gives up")
        XCTAssertEqual(policy.reconnects, 5)
    }

    func testASuccessResetsTheBackoffAndDelaysAreCappedAndScalable() {
        var policy = ReconnectPolicy(scale: 0.01)
        _ = policy.failed()
        _ = policy.failed()
        policy.succeeded()
        XCTAssertEqual(policy.failed(), .retry(afterNanos: 10_000_000), "back to 1 s (scaled to 10 ms)")
        var capped = ReconnectPolicy()
        capped.maximumFailures = 10
        let delays = (1...8).map { _ in capped.failed() }
        XCTAssertEqual(delays.last, .retry(afterNanos: 30_000_000_000), "capped at 30 s")
    }

    func testRateControlOnlyDropsAndHoldsTheTargetRate() {
        var rate = RateControl(targetFPS: 10)
        let kept = (0..<1500).filter { rate.keep(presentationSeconds: Double($0) / 30) }.count
        XCTAssertEqual(kept, 500, "30 fps → 10 fps keeps one frame in three")
        var halve = RateControl(targetFPS: 15)
        XCTAssertEqual((0..<900).filter { halve.keep(presentationSeconds: Double($0) / 30) }.count, 450)
        var slower = RateControl(targetFPS: 30)
        XCTAssertEqual((0..<150).filter { slower.keep(presentationSeconds: Double($0) / 15) }.count, 150,
                       "a source slower than the target is never duplicated, only passed through")
        var native = RateControl(targetFPS: nil)
        XCTAssertTrue((0..<10).allSatisfy { native.keep(presentationSeconds: Double($0)) })
    }

    func testWarmUpCheckFollowsTheOriginalsRule() throws {
        let steady = (0..<150).map { UInt64($0) * 33_333_333 }
        let report = try WarmupReport.evaluate(arrivalsNanos: steady)
        XCTAssertEqual(report.fpsMean, 30, accuracy: 0.01)
        XCTAssertEqual(report.fpsStdDev, 0, accuracy: 0.01)
        XCTAssertTrue(report.stable)

        // Alternating 20 ms / 46.7 ms intervals: the mean rate is still 30 fps but jitter
        // is ~40 % of the period, so the source is not stable.
        var t: UInt64 = 0
        let jittery = (0..<150).map { k -> UInt64 in
            defer { t += k % 2 == 0 ? 20_000_000 : 46_666_667 }
            return t
        }
        XCTAssertFalse(try WarmupReport.evaluate(arrivalsNanos: jittery).stable)
        XCTAssertThrowsError(try WarmupReport.evaluate(arrivalsNanos: [5])) {
            XCTAssertEqual($0 as? WarmupReport.Failure, .tooFewFrames(1))
        }
    }

    func testErrorCategoriesFromFFmpegCodes() {
        XCTAssertEqual(VideoError(code: -ECONNREFUSED, call: "open", url: "tcp://x").category, .network)
        XCTAssertEqual(VideoError(code: -ETIMEDOUT, call: "open", url: "udp://x").category, .network)
        XCTAssertEqual(VideoError(code: -EACCES, call: "open", url: "rtsp://x").category, .auth)
        let invalid = VideoError(code: VideoErrorCodes.invalidData, call: "open", url: "x.mp4")
        XCTAssertEqual(invalid.category, .codec)
        XCTAssertEqual(invalid.reason, "Invalid data found when processing input")
        XCTAssertEqual(VideoError(code: -ENOENT, call: "open", url: "x.mp4").reason, "No such file or directory")
    }
}
