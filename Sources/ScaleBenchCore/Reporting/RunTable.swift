import Foundation
import Random

/// Renders a ``RunResult`` for people (an aligned text table) or programs (JSON).
public enum RunRenderer {
    public static func json(_ result: RunResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(result), as: UTF8.self)
    }

    /// The streams' rate for the header: one rate, or the range of their long-run means.
    private static func rates(_ s: RunScenario) -> String {
        guard s.hasVaryingCapture else { return s.fps.map { format3($0) + " fps" } ?? "native fps" }
        let means = s.streamCaptures.map { $0.load?.meanFPS ?? $0.fps }
        let low = means.min() ?? s.rate, high = means.max() ?? s.rate
        return (low == high ? format3(low) : format3(low) + "–" + format3(high)) + " fps on average (changing load)"
    }

    public static func table(_ result: RunResult) -> String {
        let s = result.scenario
        var out = """
        scalebench run · topology \(result.topology) (\(result.pipelines.count) pipelines) · \(s.streams) streams × \(rates(s)) · source \(s.source)\(s.source == .synthetic ? " \(s.arrival)" : " (\(s.decode.rawValue) decode)") · \(s.resolution?.description ?? "source size") \(s.pixelFormat.rawValue) · seed \(s.seed)
        warm-up \(s.warmup) excluded · measured \(s.duration)

        """
        var rows = [["stream", "worker", "fps", "drop %", "lat p50", "lat p99", "lat max", "age p50", "svc p50", "processed"]]
        for w in result.workers {
            rows.append([
                "\(w.stream)", w.worker, String(format: "%.2f", w.processedFPS), String(format: "%.1f", w.dropFraction * 100),
                ms(w.latencyMs.p50), ms(w.latencyMs.p99), ms(w.latencyMs.max), ms(w.ageMs.p50), ms(w.serviceMs.p50),
                "\(w.processed)",
            ])
        }
        out += align(rows, leftColumns: 2) + "\n(latency = capture → service end, age = capture → service start; ms)\n\n"

        if !result.states.isEmpty {
            var stateRows = [["worker", "state", "time %", "offered fps", "served fps", "drop %", "lat p50", "lat p99"]]
            let window = max(result.measuredSeconds, 1e-9)
            for row in result.states where row.stream == StateResult.allStreams {
                let streams = max(result.states.filter { $0.worker == row.worker && $0.state == row.state && $0.stream >= 0 }.count, 1)
                stateRows.append([
                    row.worker, row.state, String(format: "%.1f", row.seconds / (window * Double(streams)) * 100),
                    String(format: "%.3f", row.seconds > 0 ? Double(row.offered) / row.seconds : 0), row.servedFPS.map { String(format: "%.3f", $0) } ?? "–",
                    row.dropFraction.map { String(format: "%.1f", $0 * 100) } ?? "–", ms(row.latencyMs.p50), ms(row.latencyMs.p99),
                ])
            }
            out += align(stateRows, leftColumns: 2)
            out += "\n(by load state, pooled over the kind's streams: a frame counts in the state its stream was in when it arrived; fps per stream-second in the state; ms)\n\n"
            out += poolTable(result.pools)
        }

        var streamRows = [["stream", "status", "capture fps", "capture drops", "rate drops", "inbox drops", "produce p50", "produce p95",
                           "produce max", "lateness mean", "lateness max", "loops", "reconnects"]]
        let inboxDrops = Dictionary(result.pipelines.flatMap { p in p.streams.map { ($0, p.inboxDrops) } }, uniquingKeysWith: +)
        for stream in result.streams {
            streamRows.append([
                "\(stream.stream)", stream.status, String(format: "%.2f", stream.realFPS), "\(stream.captureDrops)",
                "\(stream.rateControlDrops)", inboxDrops[stream.stream].map { "\($0)" } ?? "–",
                ms(stream.productionMs.p50), ms(stream.productionMs.p95), ms(stream.productionMs.max),
                String(format: "%.2f", stream.meanLatenessMs), String(format: "%.2f", stream.maxLatenessMs),
                "\(stream.loops)", "\(stream.reconnects)",
            ])
        }
        out += align(streamRows, leftColumns: 2)
        out += "\n(capture fps, capture drops, rate drops, inbox drops: measured window; produce = render or decode + convert per frame, lateness, loops, reconnects: whole run; ms)\n"
        for stream in result.streams where stream.status != "ok" {
            out += "stream \(stream.stream) \(stream.status) (\(stream.errorCategory ?? "unknown")): \(stream.error ?? "")\n"
        }
        out += "\n"

        for fair in result.fairness {
            out += String(format: "Shared %@: Jain's fairness index %.3f over %d streams (served fps %@)\n", fair.worker, fair.jain,
                          fair.servedFPS.count, fair.servedFPS.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        for batch in result.batches {
            let sizes = batch.sizes.enumerated().filter { $0.element > 0 }.map { "\($0.offset + 1): \($0.element)" }.joined(separator: ", ")
            out += "Batching \(batch.worker): \(batch.batches) batches of up to \(batch.max), mean \(batch.meanSize.map { String(format: "%.2f", $0) } ?? "–") frames (by size \(sizes.isEmpty ? "none" : sizes))"
            let wait = batch.waitMs
            out += wait.count == 0 ? "\n" : "; a frame's wait for its batch p50 \(ms(wait.p50)), p99 \(ms(wait.p99)), mean \(ms(wait.mean)) ms\n"
        }
        if result.pipelines.contains(where: { $0.crossStreamDrops > 0 }) || result.workers.contains(where: { $0.crossStreamDrops > 0 }) {
            out += "Cross-stream drops (a frame of one stream overwrote another's): inbox \(result.pipelines.reduce(0) { $0 + $1.crossStreamDrops })"
                + ", shared worker slots " + Dictionary(grouping: result.workers.filter { $0.crossStreamDrops > 0 }, by: \.worker)
                    .map { "\($0.key) \($0.value.map(\.crossStreamDrops).max() ?? 0)" }.sorted().joined(separator: ", ") + "\n"
        }
        if !result.fairness.isEmpty || !result.batches.isEmpty { out += "\n" }

        let c = result.cpu
        if let host = result.host {
            out += "Host: \(host.spec.description)" + (result.mode == .realtime
                ? (host.pinned ? ", run pinned to \(host.cpus) CPU\(host.cpus == 1 ? "" : "s")" : ", run on the \(host.cpus) CPUs this machine has (not the box's \(host.spec.threads))")
                : ", simulated") + "\n"
            out += String(format: "Host CPU (measured window): %.2f cores in use, %.0f %% of the box's peak", host.coresInUse, host.utilisation * 100)
            if let mean = host.runQueueMean { out += String(format: "; run queue mean %.2f, p99 %.0f", mean, host.runQueueP99 ?? 0) }
            out += "; by worker: " + host.coresByKind.map { String(format: "%@ %.2f", $0.worker, $0.cores) }.joined(separator: ", ") + "\n"
        }
        if result.mode == .simulated {
            if result.host == nil {
                out += "CPU and memory: not modelled (simulated time without a declared host: CPU work never waits for a core)\n"
            } else {
                out += "CPU cores (measured window): process \(cores(c.process)) = workers \(cores(c.worker)) + capture \(cores(c.capture))"
                    + (c.capture.seconds == 0 ? " (no decode-cpu given)" : "") + "\n"
                out += "Memory: not modelled in simulated time\n"
            }
        } else {
            out += "CPU cores (measured window): process \(cores(c.process)) = workers \(cores(c.worker)) + capture \(cores(c.capture)) + supplier \(cores(c.supplier)) + harness \(cores(c.harness)) + unattributed \(cores(c.unattributed))\n"
            if let children = c.workerProcesses { out += "Worker processes (their children, not in the process figure): \(cores(children)) cores\n" }
            out += "Memory: peak RSS \(mib(result.memory.peakRSSBytes)), RSS at end of window \(mib(result.memory.rssAtEndOfWindowBytes)), frame pools \(mib(result.memory.framePoolBytes))"
            out += result.memory.preloadedClipBytes > 0 ? ", preloaded clip \(mib(result.memory.preloadedClipBytes))\n" : "\n"
        }
        for failure in result.workerFailures {
            out += String(format: "Failed at %.2f s: ", Double(failure.atNanos) / 1e9) + failure.summary + "\n"
        }
        for device in result.devices {
            out += String(format: "Device %@: model memory %.1f of %.1f GB (modelled), %@ sharing, busy %.2f s, mean concurrency %.2f, max %d, %d jobs",
                          device.device, device.modelMemoryGB, device.memoryGB, device.sharing, device.usage.busySeconds,
                          device.usage.meanConcurrency, device.usage.maxConcurrency, device.usage.jobs)
            out += (device.utilisation.map { String(format: " (whole run); busy %.1f %% of the measured window", $0 * 100) } ?? "") + "\n"
        }
        if !result.faults.isEmpty { out += "\n" + faultTable(result.faults) + "\n" }
        let unbalanced = result.accounting.lines.filter { !$0.balanced }
        out += unbalanced.isEmpty
            ? "Accounting: every frame accounted for (\(result.accounting.lines.count) stage balances hold)\n"
            : "Accounting: \(unbalanced.count) stage balances do NOT hold: " + unbalanced.map { "\($0.stage) \($0.subject)" }.joined(separator: ", ") + "\n"
        return out
    }

    /// Fault isolation: the other streams before and during each fault.
    static func faultTable(_ faults: [FaultResult]) -> String {
        var rows = [["fault", "others", "window s", "p99 before", "p99 during", "Δ p99 ms", "drop before", "drop during",
                     "Δ drop", "fps before", "fps during", "Δ fps"]]
        for fault in faults {
            rows.append([
                fault.fault, fault.otherStreams.count == 0 ? "none" : "\(fault.otherStreams.count) streams",
                String(format: "%.2f", fault.windowSeconds),
                ms(fault.before.latencyP99Ms), ms(fault.during.latencyP99Ms), fault.latencyP99DeltaMs.map { String(format: "%+.1f", $0) } ?? "–",
                String(format: "%.3f", fault.before.dropFraction), String(format: "%.3f", fault.during.dropFraction),
                String(format: "%+.3f", fault.dropFractionDelta),
                String(format: "%.2f", fault.before.processedFPS), String(format: "%.2f", fault.during.processedFPS),
                fault.processedFPSChange.map { String(format: "%+.1f %%", $0 * 100) } ?? "–",
            ])
        }
        return "Fault isolation (other streams; fault window vs the window before it, frames by capture time):\n"
            + align(rows, leftColumns: 2) + "\n"
    }

    /// Each kind's pools: a shared pool on its own line, a kind's own instances (one per
    /// pipeline) as the mean over them.
    static func poolTable(_ pools: [PoolResult]) -> String {
        guard !pools.isEmpty else { return "" }
        var rows = [["worker", "pools", "instances", "streams", "capacity fps", "offered fps", "overloaded %", "§7 closed form %"]]
        for worker in pools.map(\.worker).uniqued() {
            let mine = pools.filter { $0.worker == worker }
            let n = Double(mine.count)
            let closed = mine.compactMap(\.closedForm)
            rows.append([
                worker, "\(mine.count)", "\(mine[0].instances)", "\(mine[0].streams.count)",
                mine[0].capacityFPS.map { String(format: "%.2f", $0) } ?? "–",
                String(format: "%.2f", mine.reduce(0) { $0 + $1.offeredFPS } / n),
                String(format: "%.2f", mine.reduce(0) { $0 + $1.overloadFraction } / n * 100),
                closed.count == mine.count ? String(format: "%.2f", closed.reduce(0, +) / n * 100) : "–",
            ])
        }
        return align(rows, leftColumns: 1)
            + "\n(a pool is overloaded while its streams' offered rate, each at its state's fps, exceeds instances / mean service; several pools of a kind: the mean over them)\n\n"
    }

    static func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }
    private static func cores(_ share: CPUResult.Share) -> String { String(format: "%.2f", share.cores) }
    private static func mib(_ bytes: UInt64) -> String { String(format: "%.1f MiB", Double(bytes) / 1_048_576) }

    /// Left-aligns the first `leftColumns` columns, right-aligns the rest.
    public static func align(_ rows: [[String]], leftColumns: Int) -> String {
        guard let first = rows.first else { return "" }
        let widths = (0..<first.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column < leftColumns ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
