import Foundation
import ScaleBenchCore

/// The batching section as Markdown (the report's HTML is made from it).
extension BatchingSection {
    public func markdown() -> String {
        var out = "## Batching on accelerators\n\n"
        let beside = oneAtATimeScenario != nil
        out += "Per stream count and option, each batching kind's frames a minute per stream (for a VLM, its looks per room per minute), "
        out += "median over runs: " + (beside ? "one frame a call (\(oneAtATimeScenario!)) and batching (\(batchingScenario))" : "batching (\(batchingScenario))")
        out += ", each beside docs/queueing.md §8's closed form for saturated streams on one instance — "
        out += beside ? "one frame a call 60/(N·S), batching " : "batching "
        out += "60/L(N) for N ≤ B, 60·B/(N·L(B)) for N > B, with S the mean service and L(b) the mean time of a call of b frames "
        out += "(– where it does not apply: several instances, streams that do not saturate the kind, changing load).\n\n"
        for worker in rows.map(\.worker).uniqued() {
            let mine = rows.filter { $0.worker == worker }
            out += "### \(worker): frames a minute per stream\n\n"
            if beside {
                out += "| streams | option | one frame a call | §8 | batching | §8 | batching ÷ one | runs (one / batching) |\n"
                out += "|---:|---|---:|---:|---:|---:|---:|---:|\n"
            } else {
                out += "| streams | option | batching | §8 | runs |\n|---:|---|---:|---:|---:|\n"
            }
            for row in mine {
                out += "| \(row.streams) | \(row.option) | "
                if beside { out += Self.looks(row.one) + " | " + Self.closed(row.one) + " | " }
                out += Self.looks(row.batching) + " | " + Self.closed(row.batching) + " | "
                if beside {
                    let ratio = row.one.flatMap { one in row.batching.map { $0.looksPerMinute / one.looksPerMinute } }
                    out += (ratio.map { String(format: "%.2f", $0) } ?? "–") + " | \(row.one?.runs ?? 0) / \(row.batching?.runs ?? 0) |\n"
                } else {
                    out += "\(row.batching?.runs ?? 0) |\n"
                }
            }
            out += "\n### \(worker): its batches\n\n"
            out += "Mean batch: frames a batch, the runs' batches pooled. A frame's wait for its batch: from its arrival in its slot, "
            out += "or its instance's freeing if later, to the launch — a part of its age (capture → service start) that batching adds; "
            out += "the runs' histograms pooled (they start at 1 µs: ≤ 0.001 is no wait). Device busy: the fraction of the measured window its device had a job (a batch is one job), "
            out += "median over runs. Jain's index of the streams' served rates, median over runs (1: every stream alike).\n\n"
            out += "| streams | option | mean batch | wait for a batch p50 ms | p99 ms | mean ms | device busy %"
            out += beside ? " (one / batching) | Jain (one / batching) |\n" : " | Jain |\n"
            out += "|---:|---|---:|---:|---:|---:|---:|---:|\n"
            for row in mine where row.batching != nil {
                out += "| \(row.streams) | \(row.option) | " + (row.meanBatch.map { String(format: "%.2f", $0) } ?? "–") + " | "
                out += [row.wait?.p50, row.wait?.p99, row.wait?.mean].map(Self.milliseconds).joined(separator: " | ") + " | "
                let busy = { (side: Side?) in side?.utilisation.map { String(format: "%.1f", $0 * 100) } ?? "–" }
                let jain = { (side: Side?) in side?.jain.map { String(format: "%.3f", $0) } ?? "–" }
                out += (beside ? busy(row.one) + " / " + busy(row.batching) : busy(row.batching)) + " | "
                out += (beside ? jain(row.one) + " / " + jain(row.batching) : jain(row.batching)) + " |\n"
            }
            out += "\n"
        }
        return out
    }

    private static func looks(_ side: Side?) -> String { side.map { String(format: "%.2f", $0.looksPerMinute) } ?? "–" }

    private static func closed(_ side: Side?) -> String {
        guard let side, let value = side.closedForm, let formula = side.formula else { return "–" }
        return String(format: "%.2f", value) + " = " + formula
    }

    /// Milliseconds with the precision a wait needs. The histograms start at 1 µs: a full
    /// batch launched as its instance frees waits 0, which reads as that floor.
    private static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "–" }
        if value <= Double(LatencyHistogram.lowest) / 1e6 { return "≤ 0.001" }
        return value < 0.1 ? String(format: "%.3f", value) : String(format: "%.1f", value)
    }
}
