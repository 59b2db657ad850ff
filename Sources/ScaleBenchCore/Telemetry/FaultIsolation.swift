import Random

/// Turns the per-window counts of captures and workers into each fault's isolation
/// figures (see ``FaultResult``).
/// The ``ResultAssembler`` hands it what the executor counted.
enum FaultIsolation {
    /// `published`: per stream, frames its camera published in each isolation window;
    /// `windowsByStream`: per stream, the window counts of every worker serving it.
    static func results(schedule: FaultSchedule, plan: TopologyPlan, published: [Int: [UInt64]],
                        windowsByStream: [Int: [WindowCounts]], measuredStart: UInt64) -> [FaultResult] {
        // Worker kinds serving each stream: its pipeline's own and the shared ones.
        let ownerOf = Dictionary(uniqueKeysWithValues: plan.pipelines.flatMap { p in p.streams.map { ($0, p) } })
        func kinds(of stream: Int) -> Int {
            (ownerOf[stream]?.workers.count ?? 0) + plan.shared.filter { $0.streams.contains(stream) }.count
        }

        return schedule.entries.enumerated().map { index, entry in
            let fault = entry.fault
            let sharedKind = fault.worker.map { name in plan.shared.contains { $0.spec.name == name } } ?? false
            let others = (0..<plan.streamCount).filter { sharedKind || $0 != fault.stream }
            func metrics(window: Int, seconds: Double) -> FaultWindowMetrics {
                var expected: UInt64 = 0, processed: UInt64 = 0, rows = 0
                var latency = LatencyHistogram()
                for stream in others {
                    let kindCount = kinds(of: stream)
                    rows += kindCount
                    expected += (published[stream]?[window] ?? 0) * UInt64(kindCount)
                    for counts in windowsByStream[stream] ?? [] {
                        processed += counts.frames[window]
                        latency.add(counts.latency[window])
                    }
                }
                let quantiles = latency.quantiles
                return FaultWindowMetrics(
                    seconds: seconds, expected: expected, processed: processed,
                    dropFraction: expected == 0 ? 0 : max(0, 1 - Double(processed) / Double(expected)),
                    processedFPS: seconds > 0 && rows > 0 ? Double(processed) / seconds / Double(rows) : 0,
                    latencyP99Ms: quantiles.p99)
            }
            // A fault on a shared kind hits all its instances, whatever stream it names.
            var shown = fault
            if sharedKind { shown.stream = nil }
            return FaultResult(
                fault: shown.description + (sharedKind ? " (shared: all instances)" : ""), kind: fault.kind.rawValue,
                atSeconds: Double(entry.start - measuredStart) / 1e9, windowSeconds: Double(entry.end - entry.start) / 1e9,
                otherStreams: others,
                before: metrics(window: 2 * index, seconds: Double(entry.start - entry.beforeStart) / 1e9),
                during: metrics(window: 2 * index + 1, seconds: Double(entry.end - entry.start) / 1e9))
        }
    }
}
