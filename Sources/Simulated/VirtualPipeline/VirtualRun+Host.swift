import ScaleBenchCore

/// The box's CPU figures over the measured window, from the host scheduler's accounting
/// at the window's boundaries.
extension VirtualRun {
    /// CPU by class, as real-time runs report it: every host job is a worker's (capture
    /// and distribution cost nothing in virtual time).
    var hostCPU: CPUResult? {
        guard let (before, after) = hostBoundaries else { return nil }
        let window = max(scenario.duration.seconds, 1e-9)
        let seconds = (after.cpuNanos - before.cpuNanos) / 1e9
        let share = CPUResult.Share(seconds: seconds, cores: seconds / window), zero = CPUResult.Share(seconds: 0, cores: 0)
        return CPUResult(process: share, capture: zero, supplier: zero, worker: share, harness: zero, unattributed: zero)
    }

    var hostResult: HostResult? {
        guard let (before, after) = hostBoundaries, let spec = scenario.host else { return nil }
        let window = max(Double(windowEnd - windowStart), 1)
        let cores = (after.cpuNanos - before.cpuNanos) / window
        // The run queue over the window alone: the difference of the time-at-k tallies.
        let tally = zip(after.runQueueNanos, before.runQueueNanos).map { $0 - $1 }
        let total = tally.reduce(0, +)
        var mean: Double?, p99: Double?
        if total > 0 {
            mean = zip(tally.indices, tally).reduce(0) { $0 + Double($1.0) * $1.1 } / total
            var sum = 0.0
            p99 = Double(tally.indices.first { k in sum += tally[k]; return sum >= 0.99 * total } ?? tally.count - 1)
        }
        return HostResult(
            spec: spec, cpus: spec.threads, pinned: true, coresInUse: cores, utilisation: cores / spec.peakCapacity,
            runQueueMean: mean, runQueueP99: p99,
            coresByKind: instances.kinds.indices.map { kind in
                HostResult.KindShare(worker: instances.kinds[kind],
                                     cores: (after.classCPUNanos[kind] - before.classCPUNanos[kind]) / window)
            })
    }

    private var hostBoundaries: (HostScheduler, HostScheduler)? {
        guard let before = hostWindow.before, let after = hostWindow.after else { return nil }
        return (before, after)
    }
}
