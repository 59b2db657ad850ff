import Foundation
@testable import ScaleBenchCore
import XCTest

/// The checkpoint's per-room keys: `across-rooms` on a service level, `alert-chain`, and
/// the `look-gap` and `alert-latency` metrics; each bad value one located message.
final class CheckpointFileTests: XCTestCase {
    /// ScenarioFileTests' scenario (20 lines: a detector and a shared VLM) with `pose` added.
    static let good = ScenarioFileTests.good.replacingOccurrences(of: "  - kind: vlm\n", with: "  - kind: pose\n  - kind: vlm\n")

    func parse(_ text: String) throws(ScenarioFileError) -> ScenarioFile {
        try ScenarioFile.parse(Self.good + "\n" + text, file: "Scenarios/x.yaml", defaultName: "x")
    }

    func problem(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try parse(text)
            XCTFail("expected a problem", file: file, line: line)
            return nil
        } catch {
            return error.description
        }
    }

    static let checkpoint = """
    checkpoint:
      alert-chain: [person-detector, pose]
      service-levels:
        - {metric: "look-gap:vlm", max: 20}
        - {metric: alert-latency, max: 2000}
        - {metric: "drop-fraction:pose", max: 0.5, across-rooms: p90}
        - {metric: cpu-cores, max: 4}
    """

    func testPerRoomLevelsAndTheAlertChainAreRead() throws {
        let checkpoint = try XCTUnwrap(try parse(Self.checkpoint).base.checkpoint)
        XCTAssertEqual(checkpoint.alertChain, ["person-detector", "pose"])
        XCTAssertEqual(checkpoint.serviceLevels, [
            .init(metric: Metric(.lookGap, "vlm"), max: 20),
            .init(metric: Metric(.alertLatency), max: 2000),
            .init(metric: Metric(.dropFraction, "pose"), max: 0.5, acrossRooms: .percentile(90)),
            .init(metric: Metric(.processCores), max: 4),
        ])
        XCTAssertEqual(checkpoint.serviceLevels.map(\.rooms), [.worst, .worst, .percentile(90), nil], "a room's figure: every room unless a share is given")
        XCTAssertEqual(checkpoint.serviceLevels.map(\.description), [
            "gap between vlm looks ≤ 20 s in every room", "alert latency ≤ 2000 ms in every room",
            "pose drop fraction ≤ 0.5 in at least 90 % of rooms", "process CPU ≤ 4 cores",
        ])
        XCTAssertEqual(Metric.parse("alert-latency@alert"), Metric(.alertLatency, state: "alert"))
        XCTAssertNil(Metric.parse("alert-latency:vlm"))
        XCTAssertNil(Metric.parse("alert-latency@"))
        XCTAssertEqual(Metric.parse("look-gap:vlm@alert"), Metric(.lookGap, "vlm", state: "alert"))
    }

    /// A checkpoint stored before these keys existed still decodes (with no chain, every
    /// room judged as the worst).
    func testACheckpointStoredWithoutTheNewKeysDecodes() throws {
        let old = #"{"serviceLevels":[{"metric":"served-fps:vlm","min":0.05}],"criteria":[]}"#
        let checkpoint = try JSONDecoder().decode(Checkpoint.self, from: Data(old.utf8))
        XCTAssertEqual(checkpoint.alertChain, [])
        XCTAssertEqual(checkpoint.serviceLevels.first?.rooms, .worst)
        let again = try JSONDecoder().decode(Checkpoint.self, from: JSONEncoder().encode(try parse(Self.checkpoint).base.checkpoint))
        XCTAssertEqual(again, try parse(Self.checkpoint).base.checkpoint)
    }

    func testBadKeysGetOneLocatedMessage() {
        let cases: [(String, String)] = [
            (Self.checkpoint.replacingOccurrences(of: "p90", with: "p120"),
             "Scenarios/x.yaml:27 checkpoint.service-levels[2].across-rooms: expected worst (every room meets the level) or pNN, the share of rooms that must (e.g. p90, above 0 and below 100), got 'p120'"),
            (Self.checkpoint.replacingOccurrences(of: "{metric: cpu-cores, max: 4}", with: "{metric: cpu-cores, max: 4, across-rooms: worst}"),
             "Scenarios/x.yaml:28 checkpoint.service-levels[3].across-rooms: across-rooms applies to a figure each room has (a worker kind's latency, drops, served fps or look gap, or alert-latency); cpu-cores is the box's"),
            (Self.checkpoint.replacingOccurrences(of: "[person-detector, pose]", with: "[person-detector, poze]"),
             "Scenarios/x.yaml:23 checkpoint.alert-chain[1]: unknown worker \"poze\" (known: person-detector, pose, vlm); did you mean pose?"),
            (Self.checkpoint.replacingOccurrences(of: "[person-detector, pose]", with: "[pose, pose]"),
             "Scenarios/x.yaml:23 checkpoint.alert-chain[1]: pose is listed twice"),
            (Self.checkpoint.replacingOccurrences(of: "  alert-chain: [person-detector, pose]\n", with: ""),
             "Scenarios/x.yaml:25 checkpoint.service-levels[1].metric: alert-latency needs checkpoint.alert-chain: the worker kinds an alert waits for, in order, e.g. [person-detector, pose]"),
            (Self.checkpoint.replacingOccurrences(of: "look-gap:vlm", with: "look-gap:vml"),
             "Scenarios/x.yaml:25 checkpoint.service-levels[0].metric: unknown worker \"vml\" (known: person-detector, pose, vlm)"),
            (Self.checkpoint.replacingOccurrences(of: "across-rooms: p90", with: "across-room: p90"),
             "Scenarios/x.yaml:27 checkpoint.service-levels[2]: unknown key 'across-room'; did you mean across-rooms? allowed here: metric, max, min, across-rooms"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(problem(text), expected)
        }
    }
}
