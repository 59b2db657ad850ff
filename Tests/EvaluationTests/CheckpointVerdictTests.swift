import Analysis
@testable import Evaluation
@testable import ResultsStore
import ScaleBenchCore
import XCTest

/// Must show: the checkpoint's items read the right way in every branch — met, not met,
/// not applicable (an option that cannot run, or has no runs stored) and insufficient
/// data — for `within` and for `exceeds`, each saying which way the item reads.
final class CheckpointVerdictTests: XCTestCase {
    /// Option A needs 4 × 8 GB of VLM on a 16 GB GPU at 4 streams: it cannot run.
    func scenario(_ criteria: [Checkpoint.Criterion]) -> RunScenario {
        var scenario = RunScenario()
        scenario.workers = [WorkerSpec(name: "vlm", cost: .offload(.constant(.milliseconds(500))), device: "gpu0", modelMemoryGB: 8)]
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        scenario.sharedWorkers = ["vlm"]
        scenario.checkpoint = Checkpoint(criteria: criteria)
        return scenario
    }

    func criterion(_ option: TopologyKind, _ rule: Checkpoint.Criterion.Rule, streams: [Int] = [4]) -> Checkpoint.Criterion {
        .init(item: "item", metric: Metric(.processCores), streams: streams, option: option, versus: .hybrid, rule: rule)
    }

    /// B's and C's runs at 4 streams (no A: it cannot run), CPU around the given medians.
    func items(_ criteria: [Checkpoint.Criterion], bCores: Double, cCores: Double = 1, noise: Double = 0.01,
               runs count: Int = 5) throws -> [DecisionCheckpoint.ItemResult] {
        let scenario = scenario(criteria)
        let runs = (RunFactory.runs(count, option: "B", medianMs: 400, cores: bCores, noise: noise, seed: 1)
            + RunFactory.runs(count, option: "C", medianMs: 400, cores: cCores, noise: noise, seed: 2)).map { run in
            var run = run
            run.scenario = scenario
            return run
        }
        let infeasible = TopologyKind.allCases.compactMap { topology -> InfeasibleCell? in
            let reasons = scenario.cell(streams: 4, topology: topology).infeasibilities
            return reasons.isEmpty ? nil : InfeasibleCell(topology: topology, streams: 4, reason: reasons.map(\.description).joined(separator: "; "))
        }
        let comparison = try Comparison.make(scenario: "s", runs: runs)
        return try XCTUnwrap(DecisionCheckpoint.make(runs: runs, comparison: comparison, settings: .init(), infeasible: infeasible)).items
    }

    func testAnItemOnAnOptionThatCannotRunIsNotApplicableWhateverItsRule() throws {
        let results = try items([criterion(.independentPipelines, .within(0.25)), criterion(.independentPipelines, .exceeds(0.25))], bCores: 1)
        XCTAssertEqual(results.map(\.status), [.notApplicable, .notApplicable])
        XCTAssertEqual(results[0].evidence, "option A cannot run at 4 streams (gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 16.0 GB): "
                       + "whether A's process CPU is within +25 % of C's does not apply")
        XCTAssertEqual(results[1].evidence, "option A cannot run at 4 streams (gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 16.0 GB): "
                       + "whether A's process CPU exceeds C's by more than 25 % does not apply")
        // Infeasible on the other side too.
        let reversed = Checkpoint.Criterion(item: "C vs A", metric: Metric(.processCores), streams: [4], option: .hybrid,
                                            versus: .independentPipelines, rule: .exceeds(0.1))
        XCTAssertEqual(try items([reversed], bCores: 1).map(\.status), [.notApplicable])
    }

    func testAnItemWithNoRunsStoredIsNotApplicableAndTooFewRunsAreInsufficientData() throws {
        // Stream count 10 is declared but nothing ran there.
        let none = try items([criterion(.globalPipeline, .within(0.25), streams: [10]), criterion(.globalPipeline, .exceeds(0.25), streams: [10])],
                             bCores: 1)
        XCTAssertEqual(none.map(\.status), [.notApplicable, .notApplicable])
        XCTAssertEqual(none[0].evidence, "no runs of option B at 10 streams are stored: whether B's process CPU is within +25 % of C's is not judged")
        XCTAssertEqual(none[1].evidence, "no runs of option B at 10 streams are stored: whether B's process CPU exceeds C's by more than 25 % is not judged")

        let few = try items([criterion(.globalPipeline, .within(0.25)), criterion(.globalPipeline, .exceeds(0.25))], bCores: 1, runs: 2)
        XCTAssertEqual(few.map(\.status), [.insufficient, .insufficient])
        XCTAssertEqual(few[0].evidence, "process CPU: 2 usable runs of B and 2 of C; whether B's process CPU is within +25 % of C's needs 3 a side")
        XCTAssertEqual(few[1].evidence, "process CPU: 2 usable runs of B and 2 of C; whether B's process CPU exceeds C's by more than 25 % needs 3 a side")
    }

    /// The same data read through `within` and `exceeds`: one met where the other is not
    /// met, both insufficient when the bounds straddle the margin; the confidence stated is
    /// the exact joint coverage of min–max bounds from 5 runs a side, (1 − 1/32)² = 93.8 %.
    func testWithinAndExceedsAreMirrorsInEveryBranch() throws {
        let rules: [Checkpoint.Criterion] = [criterion(.globalPipeline, .within(0.25)), criterion(.globalPipeline, .exceeds(0.25))]

        let close = try items(rules, bCores: 1.05)
        XCTAssertEqual(close.map(\.status), [.met, .notMet])
        XCTAssertTrue(close[0].evidence.hasPrefix("process CPU at 4 streams: B's median 1.0"), close[0].evidence)
        XCTAssertTrue(close[0].evidence.contains("(5 and 5 runs); at most 1"), close[0].evidence)
        XCTAssertTrue(close[0].evidence.hasSuffix("% with 93.8 % confidence: within +25 %"), close[0].evidence)
        XCTAssertTrue(close[1].evidence.hasSuffix("% with 93.8 % confidence: does not exceed +25 %"), close[1].evidence)

        let far = try items(rules, bCores: 1.6)
        XCTAssertEqual(far.map(\.status), [.notMet, .met])
        XCTAssertTrue(far[0].evidence.contains("; at least 1"), far[0].evidence)
        XCTAssertTrue(far[0].evidence.hasSuffix("% with 93.8 % confidence: beyond +25 %"), far[0].evidence)
        XCTAssertTrue(far[1].evidence.hasSuffix("% with 93.8 % confidence: exceeds +25 %"), far[1].evidence)

        // Runs spread ±20 % around a ratio at the margin: neither way is shown.
        let straddling = try items(rules, bCores: 1.25, noise: 0.2)
        XCTAssertEqual(straddling.map(\.status), [.insufficient, .insufficient])
        XCTAssertTrue(straddling[0].evidence.hasSuffix("the bounds straddle +25 %, so whether B's process CPU is within +25 % of C's is not shown either way; more runs narrow them"),
                      straddling[0].evidence)
        XCTAssertTrue(straddling[1].evidence.contains("(each end with 93.8 % confidence)"), straddling[1].evidence)
        XCTAssertTrue(straddling[1].evidence.hasSuffix("so whether B's process CPU exceeds C's by more than 25 % is not shown either way; more runs narrow them"),
                      straddling[1].evidence)
    }

    /// From 3 runs a side the stated confidence is 76.5 % (0.875²), never 95 %.
    func testThreeRunsASideStateTheirOwnConfidence() throws {
        let three = try items([criterion(.globalPipeline, .within(0.25))], bCores: 1.05, runs: 3)
        XCTAssertEqual(three.map(\.status), [.met])
        XCTAssertTrue(three[0].evidence.hasSuffix("with 76.5 % confidence: within +25 %"), three[0].evidence)
        XCTAssertFalse(three[0].evidence.contains("95"), three[0].evidence)
    }
}
