import Foundation
@testable import Realtime
import RuntimeSupport
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// Real time against simulated time with a batching VLM shared by 6 rooms (option C), each
/// a Poisson 4 fps, so batches are of every size: the 30 ms wait limit runs on the
/// monotonic clock in real time, in virtual time in the simulator; the operating system
/// decides when the waiting instance wakes. Tolerances as the issue's.
final class BatchingAgreementTests: XCTestCase {
    func testABatchingWorkerAgreesInRealAndSimulatedTime() throws {
        var scenario = RunScenario()
        scenario.streams = 6
        scenario.fps = 4
        scenario.arrival = .poisson
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.topology = .hybrid
        var vlm = try WorkerSpec.parse("offload:lognormal(150ms,20ms)")
        vlm.name = "vlm"
        vlm.batch = BatchSpec(max: 4, wait: .milliseconds(30), time: .linear(extra: .milliseconds(10)))
        scenario.workers = [vlm]
        scenario.sharedWorkers = ["vlm"]
        scenario.sharedInstances = 1
        scenario.warmup = .seconds(1)
        scenario.duration = .seconds(8)
        scenario.seed = 5
        let real = try RealtimeExecutor(scenario: scenario).run().result
        let simulated = try VirtualExecutor(scenario: scenario).run()
        let r = HostAgreementTests.figures(real, kind: "vlm"), s = HostAgreementTests.figures(simulated, kind: "vlm")
        let sizes = (try XCTUnwrap(real.batches.first?.meanSize), try XCTUnwrap(simulated.batches.first?.meanSize))
        let text = String(format: "batching VLM, 6 rooms: fps %.3f real / %.3f simulated, drop %.3f / %.3f, p50 %.1f / %.1f ms, mean batch %.3f / %.3f",
                          r.fps, s.fps, r.drop, s.drop, r.p50, s.p50, sizes.0, sizes.1)
        print("batching agreement: \(text)")
        XCTAssertTrue(real.accounting.balanced, text)
        XCTAssertEqual(r.fps, s.fps, accuracy: 0.05 * s.fps, text)
        XCTAssertEqual(r.drop, s.drop, accuracy: 0.03, text)
        XCTAssertEqual(r.p50, s.p50, accuracy: 0.10 * s.p50, text)
        XCTAssertEqual(sizes.0, sizes.1, accuracy: 0.05 * sizes.1, text)
    }
}
