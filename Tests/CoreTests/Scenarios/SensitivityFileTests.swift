import ScaleBenchCore
import XCTest

/// `checkpoint.sensitivity`: what is read, how a value is applied, and bad input named.
final class SensitivityFileTests: XCTestCase {
    private let head = """
        streams: [4, 10]
        topology: [B, C]
        host: {cores: 4, threads: 8, smt: [1, 1.25], memory-gb: 16}
        devices:
          - {name: gpu0, memory-gb: 16}
        workers:
          - kind: pose
            device: host
          - kind: "offload:lognormal(2s,500ms)"
            name: vlm
            device: gpu0
            shared: true
          - kind: pixels
        checkpoint:
          sensitivity:

        """

    private func file(_ entries: String, head: String? = nil) throws -> ScenarioFile {
        try ScenarioFile.parse((head ?? self.head) + entries, file: "x.yaml", defaultName: "x")
    }

    private func problem(_ entries: String, head: String? = nil) -> String? {
        do {
            _ = try file(entries, head: head)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testAssumptionsAreReadWithTheirRangesAndGrids() throws {
        let read = try file("""
                - {assumption: "service:vlm", range: [500ms, 5s], steps: 4}
                - {assumption: "model-memory-gb:vlm", range: [2, 10]}
                - {assumption: host-cores, range: [2, 8], steps: 4}
                - {assumption: capture-fps, range: [2, 15], steps: 2}
            """)
        let list = try XCTUnwrap(read.base.checkpoint?.sensitivity)
        XCTAssertEqual(list.map(\.assumption), [.service("vlm"), .modelMemory("vlm"), .hostCores, .captureFPS])
        XCTAssertEqual(list[0].grid, [0.5, 2, 3.5, 5])
        XCTAssertEqual(list[1].grid, [2, 4, 6, 8, 10], "five steps by default")
        XCTAssertEqual(list[2].grid, [2, 4, 6, 8])
        XCTAssertEqual(list[3].grid, [2, 15])
    }

    func testAValueIsAppliedToTheScenarioAndReadBackFromIt() throws {
        let base = try file("    - {assumption: host-cores, range: [1, 3], steps: 3}\n").base
        XCTAssertEqual(Sensitivity.Assumption.hostCores.grid(1, 3, steps: 3), [1, 2, 3])

        let slower = Sensitivity.Assumption.service("vlm").applied(3.5, to: base)
        XCTAssertEqual(slower.workers[1].cost, .offload(.lognormal(mean: .seconds(3.5), sd: .milliseconds(875))), "the coefficient of variation is kept")
        XCTAssertEqual(Sensitivity.Assumption.service("vlm").value(in: slower), 3.5)

        let smaller = Sensitivity.Assumption.hostCores.applied(2, to: base)
        XCTAssertEqual(smaller.host?.cores, 2)
        XCTAssertEqual(smaller.host?.threads, 4, "two threads a core, as the declared box")
        XCTAssertEqual(Sensitivity.Assumption.hostCores.value(in: smaller), 2)

        XCTAssertEqual(Sensitivity.Assumption.modelMemory("pose").applied(0.8, to: base).workers[0].modelMemoryGB, 0.8)
        XCTAssertEqual(Sensitivity.Assumption.captureFPS.applied(5, to: base).rate, 5)
    }

    func testBadAssumptionsAreNamedWithTheirLine() {
        XCTAssertEqual(problem("    - {assumption: weather, range: [1, 2]}\n"),
                       "x.yaml:16 checkpoint.sensitivity[0].assumption: 'weather' is not an assumption; expected service:KIND (a mean service time), model-memory-gb:KIND, host-cores or capture-fps")
        XCTAssertEqual(problem("    - {assumption: \"service:vl\", range: [1s, 2s]}\n"),
                       "x.yaml:16 checkpoint.sensitivity[0].assumption: unknown worker \"vl\" (known: pose, vlm, pixels)")
        XCTAssertEqual(problem("    - {assumption: \"service:pixels\", range: [1s, 2s]}\n"),
                       "x.yaml:16 checkpoint.sensitivity[0].assumption: pixels is a pixels worker: its service time is whatever its work costs, not an assumption")
        XCTAssertEqual(problem("    - {assumption: \"service:vlm\", range: [5s, 1s]}\n"),
                       "x.yaml:16 checkpoint.sensitivity[0].range: expected LOW below HIGH, got [5 s, 1 s]")
        XCTAssertEqual(problem("    - {assumption: \"service:vlm\", range: [0s, 1s]}\n"),
                       "x.yaml:16 checkpoint.sensitivity[0].range[0]: a service time must be above 0")
        XCTAssertEqual(problem("    - {assumption: host-cores, range: [2]}\n"),
                       "x.yaml:16 checkpoint.sensitivity[0].range: expected [LOW, HIGH], two values, got 1")
        XCTAssertEqual(problem("    - {assumption: host-cores, range: [2, 8], steps: 12}\n")?.hasPrefix("x.yaml:16 checkpoint.sensitivity[0].steps: "), true)
        XCTAssertEqual(problem("    - {assumption: host-cores, range: [2, 8]}\n    - {assumption: host-cores, range: [1, 3]}\n"),
                       "x.yaml:17 checkpoint.sensitivity[1]: host-cores is listed twice")
        let boxless = head.replacingOccurrences(of: "host: {cores: 4, threads: 8, smt: [1, 1.25], memory-gb: 16}\n", with: "")
            .replacingOccurrences(of: "    device: host\n", with: "")
        XCTAssertEqual(problem("    - {assumption: host-cores, range: [2, 8]}\n", head: boxless),
                       "x.yaml:14 checkpoint.sensitivity[0].assumption: host-cores needs the box declared (host: with cores, or a profile)")
    }
}

private extension Sensitivity.Assumption {
    func grid(_ low: Double, _ high: Double, steps: Int) -> [Double] { Sensitivity(assumption: self, low: low, high: high, steps: steps).grid }
}
