import ArgumentParser
import Random
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

struct ScaleBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scalebench",
        abstract: "Measure how a latest-frame video pipeline scales to N camera streams.",
        discussion: """
        scalebench drives synthetic camera streams through the pipeline components of the
        original system (capture → FrameSupplier → workers) and reports latency, drops,
        CPU and memory per stream and worker. Topology A (N independent pipelines) runs in
        real time on OS threads.

        Exit status: 0 success, 1 failure during a run, 2 bad input (nothing was run).
        """,
        version: "scalebench 0.1.0",
        subcommands: [RunCommand.self, CheckpointCommand.self, DescribeCommand.self, SweepCommand.self, CapacityCommand.self, SensitivityCommand.self, CalibrateCommand.self, CompareCommand.self, ReportCommand.self, GateCommand.self, MergeCommand.self, ExportCommand.self, ProbeCommand.self, BenchCommand.self, VersionCommand.self]
    )
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the workbench's and its libraries' versions.")

    func run() {
        print("scalebench 0.1.0")
        print("FFmpeg \(LibraryVersions.ffmpeg)")
        print("GSL \(LibraryVersions.gsl)")
    }
}
