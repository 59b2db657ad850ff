import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// docs/queueing.md §1 and §2: one worker with one latest-frame slot, in virtual time.
final class VirtualOneWorkerTests: XCTestCase {
    /// Runs §1 and checks throughput, drop fraction, mean age at service start and mean
    /// latency against the closed form, within `tolerance` (nil: from the sampling error).
    private func checkPoisson(_ cost: ServiceDistribution, form: LatestFrameClosedForm, frames: Double,
                              relativeTolerance: Double? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let scenario = VirtualScenarios.oneWorker(cost: .offload(cost), arrival: .poisson, frames: frames)
        let result = try VirtualExecutor(scenario: scenario).run()
        let row = try XCTUnwrap(result.workers.first)
        let seconds = scenario.duration.seconds
        var tolerance = form.tolerances(seconds: seconds)
        if let relative = relativeTolerance {
            tolerance = .init(throughput: relative * form.throughput, dropFraction: relative * form.dropFraction,
                              meanAge: relative * form.meanAge, meanLatency: relative * form.meanLatency)
        }
        let age = try XCTUnwrap(row.ageMs.mean) / 1e3, latency = try XCTUnwrap(row.latencyMs.mean) / 1e3
        print(String(format: "§1 %@ (%.0f frames): X %.4f vs %.4f ±%.4f, D %.5f vs %.5f ±%.5f, age %.3f vs %.3f ±%.3f ms, latency %.3f vs %.3f ±%.3f ms",
                     cost.description, frames, row.processedFPS, form.throughput, tolerance.throughput,
                     row.dropFraction, form.dropFraction, tolerance.dropFraction,
                     age * 1e3, form.meanAge * 1e3, tolerance.meanAge * 1e3, latency * 1e3, form.meanLatency * 1e3, tolerance.meanLatency * 1e3))
        XCTAssertEqual(row.processedFPS, form.throughput, accuracy: tolerance.throughput, "throughput", file: file, line: line)
        XCTAssertEqual(row.dropFraction, form.dropFraction, accuracy: tolerance.dropFraction, "drop fraction", file: file, line: line)
        XCTAssertEqual(age, form.meanAge, accuracy: tolerance.meanAge, "mean age at service start", file: file, line: line)
        XCTAssertEqual(latency, form.meanLatency, accuracy: tolerance.meanLatency, "mean latency", file: file, line: line)
        XCTAssertEqual(result.pipelines[0].inboxDrops, 0, "the instantaneous supplier never drops", file: file, line: line)
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })", file: file, line: line)
    }

    private static let mean = Duration(nanoseconds: 33_333_333)  // μ = λ = 30/s

    func testPoissonConstantServiceMatchesClosedForm() throws {
        try checkPoisson(.constant(.milliseconds(50)), form: .constant(lambda: 30, d: 0.05), frames: 2e5)
    }

    func testPoissonExponentialServiceMatchesClosedForm() throws {
        // λ = μ: X = 2λ/3 = 20/s, D = 1/3.
        try checkPoisson(.exponential(mean: Self.mean), form: .exponential(lambda: 30, mean: 0.033_333_333), frames: 2e5)
    }

    /// The 1 % check at ≥ 1e6 frames (about 10 s in a debug build).
    func testLongRunsAgreeWithinOnePercent() throws {
        try checkPoisson(.constant(.milliseconds(50)), form: .constant(lambda: 30, d: 0.05), frames: 1e6, relativeTolerance: 0.01)
        try checkPoisson(.exponential(mean: Self.mean), form: .exponential(lambda: 30, mean: 0.033_333_333), frames: 1e6,
                         relativeTolerance: 0.01)
    }

    // §2: periodic arrivals, constant service.

    private func periodic(_ service: Duration, seconds: Double = 600) throws -> WorkerResult {
        let scenario = VirtualScenarios.oneWorker(cost: .offload(.constant(service)), arrival: .periodic, frames: seconds * 30)
        let result = try VirtualExecutor(scenario: scenario).run()
        XCTAssertTrue(result.accounting.balanced)
        return try XCTUnwrap(result.workers.first)
    }

    func testPeriodicSlowerThanThePeriodDropsOneMinusTOverD() throws {
        let seconds = 600.0
        let row = try periodic(.milliseconds(50), seconds: seconds)
        print("§2 d = 50 ms > T: X \(row.processedFPS) (1/d = 20), D \(row.dropFraction) (1 − T/d = \(1 - (1.0 / 30) / 0.05))")
        // Deterministic: off by at most a frame at each end of the window.
        XCTAssertEqual(row.processedFPS, 20, accuracy: 2 / seconds)
        XCTAssertEqual(row.dropFraction, 1 - (1.0 / 30) / 0.05, accuracy: 2 / Double(row.delivered))
    }

    func testPeriodicFasterThanThePeriodNeverDrops() throws {
        let row = try periodic(.milliseconds(20))
        print("§2 d = 20 ms ≤ T: X \(row.processedFPS), D \(row.dropFraction), latency mean \(row.latencyMs.mean!) ms, age max \(row.ageMs.max!) ms")
        XCTAssertEqual(row.processedFPS, 30, accuracy: 2 / 600)
        XCTAssertEqual(row.drops, 0)
        XCTAssertEqual(row.latencyMs.mean!, 20, accuracy: 0.02, "latency = d (no hand-off in virtual time)")
        XCTAssertLessThan(row.ageMs.max!, 0.0011, "taken at once (recorded at the histogram's 1 µs floor)")
    }

    func testPeriodicWithoutPhaseLockHasMeanAgeHalfAPeriod() throws {
        // d/T = √2: the service ends fall uniformly over the period.
        let row = try periodic(Duration(nanoseconds: UInt64((2.0.squareRoot() * 1e9 / 30).rounded())))
        let halfPeriod = 1e3 / 60
        print("§2 d = √2·T: age mean \(row.ageMs.mean!) ms (T/2 = \(halfPeriod)), D \(row.dropFraction) (1 − 1/√2 = \(1 - 1 / 2.0.squareRoot()))")
        XCTAssertEqual(row.ageMs.mean!, halfPeriod, accuracy: 0.02 * halfPeriod)
        XCTAssertEqual(row.dropFraction, 1 - 1 / 2.0.squareRoot(), accuracy: 1e-3)
    }
}
