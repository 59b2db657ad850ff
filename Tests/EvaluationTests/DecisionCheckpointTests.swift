import Analysis
@testable import Evaluation
@testable import ResultsStore
import ScaleBenchCore
import XCTest

/// The checkpoint's items and recommendation from known data.
final class DecisionCheckpointTests: XCTestCase {
    /// A scenario whose option A cannot fit its GPU, with three criteria and two levels.
    func scenario() throws -> RunScenario {
        var scenario = RunScenario()
        scenario.workers = [WorkerSpec(name: "vlm", cost: .offload(.constant(.milliseconds(500))), device: "gpu0", modelMemoryGB: 8)]
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        scenario.sharedWorkers = ["vlm"]
        scenario.checkpoint = Checkpoint(
            serviceLevels: [.init(metric: Metric(.latencyP99, "vlm"), max: 1000), .init(metric: Metric(.processCores), max: 1.5)],
            criteria: [
                .init(item: "A within 25 % of C", metric: Metric(.processCores), streams: [4], option: .independentPipelines, versus: .hybrid, rule: .within(0.25)),
                .init(item: "B within 25 % of C", metric: Metric(.processCores), streams: [4], option: .globalPipeline, versus: .hybrid, rule: .within(0.25)),
                .init(item: "B exceeds C by 25 %", metric: Metric(.processCores), streams: [4], option: .globalPipeline, versus: .hybrid, rule: .exceeds(0.25)),
            ])
        return scenario
    }

    func runs(bCores: Double, cCores: Double) throws -> [RunRecord] {
        let scenario = try scenario()
        return (RunFactory.runs(5, option: "B", medianMs: 400, cores: bCores, noise: 0.01, seed: 1)
            + RunFactory.runs(5, option: "C", medianMs: 400, cores: cCores, noise: 0.01, seed: 2)).map { run in
            var run = run
            run.scenario = scenario
            return run
        }
    }

    /// What a sweep of the scenario records for the cells whose models do not fit.
    func infeasibleCells() throws -> [InfeasibleCell] {
        let scenario = try scenario()
        return TopologyKind.allCases.compactMap { topology in
            let cell = scenario.cell(streams: 4, topology: topology)
            let reasons = cell.infeasibilities
            return reasons.isEmpty ? nil : InfeasibleCell(topology: topology, streams: 4, reason: reasons.map(\.description).joined(separator: "; "))
        }
    }

    func checkpoint(bCores: Double, cCores: Double) throws -> DecisionCheckpoint {
        let runs = try runs(bCores: bCores, cCores: cCores)
        let settings = Comparison.Settings()
        let comparison = try Comparison.make(scenario: "s", runs: runs, settings: settings)
        return try XCTUnwrap(DecisionCheckpoint.make(runs: runs, comparison: comparison, settings: settings,
                                                     infeasible: try infeasibleCells()))
    }

    /// An item on an option that cannot run is not applicable (it used to read "not met");
    /// CheckpointVerdictTests has every branch of both rules.
    func testItemsAreMetNotMetOrNotApplicableWithTheirEvidence() throws {
        let close = try checkpoint(bCores: 1.05, cCores: 1.0)
        XCTAssertEqual(close.items.map(\.status), [.notApplicable, .met, .notMet])
        XCTAssertEqual(close.items[0].evidence, "option A cannot run at 4 streams (gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 16.0 GB): whether A's process CPU is within +25 % of C's does not apply")
        XCTAssertTrue(close.items[1].evidence.hasPrefix("process CPU at 4 streams: B's median 1.0"), close.items[1].evidence)
        XCTAssertTrue(close.items[1].evidence.hasSuffix("with 93.8 % confidence: within +25 %"), close.items[1].evidence)
        XCTAssertEqual(close.infeasible.map(\.option), ["A"])

        let far = try checkpoint(bCores: 1.6, cCores: 1.0)
        XCTAssertEqual(far.items.map(\.status), [.notApplicable, .notMet, .met])
    }

    func testTheRecommendationTakesTheCheapestOptionMeetingEveryLevel() throws {
        let far = try checkpoint(bCores: 1.6, cCores: 1.0)
        XCTAssertEqual(far.standings.map(\.option), ["B", "C"])
        XCTAssertEqual(far.standings.map(\.status), [.notMet, .met], "B's 1.6 cores break the 1.5-core level")
        let recommendation = try XCTUnwrap(far.recommendations.first)
        XCTAssertEqual(recommendation.option, "C")
        XCTAssertEqual(recommendation.streams, [4])

        let costlier = try checkpoint(bCores: 1.2, cCores: 1.0)
        let second = try XCTUnwrap(costlier.recommendations.first)
        XCTAssertEqual(second.choice, "C", "both meet the levels; C costs 20 % less")
        XCTAssertTrue(second.reason.contains("B also meets them, at significantly more CPU (beyond 10 %)"), second.reason)
        XCTAssertTrue(costlier.markdown().contains("- 4 streams: **option C** — "), costlier.markdown())

        // 5 % more, significant from 5 runs a side with 1 % noise, but too small to choose by.
        let close = try XCTUnwrap(try checkpoint(bCores: 1.05, cCores: 1.0).recommendations.first)
        XCTAssertEqual(close.choice, "B or C")
        XCTAssertTrue(close.reason.contains("B also meets them at a CPU cost within 10 % (C 1.00, B 1.05 cores)"), close.reason)
    }

    /// Two options meeting every level at a CPU cost the runs cannot tell apart are both
    /// the answer: the recommendation does not pick the one whose median is a hair lower.
    func testOptionsTheRunsCannotSeparateAreRecommendedTogether() throws {
        let tied = try checkpoint(bCores: 0.999, cCores: 1.0)
        let recommendation = try XCTUnwrap(tied.recommendations.first)
        XCTAssertEqual(recommendation.choice, "B or C")
        XCTAssertTrue(recommendation.reason.contains("C also meets them at a CPU cost not significantly different (B 1.00, C 1.00 cores)"), recommendation.reason)
        XCTAssertTrue(tied.markdown().contains("- 4 streams: **option B or C** — "), tied.markdown())
        XCTAssertEqual(try checkpoint(bCores: 1.6, cCores: 1.0).recommendations.first?.choice, "C")
    }

    func testNoCheckpointDeclaredGivesNoSection() throws {
        let runs = RunFactory.runs(3, medianMs: 1, seed: 1)
        let comparison = try Comparison.make(scenario: "s", runs: runs)
        XCTAssertNil(DecisionCheckpoint.make(runs: runs, comparison: comparison, settings: .init()))
    }
}
