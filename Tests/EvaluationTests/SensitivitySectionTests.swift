@testable import Evaluation
import ScaleBenchCore
import XCTest

/// Where the recommendation flips, as sentences, a table and a chart, from known points.
final class SensitivitySectionTests: XCTestCase {
    private func line() -> SensitivitySection.Line {
        let points = [(0.5, "B or C", "C"), (1.0, "C", "C"), (1.5, "C", "none"), (2.0, "none", "none")]
            .map { SensitivitySection.Point(value: $0.0, choices: [4: $0.1, 10: $0.2]) }
        return SensitivitySection.Line(sensitivity: Sensitivity(assumption: .service("vlm"), low: 0.5, high: 2, steps: 4),
                                       baseline: 1.5, points: points, counts: [4, 10])
    }

    func testFlipsLieBetweenNeighbouringValuesWithDifferentChoices() {
        let flips = line().flips
        XCTAssertEqual(flips.map(\.streams), [4, 4, 10])
        XCTAssertEqual(flips.map(\.from), ["B or C", "C", "C"])
        XCTAssertEqual(flips.map(\.to), ["C", "none", "none"])
        XCTAssertEqual(flips.map(\.below), [0.5, 1.5, 1.0])
        XCTAssertEqual(flips.map(\.above), [1.0, 2.0, 1.5])
    }

    func testTheSentencesSayTheChoiceOverEachStretchAndWhereItChanges() {
        let section = SensitivitySection(scenario: "s", lines: [line()])
        XCTAssertEqual(section.sentences(line()), [
            "4 rooms: option B or C at 500 ms; option C from 1 s to 1.5 s; no option meets the service levels at 2 s — the recommendation changes between 500 ms and 1 s and between 1.5 s and 2 s of vlm service time",
            "10 rooms: option C from 500 ms to 1 s; no option meets the service levels from 1.5 s to 2 s — the recommendation changes between 1 s and 1.5 s of vlm service time",
        ])
        let markdown = section.markdown()
        XCTAssertTrue(markdown.contains("| 1.5 s (scenario) | C | none |"), markdown)
        XCTAssertTrue(markdown.contains("](\(SensitivitySection.chartFolderToken)/sensitivity-service-vlm.svg)"), markdown)
    }

    func testTheChartDrawsACellPerValueAndRoomCountAndABarPerFlip() throws {
        let svg = SensitivityChart(line: line()).render()
        XCTAssertEqual(svg.components(separatedBy: "<rect class=\"mark\"").count - 1, 8, "4 values × 2 counts")
        XCTAssertEqual(svg.components(separatedBy: "<rect x=").count - 1, 1 + 3, "the background, a legend entry per choice")
        XCTAssertEqual(svg.components(separatedBy: "stroke-width=\"2\"").count - 1, 3)
        XCTAssertTrue(svg.contains("stroke-dasharray=\"4 3\""), "the scenario's own value")
        XCTAssertTrue(svg.contains("viewBox="))
    }

    func testAStoredNameSaysWhichAssumptionItVaries() {
        let name = SensitivitySection.scenarioName("decision-checkpoint", .service("vlm"), 1.0625)
        XCTAssertEqual(name, "decision-checkpoint sensitivity: service:vlm = 1.0625")
        XCTAssertEqual(SensitivitySection.assumption(ofStored: name, scenario: "decision-checkpoint"), .service("vlm"))
        XCTAssertNil(SensitivitySection.assumption(ofStored: name, scenario: "decision"))
        XCTAssertNil(SensitivitySection.assumption(ofStored: "decision-checkpoint", scenario: "decision-checkpoint"))
    }
}
