import Foundation
import Random

/// One cell of a matrix run: a result, or why it was not run.
public enum MatrixOutcome: Sendable {
    case ran(RunResult)
    case infeasible([DeviceInfeasibility])
}

/// A matrix of runs (stream counts × topologies) side by side: one table per stream
/// count, the topologies as columns, so A, B and C read across.
public enum MatrixTable {
    public static func render(_ cells: [(streams: Int, topology: TopologyKind, outcome: MatrixOutcome)]) -> String {
        var out = ""
        for count in cells.map(\.streams).uniqued() {
            let row = cells.filter { $0.streams == count }
            var rows = [["streams \(count)"] + row.map { "option \($0.topology.rawValue)" }]
            func line(_ label: String, _ value: (RunResult) -> String) {
                rows.append([label] + row.map { cell in
                    if case .ran(let result) = cell.outcome { return value(result) }
                    return "infeasible"
                })
            }
            let kinds = row.compactMap { cell -> [String]? in
                if case .ran(let result) = cell.outcome { return result.workers.map(\.worker) }
                return nil
            }.flatMap { $0 }.uniqued()
            for kind in kinds {
                line("\(kind) fps per stream") { format($0.workers(kind).map(\.processedFPS).mean, "%.2f") }
                line("\(kind) drop %") { format($0.workers(kind).map(\.dropFraction).mean.map { $0 * 100 }, "%.1f") }
                line("\(kind) latency p50 ms") { RunRenderer.ms($0.pooledLatency(kind).p50) }
                line("\(kind) latency p99 ms") { RunRenderer.ms($0.pooledLatency(kind).p99) }
            }
            line("cross-stream drops") { "\($0.crossStreamDrops)" }
            line("Jain (shared kinds)") { $0.fairness.isEmpty ? "–" : $0.fairness.map { String(format: "%.3f", $0.jain) }.joined(separator: " / ") }
            line("CPU cores (process)") { $0.mode == .simulated && $0.host == nil ? "–" : String(format: "%.2f", $0.cpu.process.cores) }
            line("peak RSS MiB") { $0.mode == .simulated ? "–" : String(format: "%.0f", Double($0.memory.peakRSSBytes) / 1_048_576) }
            let devices = row.compactMap { cell -> [String]? in
                if case .ran(let result) = cell.outcome { return result.devices.map(\.device) }
                return nil
            }.flatMap { $0 }.uniqued()
            for device in devices {
                line("\(device) model GB (modelled)") { result in
                    result.devices.first { $0.device == device }.map { String(format: "%.1f / %.1f", $0.modelMemoryGB, $0.memoryGB) } ?? "–"
                }
            }
            line("accounting") { $0.accounting.balanced ? "balanced" : "UNBALANCED" }
            out += RunRenderer.align(rows, leftColumns: 1) + "\n"
            for cell in row {
                if case .ran(let result) = cell.outcome, !result.faults.isEmpty {
                    out += "option \(cell.topology.rawValue) · " + RunRenderer.faultTable(result.faults)
                }
                if case .infeasible(let reasons) = cell.outcome {
                    out += "option \(cell.topology.rawValue) at \(count) streams is infeasible, not run: "
                        + reasons.map(\.description).joined(separator: "; ") + "\n"
                }
            }
            out += "\n"
        }
        return out + "(fps, drop %: mean over stream × worker rows; latency: pooled over the kind's streams; measured window)\n"
    }

    private static func format(_ value: Double?, _ pattern: String) -> String {
        value.map { String(format: pattern, $0) } ?? "–"
    }
}

extension RunResult {
    func workers(_ kind: String) -> [WorkerResult] { workers.filter { $0.worker == kind } }

    /// Inbox plus worker-slot cross-stream drops. A slot shared by all streams reports its
    /// total on every stream's row, so each kind counts once (its largest row).
    var crossStreamDrops: UInt64 {
        let slots = Dictionary(grouping: workers, by: \.worker).values.reduce(UInt64(0)) { sum, rows in
            sum + (rows.map(\.crossStreamDrops).max() ?? 0)
        }
        return pipelines.reduce(0) { $0 + $1.crossStreamDrops } + slots
    }

    /// The kind's latency over all its streams, from the full histograms.
    func pooledLatency(_ kind: String) -> Quantiles {
        var pooled = LatencyHistogram()
        for worker in workers(kind) { if let histograms = worker.histograms { pooled.add(histograms.latency) } }
        return pooled.quantiles
    }
}

extension Array where Element == Double {
    var mean: Double? { isEmpty ? nil : reduce(0, +) / Double(count) }
}
