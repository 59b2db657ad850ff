import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// Offloaded jobs sharing a declared device through ``ProcessorSharing``, in virtual time.
final class VirtualDeviceTests: XCTestCase {
    /// Two instances of a 200 ms offload worker on one device, saturated by 2 streams.
    private func totalFPS(_ sharing: DeviceSharing, seconds: Double = 60) throws -> (fps: Double, result: RunResult) {
        var scenario = VirtualScenarios.shared(.hybrid, streams: 2, cost: .offload(.constant(.milliseconds(200))), seconds: seconds)
        scenario.workers[0].device = "gpu0"
        scenario.sharedInstances = 2
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16, sharing: sharing)]
        let result = try VirtualExecutor(scenario: scenario).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })")
        return (result.workers.reduce(0) { $0 + $1.processedFPS }, result)
    }

    func testDividedDeviceServesOneJobWorthOfThroughput() throws {
        let (fps, result) = try totalFPS(.divided)
        print("device divided: \(fps) fps (expected 5), usage \(result.devices[0].usage)")
        XCTAssertEqual(fps, 5, accuracy: 2 / 60)
        XCTAssertEqual(result.devices[0].usage.meanConcurrency, 2, accuracy: 0.01)
        XCTAssertEqual(result.devices[0].usage.maxConcurrency, 2)
    }

    func testEfficiencyCurveRecoversCapacity() throws {
        let (fps, _) = try totalFPS(.efficiency([1, 1.6]))
        print("device efficiency(1,1.6): \(fps) fps (expected 8)")
        XCTAssertEqual(fps, 8, accuracy: 2 / 60)
    }

    func testAJobAloneRunsAtFullSpeed() throws {
        // One stream at 1 fps: jobs never overlap, so each takes its solo 200 ms.
        var scenario = VirtualScenarios.shared(.hybrid, streams: 1, cost: .offload(.constant(.milliseconds(200))), seconds: 30)
        scenario.fps = 1
        scenario.workers[0].device = "gpu0"
        scenario.sharedInstances = 2
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        let row = try XCTUnwrap(VirtualExecutor(scenario: scenario).run().workers.first)
        XCTAssertEqual(row.serviceMs.mean!, 200, accuracy: 0.2)
        XCTAssertEqual(row.processedFPS, 1, accuracy: 2 / 30)
    }
}
