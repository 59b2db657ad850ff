import Analysis
@testable import Evaluation
@testable import ResultsStore
import ScaleBenchCore
import XCTest

/// The report's words for what its intervals and items cover: the coverage 3 runs reach,
/// never a nominal 95 %, in the Markdown and in the HTML made from it.
final class CheckpointWordingTests: XCTestCase {
    func testTheReportStatesTheCoverageItsRunsReach() throws {
        var scenario = RunScenario()
        scenario.workers = [WorkerSpec(name: "vlm", cost: .offload(.constant(.milliseconds(500))), device: "gpu0", modelMemoryGB: 8)]
        scenario.devices = [DeviceSpec(name: "gpu0", memoryGB: 16)]
        scenario.sharedWorkers = ["vlm"]
        scenario.checkpoint = Checkpoint(
            serviceLevels: [.init(metric: Metric(.lookGap, "vlm"), max: 20)],
            criteria: [.init(item: "A within 25 % of C", metric: Metric(.processCores), streams: [4], option: .independentPipelines,
                             versus: .hybrid, rule: .within(0.25)),
                       .init(item: "B within 25 % of C", metric: Metric(.processCores), streams: [4], option: .globalPipeline,
                             versus: .hybrid, rule: .within(0.25))])
        let runs = (RunFactory.runs(3, option: "B", medianMs: 400, cores: 1.05, noise: 0.01, seed: 1)
            + RunFactory.runs(3, option: "C", medianMs: 400, cores: 1, noise: 0.01, seed: 2)).map { run in
            var run = run
            run.scenario = scenario
            return run
        }
        let infeasible = [InfeasibleCell(topology: .independentPipelines, streams: 4, reason: "gpu0: needs 32.0 GB (vlm 4 × 8.0 GB) but has 16.0 GB")]
        let report = try Report.make(scenario: "s", runs: runs, environments: [], infeasible: infeasible)
        let markdown = report.markdown(chartFolder: "charts"), html = report.html()
        for text in [markdown, html] {
            XCTAssertTrue(text.contains("distribution-free order-statistic intervals of the median, exact coverage 3 runs 75 %"), text)
            XCTAssertTrue(text.contains("3 runs a side give 76.5 %, never 95 %"), text)
            XCTAssertTrue(text.contains("not applicable"), text)
            XCTAssertTrue(text.contains("with 76.5 % confidence: within +25 %"), text)
            XCTAssertTrue(text.contains("gap between vlm looks ≤ 20 s in every room: met (4 of 4 rooms meet it"), text)
            XCTAssertFalse(text.contains("bootstrap"), "no bootstrap interval is printed")
            XCTAssertFalse(text.contains("95 % CI"), "no interval is called 95 %")
        }
    }
}
