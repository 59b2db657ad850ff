import ArgumentParser
import Foundation
import ResultsStore
import ScaleBench

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run N camera streams through a topology in real time and report per stream × worker.",
        discussion: """
        Each stream gets its own capture thread, FrameSupplier and worker threads
        (topology A). Frames are synthetic, decoded from a file or read from a live URL
        (--source). Metrics cover the measured window (--duration) after the warm-up
        (--warmup), which is excluded by time. The run is stored in the results database
        (--db, default Reports/results.sqlite) unless --no-store.

        Workers: a preset (\(WorkerSpec.presets.map(\.name).joined(separator: ", "))) or
        offload:DIST (sleeps: accelerator), cpu:DIST (spins on the thread's CPU clock),
        pixels (luma downscale + motion score). DIST: \(ServiceDistribution.grammar).

        Examples:
          scalebench run --streams 4 --fps 30 --duration 5s --worker offload:50ms --json
          scalebench run --streams 10 --worker person-detector --worker vlm --resolution 1080p
        """)

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Flag(help: "Print the result as JSON instead of a table.")
    var json = false

    @Option(help: "Write every worker event (stream, seq, worker, result) as JSON lines to this file after the run.")
    var events: String?

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Scenario name the run is stored under.")
    var name: String = "cli-run"

    func run() throws {
        let scenario = try scenarioOptions.makeScenario()
        if let path = events {
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.deletingLastPathComponent().path) else {
                throw UsageError("--events \(path): the folder \(url.deletingLastPathComponent().path) does not exist")
            }
        }
        let database = try storeOptions.open()
        let trap = SignalTrap()
        var options = RealtimeExecutor.Options(keepEvents: events != nil, cancel: trap.cancel)
        options.trace = storeOptions.trace
        let result: RunResult, kept: [WorkerEvent]
        do {
            if let database {
                (result, kept) = try database.execute(RunIdentity(scenarioName: name, scenario: scenario),
                                                      provenance: .current(), options: options)
            } else {
                (result, kept) = try RealtimeExecutor(scenario: scenario, options: options).run()
            }
        } catch let error as VideoError {
            throw UsageError("--source \(error.url): \(error.reason) (\(error.call))")
        }
        // The result is printed before anything else can fail: a completed run is never lost.
        print(json ? try RunRenderer.json(result) : RunRenderer.table(result))
        if let path = events {
            do {
                try writeEvents(kept, to: path)
            } catch {
                FileHandleStderr.write("scalebench: could not write events to \(path): \(error)\n")
                throw ExitCode(1)
            }
        }
        try trap.exitIfSignalled()
        if !result.accounting.balanced {
            FileHandleStderr.write("scalebench: the frame accounting does not balance; see the accounting section\n")
            throw ExitCode(1)
        }
    }

    private func writeEvents(_ events: [WorkerEvent], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data()
        for event in events {
            data.append(try encoder.encode(event))
            data.append(0x0A)
        }
        // Written whole to a temporary file and moved into place: never half-written.
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        try data.write(to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}
