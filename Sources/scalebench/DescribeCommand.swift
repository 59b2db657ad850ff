import ArgumentParser
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Print the topology graph a scenario builds (text, or Graphviz DOT with --dot) and whether its models fit its devices; nothing runs.",
        discussion: """
        Examples:
          scalebench describe Scenarios/hospital-10.yaml --topology B
          scalebench describe Scenarios/hospital-10.yaml --topology C --dot | dot -Tsvg > topology.svg
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Flag(help: "Print Graphviz DOT (e.g. | dot -Tsvg > topology.svg).")
    var dot = false

    func run() throws {
        let scenario = try scenarioOptions.makeScenario(file: try scenarioOptions.loadFile())
        let plan = TopologyPlan.build(scenario)
        if dot {
            print(plan.dot())
            return
        }
        print(plan.text())
        print(scenario.host.map { "  host \($0.description)" } ?? "  host: none declared (real time uses the machine's CPUs; simulated CPU work never waits for a core)")
        for line in Self.captureLines(scenario) { print("  " + line) }
        if let decode = scenario.decodeCPU {
            print("  capture CPU per frame (simulated time): \(decode)\(scenario.host == nil ? ", taking its demand as wall time (no box declared)" : " on the box's cores")")
        }
        for memory in plan.modelMemory(devices: scenario.placementDevices) {
            print("  device \(memory.device): model memory \(format3(memory.neededGB)) of \(format3(memory.availableGB)) GB")
        }
        for reason in plan.infeasibilities(devices: scenario.placementDevices) { print("infeasible: \(reason)") }
    }

    /// Streams with their own capture, and load profiles with their long-run fractions.
    static func captureLines(_ scenario: RunScenario) -> [String] {
        guard scenario.hasVaryingCapture else { return [] }
        func describe(_ load: LoadProfile) -> String {
            let states = zip(load.states, load.timeFractions).map { state, fraction in
                "\(state.name) \(format3(state.fps)) fps (dwell \(state.dwell), \(String(format: "%.1f", fraction * 100)) % of the time"
                    + (state.workers.map { "; runs " + ($0.isEmpty ? "no worker" : $0.joined(separator: ", ")) } ?? "") + ")"
            }
            return states.joined(separator: ", ") + "; mean \(format3(load.meanFPS)) fps"
        }
        var lines: [String] = []
        var first = 0
        let captures = scenario.streamCaptures
        while first < captures.count {
            var last = first
            while last + 1 < captures.count, captures[last + 1] == captures[first] { last += 1 }
            let capture = captures[first]
            let streams = first == last ? "stream \(first)" : "streams \(first)–\(last)"
            var rate = capture.load.map { "load " + describe($0) } ?? "\(format3(capture.fps)) fps"
            if let steps = capture.trace, let trace = scenario.loadTrace, let load = capture.load {
                // The time in each state is the trace's, not the chain's.
                let names = load.states.map(\.name).joined(separator: ", ")
                rate = "load replayed from \(trace.file) (\(steps.count) row\(steps.count == 1 ? "" : "s") from \(format3(Double(steps[0].at) / 1e9)) s; states \(names))"
            }
            var video = capture.source == scenario.source ? "" : ", \(capture.source)"
            if capture.resolution != scenario.resolution, let size = capture.resolution { video += ", \(size)" }
            lines.append("capture \(streams): \(rate), \(capture.arrival), phase \(capture.phase.rawValue)\(video)")
            first = last + 1
        }
        return lines
    }
}
