import ArgumentParser
import Evaluation
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

struct CapacityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Find the largest stream count at which an option meets the scenario's service levels.",
        discussion: """
        A bounded search over stream counts: doubling from --start until a count misses a
        service level (or --max-streams), then bisecting. Each probed count runs the
        scenario's repetitions in real time; the runs are stored like a sweep's, under
        the scenario's name with "-capacity", so an interrupted search resumes. The
        service levels are the scenario's checkpoint.service-levels.

        Example: scalebench capacity Scenarios/hospital-10.yaml --topology C --max-streams 64
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions
    @OptionGroup var storeOptions: StoreOptions

    @Option(parsing: .unconditional, help: "First stream count probed.")
    var start: Int = 1

    @Option(name: .customLong("max-streams"), parsing: .unconditional, help: "Largest stream count probed.")
    var maxStreams: Int = 64

    @Option(parsing: .unconditional, help: "Runs per probed count (default: the file's repetitions).")
    var repetitions: Int?

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var modeOption: ModeOption

    func run() throws {
        guard let file = try scenarioOptions.loadFile() else { throw UsageError("capacity needs a scenario file with checkpoint.service-levels") }
        guard let levels = file.base.checkpoint?.serviceLevels, !levels.isEmpty else {
            throw UsageError("\(file.path): no checkpoint.service-levels to search against (see Scenarios/README.md)")
        }
        guard scenarioOptions.streams == nil else { throw UsageError("--streams: capacity chooses the stream counts; bound them with --start and --max-streams") }
        let topology: TopologyKind
        if let chosen = scenarioOptions.topology {
            topology = chosen
        } else {
            guard file.topologies.count == 1 else { throw UsageError("--topology: \(file.path) lists several; choose one of \(file.topologies.map(\.rawValue).joined(separator: ", "))") }
            topology = file.topologies[0]
        }
        guard (1...RunScenario.streamRange.upperBound).contains(start), (start...RunScenario.streamRange.upperBound).contains(maxStreams) else {
            throw UsageError("--start \(start) --max-streams \(maxStreams): expected 1 ≤ start ≤ max-streams ≤ \(RunScenario.streamRange.upperBound)")
        }
        let runs = repetitions ?? file.repetitions
        guard (1...1000).contains(runs) else { throw UsageError("--repetitions \(runs): expected an integer from 1 to 1000") }
        guard let database = try storeOptions.open() else { throw UsageError("--no-store: capacity stores its runs; give --db") }
        let base = try scenarioOptions.makeScenario(file: file, streams: start, topology: topology, validate: false)
        let trap = SignalTrap()
        var probe = CapacityProbe(name: "\(file.name)-capacity", base: base, topology: topology, repetitions: runs,
                                  sharedWorkers: file.base.sharedWorkers, mode: modeOption.validated(), levels: levels, database: database)
        probe.check = { try ScenarioOptions.check($0, file: file) }
        if !quiet {
            probe.starting = { streams, repetition in
                FileHandleStderr.write("capacity: option \(topology.rawValue) × \(streams) streams, run \(repetition + 1)/\(runs)\n")
            }
            probe.judged = { streams, status in FileHandleStderr.write("capacity: \(streams) streams: \(status.rawValue)\n") }
        }
        let provenance = Provenance.current(), options = modeOption.options(cancel: trap.cancel)
        let (capacity, probes) = try CapacitySearch(start: start, bound: maxStreams).run { streams in
            do {
                return try probe.probe(streams, options: options, provenance: provenance)
            } catch is CapacityProbe.Cancelled {
                try trap.exitIfSignalled()
                throw ExitCode.failure
            } catch {
                throw RunExecution.refusal(error, mode: probe.mode)
            }
        }

        print("scalebench capacity \(file.path) · option \(topology.rawValue) · service levels: " + levels.map(\.description).joined(separator: "; "))
        for probe in probes.sorted(by: { $0.streams < $1.streams }) {
            print("  \(probe.streams) streams: " + probe.evidence.joined(separator: " ").replacingOccurrences(of: ":  ", with: ": "))
        }
        // Insufficient data counts as a miss in the search (it cannot show the levels are
        // met), and the answer says so.
        func insufficient(_ streams: Int) -> Bool {
            probes.first { $0.streams == streams }?.insufficient ?? false
        }
        switch capacity {
        case nil where insufficient(start):
            print("capacity: undetermined — insufficient data at \(start) streams; run longer (--duration), more repetitions, or from a larger --start")
        case nil: print("capacity: none — option \(topology.rawValue) misses a service level already at \(start) streams")
        case let value? where value == maxStreams: print("capacity: at least \(value) streams (the bound; raise --max-streams to look further)")
        case let value?:
            print("capacity: \(value) streams (\(value + 1) " + (insufficient(value + 1) ? "has insufficient data to show the service levels are met)" : "misses a service level)"))
        }
    }
}
