import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

/// Sweep progress: on a terminal, one live line rewritten in place (run i of n, cell,
/// elapsed / ETA, drops so far); elsewhere (CI), one line per finished run. `--quiet`
/// prints nothing.
final class Progress: @unchecked Sendable {
    private let total: Int
    private let quiet: Bool
    private let live: Bool
    private let name: String
    private let started = monotonicNow()
    private let lock = ConditionLock()
    private var line = ""
    private var runSeconds = 1.0
    private var position = 0
    private var previous: TimelineSample?
    private var lastP99: Double?
    /// Planned seconds of one run plus the cool-down, for the ETA.
    private let plannedPerRun: Double

    init(total: Int, skipped: Int, quiet: Bool, name: String, plannedPerRun: Double) {
        self.total = total
        self.plannedPerRun = plannedPerRun
        self.quiet = quiet
        self.name = name
        live = isatty(STDERR_FILENO) == 1
        if !quiet {
            write("sweep \(name): \(total) run\(total == 1 ? "" : "s") to do" + (skipped > 0 ? ", \(skipped) already completed (skipped)" : "") + "\n")
        }
    }

    func starting(_ position: Int, cell: SweepPlan.Cell, seconds: Double) {
        lock.withLock {
            runSeconds = seconds
            self.position = position
            previous = nil
            line = "run \(position + 1)/\(total) · \(name) · topology \(cell.topology.rawValue) · \(cell.streams) streams · rep \(cell.repetition + 1)"
        }
    }

    func sample(_ sample: TimelineSample) {
        guard live, !quiet else { return }
        let text = lock.withLock { () -> String in
            let elapsed = Double(monotonicNow() - started) / 1e9
            let eta = max(runSeconds - sample.seconds, 0) + Double(total - position - 1) * plannedPerRun
            // Drop rate over the last sample period; p99 of the previous run (a running
            // run's histograms belong to its worker threads until it ends).
            var drop = "–"
            if let previous, sample.slotDeliveries > previous.slotDeliveries {
                drop = String(format: "%.1f %%", Double(sample.slotDrops - previous.slotDrops) / Double(sample.slotDeliveries - previous.slotDeliveries) * 100)
            }
            previous = sample
            return "\r\(line) · \(clock(elapsed)) elapsed, ETA \(clock(eta)) · drop \(drop) · last p99 \(lastP99.map { String(format: "%.1f ms", $0) } ?? "–")\u{1B}[K"
        }
        write(text)
    }

    func finished(_ position: Int, cell: SweepPlan.Cell, result: RunResult) {
        guard !quiet else { return }
        let elapsed = Double(monotonicNow() - started) / 1e9
        let eta = elapsed / Double(position + 1) * Double(total - position - 1)
        let drops = result.workers.map(\.dropFraction).reduce(0, +) / Double(max(result.workers.count, 1))
        let p99 = result.workers.compactMap(\.latencyMs.p99).max()
        lock.withLock { lastP99 = p99 }
        let text = lock.withLock { line } + String(format: " · drop %.1f %% · latency p99 %@ · %@ elapsed, ETA %@%@",
            drops * 100, p99.map { String(format: "%.1f ms", $0) } ?? "–", clock(elapsed), clock(eta), result.cancelled ? " · aborted" : "")
        write((live ? "\r" : "") + text + (live ? "\u{1B}[K\n" : "\n"))
    }

    /// A cell not run because its models do not fit its devices.
    func infeasible(_ position: Int, cell: SweepPlan.Cell, reasons: [DeviceInfeasibility]) {
        guard !quiet else { return }
        let text = "run \(position + 1)/\(total) · \(cell.topology.rawValue) × \(cell.streams) streams · infeasible, not run: "
            + reasons.map(\.description).joined(separator: "; ")
        write((live ? "\r" : "") + text + (live ? "\u{1B}[K\n" : "\n"))
    }

    func done() {
        if !quiet { write("sweep \(name): done in \(clock(Double(monotonicNow() - started) / 1e9))\n") }
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
