import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// Speed of the simulated-time executor: events and frames per wall-clock second.
///
/// Protocol: each case is built (``VirtualExecutor/prepare()``), simulated and
/// summarised `repetitions` times in this process; the three phases are timed apart on
/// the monotonic clock, so process start and JSON output are not in the figures (the
/// SimPy comparison in benchmarks/simpy times SimPy's `env.run()` alike, inside its process).
/// Reported: medians of the repetitions. Correctness check inside: every repetition of
/// a case (same seed) must handle the same number of events and produce the same
/// accounting, or the figures are refused.
public enum SimulationBenchmark {
    public struct Case: Sendable {
        public var name: String
        public var scenario: RunScenario

        public init(name: String, scenario: RunScenario) {
            self.name = name
            self.scenario = scenario
        }
    }

    public struct Row: Sendable {
        public var name: String
        public var streams: Int
        public var virtualSeconds: Double
        /// Events taken from the queue, frames published by the captures and services
        /// completed by the workers, in one repetition (identical in all).
        public var events: UInt64
        public var frames: UInt64
        public var services: UInt64
        public var buildSeconds: [Double]
        public var simulateSeconds: [Double]
        public var summariseSeconds: [Double]

        public var eventsPerSecond: Double { Double(events) / MailboxBenchmark.median(simulateSeconds) }
        public var framesPerSecond: Double { Double(frames) / MailboxBenchmark.median(simulateSeconds) }
        /// Frames per second of the whole run: build + simulate + summarise.
        public var framesPerSecondEndToEnd: Double {
            let totals = simulateSeconds.indices.map { buildSeconds[$0] + simulateSeconds[$0] + summariseSeconds[$0] }
            return Double(frames) / MailboxBenchmark.median(totals)
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static func run(_ cases: [Case], repetitions: Int) throws -> (machine: MachineInfo, rows: [Row]) {
        let clock = ContinuousClock()
        func seconds(_ duration: Swift.Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        let rows = try cases.map { item -> Row in
            var row = Row(name: item.name, streams: item.scenario.streams,
                          virtualSeconds: item.scenario.warmup.seconds + item.scenario.duration.seconds,
                          events: 0, frames: 0, services: 0, buildSeconds: [], simulateSeconds: [], summariseSeconds: [])
            var firstAccounting: Accounting?
            for repetition in 0..<repetitions {
                var simulation: VirtualExecutor.Simulation!
                row.buildSeconds.append(seconds(try clock.measure { simulation = try VirtualExecutor(scenario: item.scenario).prepare() }))
                row.simulateSeconds.append(seconds(clock.measure { simulation.simulate() }))
                var result: RunResult!
                row.summariseSeconds.append(seconds(clock.measure { result = simulation.result() }))
                let frames = result.accounting.lines.filter { $0.stage == "capture" }.reduce(UInt64(0)) { $0 + $1.output }
                if repetition == 0 {
                    (row.events, row.frames, row.services) = (simulation.handledEvents, frames, result.events)
                    firstAccounting = result.accounting
                } else if simulation.handledEvents != row.events || result.accounting.lines != firstAccounting?.lines {
                    throw Failure(description: "\(item.name): repetition \(repetition + 1) handled \(simulation.handledEvents) events against \(row.events) in the first, with the same seed; figures refused")
                }
                guard result.accounting.balanced else {
                    throw Failure(description: "\(item.name): the accounting does not balance; figures refused")
                }
            }
            return row
        }
        return (.current(), rows)
    }

    public static func markdown(machine: MachineInfo, rows: [Row], repetitions: Int) -> String {
        var lines = [
            "Simulated-time executor, medians of \(repetitions) repetitions in one process (\(machine.cpuModel), \(machine.logicalCores) cores, \(machine.buildConfiguration) build):",
            "",
            "| case | streams | virtual time | events | frames | services | build s | simulate s | summarise s | events/s | frames/s | frames/s end to end |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(String(format: "| %@ | %d | %.0f s | %llu | %llu | %llu | %.3f | %.3f | %.3f | %.2f M | %.2f M | %.2f M |",
                                row.name, row.streams, row.virtualSeconds, row.events, row.frames, row.services,
                                MailboxBenchmark.median(row.buildSeconds), MailboxBenchmark.median(row.simulateSeconds),
                                MailboxBenchmark.median(row.summariseSeconds), row.eventsPerSecond / 1e6,
                                row.framesPerSecond / 1e6, row.framesPerSecondEndToEnd / 1e6))
        }
        return lines.joined(separator: "\n")
    }
}
