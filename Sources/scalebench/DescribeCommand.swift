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
        if let decode = scenario.decodeCPU {
            print("  capture CPU per frame (simulated time): \(decode)\(scenario.host == nil ? ", taking its demand as wall time (no box declared)" : " on the box's cores")")
        }
        for memory in plan.modelMemory(devices: scenario.placementDevices) {
            print("  device \(memory.device): model memory \(format3(memory.neededGB)) of \(format3(memory.availableGB)) GB")
        }
        for reason in plan.infeasibilities(devices: scenario.placementDevices) { print("infeasible: \(reason)") }
    }
}
