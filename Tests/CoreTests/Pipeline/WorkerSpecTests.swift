@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

final class WorkerSpecTests: XCTestCase {
    func testPresetsCarryTheOriginalsCosts() throws {
        let detector = try WorkerSpec.parse("person-detector")
        guard case .cpu(let d) = detector.cost else { return XCTFail("person-detector runs on the CPU") }
        XCTAssertEqual(d.meanNanos, 20e6, accuracy: 1)
        guard case .offload(let v) = try WorkerSpec.parse("vlm").cost else { return XCTFail("vlm is offloaded") }
        XCTAssertEqual(v.meanNanos, 500e6, accuracy: 1)
        guard case .cpu(let p) = try WorkerSpec.parse("pose").cost else { return XCTFail("pose runs on the CPU") }
        XCTAssertEqual(p.meanNanos, 50e6, accuracy: 1)
        XCTAssertEqual(try WorkerSpec.parse("motion").cost, .pixels)
    }

    func testExplicitSpecs() throws {
        XCTAssertEqual(try WorkerSpec.parse("offload:50ms"), WorkerSpec(name: "offload:50ms", cost: .offload(.constant(.milliseconds(50)))))
        XCTAssertEqual(try WorkerSpec.parse("cpu:lognormal(20ms,5ms)").cost, .cpu(.lognormal(mean: .milliseconds(20), sd: .milliseconds(5))))
        XCTAssertEqual(try WorkerSpec.parse("pixels").cost, .pixels)
    }

    func testRejectsUnknownAndMalformedWorkers() {
        for text in ["yolo-xxl", "gpu:50ms", "offload:", "cpu:lognormal(20ms)", "offload:fast"] {
            XCTAssertThrowsError(try WorkerSpec.parse(text), text)
        }
    }

    func testRepeatedWorkersGetDistinctNames() {
        let spec = WorkerSpec(name: "pose", cost: .pixels)
        XCTAssertEqual(WorkerSpec.uniquelyNamed([spec, spec, spec]).map(\.name), ["pose", "pose#2", "pose#3"])
    }

    func testMotionScoreIsZeroForAStillSceneAndPositiveWhenTheBoxMoves() {
        for format in PixelFormat.allCases {
            var pattern = SyntheticPattern(resolution: Resolution(width: 320, height: 240), format: format, streamID: 0)
            var scorer = MotionScorer()
            XCTAssertEqual(scorer.score(pattern.render(timeNanos: 0, capturedAt: 0)), 0, "first frame has no reference")
            XCTAssertEqual(scorer.score(pattern.render(timeNanos: 0, capturedAt: 1)), 0, accuracy: 1e-12, "\(format): same scene")
            XCTAssertGreaterThan(scorer.score(pattern.render(timeNanos: 500_000_000, capturedAt: 2)), 0.001, "\(format): moved box")
        }
    }
}
