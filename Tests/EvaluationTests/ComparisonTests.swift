import Analysis
@testable import Evaluation
@testable import ResultsStore
import ScaleBenchCore
import XCTest

final class ComparisonTests: XCTestCase {
    func testAClearDifferenceGetsAVerdictInWordsWithItsInterval() throws {
        let runs = RunFactory.runs(6, option: "A", medianMs: 1000, seed: 1) + RunFactory.runs(6, option: "C", medianMs: 600, seed: 2)
        let comparison = try Comparison.make(scenario: "s", runs: runs)
        let cell = try XCTUnwrap(comparison.cells.first { $0.metric == Metric(.latencyP99, "vlm") })
        XCTAssertEqual(cell.options.map(\.option), ["A", "C"])
        let pair = try XCTUnwrap(cell.pairs.first)
        XCTAssertEqual(try XCTUnwrap(pair.ratio), 0.6, accuracy: 0.06)
        XCTAssertLessThan(try XCTUnwrap(pair.adjustedP), 0.05)
        let pattern = try NSRegularExpression(pattern: #"^C's vlm latency p99 is [34][0-9] % lower than A's \[[0-9]+ %, [0-9]+ %\] \(≥ 93.8 % confidence\), p [=<] [0-9.]"#)
        XCTAssertNotNil(pattern.firstMatch(in: pair.verdict, range: NSRange(pair.verdict.startIndex..., in: pair.verdict)), pair.verdict)
        XCTAssertEqual(try XCTUnwrap(pair.cliffsDelta), -1, "every C run below every A run")
    }

    /// Two options drawn alike, 6 runs a side with 5 % run-to-run noise (and the p99's own
    /// sampling noise), over 30 seeded trials: the verdict says "no significant difference"
    /// with its p-value unless the test errs (5 % of trials by construction; measured 94 %
    /// of 300 trials without a difference), and TOST shows them equivalent within ±10 % in
    /// most trials (measured: 82 % of 300). The thresholds sit three binomial standard
    /// deviations below those rates: a single trial fails either claim too often to be a test.
    func testNoDifferenceSaysSoWithItsPValue() throws {
        var noDifference = 0, equivalent = 0
        for trial in UInt64(0)..<30 {
            let runs = RunFactory.runs(6, option: "A", medianMs: 500, seed: 2 * trial + 1)
                + RunFactory.runs(6, option: "B", medianMs: 500, seed: 2 * trial + 2)
            let comparison = try Comparison.make(scenario: "s", runs: runs, metrics: [Metric(.latencyP99, "vlm")])
            let pair = try XCTUnwrap(comparison.cells.first?.pairs.first)
            let p = try XCTUnwrap(pair.adjustedP)
            if p > 0.05 {
                XCTAssertTrue(pair.verdict.hasPrefix("no significant difference (p = "), pair.verdict)
                noDifference += 1
            }
            if pair.verdict.contains("equivalent within ±10 % (TOST p < 0.001)") || pair.verdict.contains("equivalent within ±10 % (TOST p = 0.0") {
                equivalent += 1
            }
        }
        XCTAssertGreaterThanOrEqual(noDifference, 24, "a 5 % test errs in about 1.5 of 30 trials")
        XCTAssertGreaterThanOrEqual(equivalent, 18, "6 runs a side with 5 % noise pin the means within 10 % in most trials")
    }

    /// Must show: n = 1 per option gives "insufficient data (n = 1)", no p-value invented.
    func testOneRunPerOptionIsInsufficientData() throws {
        let runs = RunFactory.runs(1, option: "A", medianMs: 1000, seed: 1) + RunFactory.runs(1, option: "C", medianMs: 100, seed: 2)
        let comparison = try Comparison.make(scenario: "s", runs: runs)
        for cell in comparison.cells {
            XCTAssertTrue(cell.pairs.allSatisfy { $0.adjustedP == nil && $0.verdict == "insufficient data (n = 1)" }, "\(cell.pairs.map(\.verdict))")
            XCTAssertTrue(cell.options.allSatisfy { $0.interval == nil })
        }
        XCTAssertTrue(comparison.text().contains("insufficient data (n = 1)"))
        XCTAssertFalse(comparison.text().contains("p = "))
    }

    /// A percentile from too few frames is not a number in the report.
    func testAPercentileFromTooFewFramesIsNotReported() throws {
        let runs = RunFactory.runs(4, option: "A", medianMs: 1000, frames: 50, seed: 1)
        let comparison = try Comparison.make(scenario: "s", runs: runs, metrics: [Metric(.latencyP99, "vlm"), Metric(.latencyP50, "vlm")])
        XCTAssertEqual(comparison.cells.count, 2)
        XCTAssertEqual(comparison.cells[0].options[0].median, .insufficient("p99 needs ≥ 500 frames in a run"), "50 frames a run")
        guard case .value = comparison.cells[1].options[0].median else { return XCTFail("p50 needs 10 frames") }
    }

    /// Must show: mixed environments are not pooled unless asked.
    func testMixedEnvironmentsAreRefusedUnlessAllowed() throws {
        let runs = RunFactory.runs(3, option: "A", medianMs: 1, seed: 1, environment: "laptop") + RunFactory.runs(3, option: "C", medianMs: 1, seed: 2, environment: "server")
        XCTAssertThrowsError(try Comparison.make(scenario: "s", runs: runs)) { error in
            XCTAssertEqual("\(error)", "the runs of 's' come from 2 different environments (machine or build); they are not pooled without --allow-mixed-environments")
        }
        var settings = Comparison.Settings()
        settings.allowMixedEnvironments = true
        XCTAssertEqual(try Comparison.make(scenario: "s", runs: runs, settings: settings).environments, ["laptop", "server"])
    }

    func testHolmAdjustsOverEveryComparisonOfTheReport() throws {
        let runs = ["A", "B", "C"].enumerated().flatMap { index, option in
            RunFactory.runs(5, option: option, medianMs: 500 * Double(index + 1), seed: UInt64(index + 1))
        }
        let comparison = try Comparison.make(scenario: "s", runs: runs)
        let raw = comparison.cells.flatMap { $0.pairs.compactMap { pair -> Double? in if case .value(let p) = pair.pValue { return p } else { return nil } } }
        let adjusted = comparison.cells.flatMap { $0.pairs.compactMap(\.adjustedP) }
        XCTAssertEqual(adjusted, Holm.adjust(raw))
        XCTAssertNotNil(comparison.cells.first?.kruskalP)
    }
}
