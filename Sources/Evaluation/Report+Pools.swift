import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// The report's section on pools under changing load (docs/queueing.md §7): how often each
/// option's pools were offered more than they can serve, beside the closed form, and what
/// each load state got.
extension Report {
    func poolsMarkdown() -> String {
        let loaded = runs.filter { !$0.states.isEmpty }
        guard !loaded.isEmpty else { return "" }
        var out = "## Pools under changing load\n\n"
        out += "A pool is a shared kind's instances (options B and C) or one room's own instance (option A, and C's light kinds). "
        out += "It is overloaded while its streams' offered rate, each stream at its load state's fps, exceeds instances / mean service "
        out += "(an accelerator at that many concurrent jobs; not the host's cores). Measured: the runs' own state schedules over the window, "
        out += "median over runs; a kind's pools averaged. Closed form (§7): independent stationary rooms convolved exactly, "
        out += "mixed with a storm's on-time where the scenario has one.\n\n"
        out += "| streams | option | worker | pools × instances | capacity fps | offered fps | overloaded % | §7 closed form % |\n"
        out += "|---:|---|---|---:|---:|---:|---:|---:|\n"
        let configurations = loaded.map { ConfigurationKey(streams: $0.streams, option: $0.option) }.uniqued()
        for configuration in configurations {
            let mine = loaded.filter { $0.streams == configuration.streams && $0.option == configuration.option }
            for worker in mine.flatMap({ $0.pools.map(\.worker) }).uniqued() {
                let pools = mine[0].pools.filter { $0.worker == worker }
                let overload = Descriptive.median(mine.map { run in Self.mean(run.pools.filter { $0.worker == worker }.map(\.overloadFraction)) })
                let offered = Descriptive.median(mine.map { run in Self.mean(run.pools.filter { $0.worker == worker }.map(\.offeredFPS)) })
                let closed = pools.allSatisfy { $0.closedForm != nil } ? Self.mean(pools.compactMap(\.closedForm)) : nil
                out += "| \(configuration.streams) | \(configuration.option) | \(worker) | \(pools.count) × \(pools[0].instances) | "
                out += (pools[0].capacityFPS.map { String(format: "%.2f", $0) } ?? "–") + " | " + String(format: "%.2f", offered) + " | "
                out += String(format: "%.2f", overload * 100) + " | " + (closed.map { String(format: "%.2f", $0 * 100) } ?? "–") + " |\n"
            }
        }
        out += "\nBy load state (a frame counts in the state its room was in when it arrived; drops: median over runs; latency: pooled over runs):\n\n"
        out += "| streams | option | worker | state | served fps | drop % | latency p50 ms | latency p99 ms |\n|---:|---|---|---|---:|---:|---:|---:|\n"
        for configuration in configurations {
            let mine = loaded.filter { $0.streams == configuration.streams && $0.option == configuration.option }
            for record in mine[0].states {
                let same = mine.compactMap { $0.states.first { $0.worker == record.worker && $0.state == record.state } }
                let drops = same.compactMap(\.dropFraction), served = same.compactMap(\.servedFPS)
                let latency = PooledLatency(mine, kind: record.worker, state: record.state)
                out += "| \(configuration.streams) | \(configuration.option) | \(record.worker) | \(record.state) | "
                out += (served.isEmpty ? "–" : String(format: "%.3f", Descriptive.median(served))) + " | "
                out += (drops.isEmpty ? "–" : String(format: "%.1f", Descriptive.median(drops) * 100)) + " | "
                out += (latency.milliseconds(atPercentile: 50).map { String(format: "%.1f", $0) } ?? "–") + " | "
                out += (latency.milliseconds(atPercentile: 99).map { String(format: "%.1f", $0) } ?? "–") + " |\n"
            }
        }
        return out + "\n"
    }

    private struct ConfigurationKey: Hashable {
        var streams: Int
        var option: String
    }

    private static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
}
