import Analysis
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Evaluation
@testable import ResultsStore
import ScaleBenchCore
import XCTest

/// The gate's statistics over seeded trials: no flakes on noise, a real slowdown caught.
final class GateTests: XCTestCase {
    /// Must show: candidate = the baseline's configuration with other seeds → pass in at
    /// least 19 of 20 trials (false alarms ≤ 5 %).
    func testTheSameConfigurationWithOtherSeedsPassesNineteenTimesInTwenty() throws {
        var passes = 0
        for trial in 0..<20 {
            let baseline = RunFactory.runs(6, medianMs: 500, seed: UInt64(1000 + trial))
            let candidate = RunFactory.runs(6, medianMs: 500, seed: UInt64(2000 + trial))
            let gate = try Gate.make(baseline: baseline, candidate: candidate)
            if gate.passed { passes += 1 }
        }
        XCTAssertGreaterThanOrEqual(passes, 19)
    }

    /// Must show: a heavy worker 30 % slower fails, naming the metric, the change and its CI.
    func testAThirtyPercentSlowerHeavyWorkerFailsNamingMetricChangeAndInterval() throws {
        let baseline = RunFactory.runs(6, medianMs: 500, seed: 1)
        let candidate = RunFactory.runs(6, medianMs: 650, seed: 2)
        let gate = try Gate.make(baseline: baseline, candidate: candidate)
        XCTAssertFalse(gate.passed)
        let regression = try XCTUnwrap(gate.regressions.first { $0.metric == Metric(.latencyP99, "vlm") })
        XCTAssertEqual(try XCTUnwrap(regression.change), 0.30, accuracy: 0.08)
        let interval = try XCTUnwrap(regression.changeInterval)
        XCTAssertLessThan(interval.lower, regression.change!)
        XCTAssertGreaterThan(interval.upper, regression.change!)
        XCTAssertTrue(regression.note.hasPrefix("regression: vlm latency p99 +"), regression.note)
        XCTAssertTrue(regression.note.contains("beyond the 10 % threshold"), regression.note)
        XCTAssertTrue(gate.text().contains("✗ latency-p99:vlm at 4 streams, option C"), gate.text())
        XCTAssertFalse(gate.regressions.contains { $0.metric == Metric(.processCores) }, "CPU did not change")
    }

    /// Must show: a change inside its threshold that is significant passes, with a note.
    func testASignificantChangeInsideTheThresholdPassesWithANote() throws {
        let baseline = RunFactory.runs(8, medianMs: 500, noise: 0.005, seed: 3)
        let candidate = RunFactory.runs(8, medianMs: 525, noise: 0.005, seed: 4)
        var settings = Gate.Settings()
        settings.metrics = [Metric(.latencyP50, "vlm")]
        let gate = try Gate.make(baseline: baseline, candidate: candidate, settings: settings)
        XCTAssertTrue(gate.passed)
        let check = try XCTUnwrap(gate.checks.first)
        XCTAssertLessThan(try XCTUnwrap(check.adjustedP), 0.05)
        XCTAssertTrue(check.note.hasPrefix("significant but within the 10 % threshold: vlm latency p50 +"), check.note)
        XCTAssertEqual(try XCTUnwrap(check.change), 0.05, accuracy: 0.015)
    }

    /// One run a side gives no p-value and no verdict: "insufficient data", not gated.
    func testOneRunASideIsInsufficientNotAVerdict() throws {
        let gate = try Gate.make(baseline: RunFactory.runs(1, medianMs: 500, seed: 5), candidate: RunFactory.runs(1, medianMs: 900, seed: 6))
        XCTAssertTrue(gate.passed)
        XCTAssertTrue(gate.checks.allSatisfy { $0.outcome == .insufficient })
        XCTAssertTrue(gate.checks[0].note.hasPrefix("insufficient data (n = 1)"), gate.checks[0].note)
    }

    func testJUnitAndMarkdownNameEveryCheck() throws {
        let gate = try Gate.make(baseline: RunFactory.runs(6, medianMs: 500, seed: 1), candidate: RunFactory.runs(6, medianMs: 650, seed: 2))
        let junit = gate.junit()
        let document = try XMLDocument(xmlString: junit)
        XCTAssertEqual(try document.nodes(forXPath: "//testcase").count, gate.checks.count)
        XCTAssertEqual(try document.nodes(forXPath: "//failure").count, gate.regressions.count)
        XCTAssertTrue(gate.markdown().contains("| ✗ | latency-p99:vlm | 4 | C |"), gate.markdown())
    }

    func testNothingInCommonOrNoRunsIsAnError() {
        XCTAssertThrowsError(try Gate.make(baseline: [], candidate: RunFactory.runs(2, medianMs: 1, seed: 1)))
        XCTAssertThrowsError(try Gate.make(baseline: RunFactory.runs(2, option: "A", medianMs: 1, seed: 1),
                                           candidate: RunFactory.runs(2, option: "B", medianMs: 1, seed: 2))) { error in
            XCTAssertEqual("\(error)", "the baseline and the candidate have no stream count × option in common")
        }
    }
}
