import ScaleBenchCore

/// The box's CPU figures over the measured window, from the host scheduler's accounting
/// at the window's boundaries.
extension VirtualRun {
    /// CPU by class, as real-time runs report it: the workers' jobs, and the captures'
    /// when the scenario gives a per-frame capture CPU (distribution costs nothing in
    /// virtual time).
    var hostCPU: CPUResult? {
        guard let (before, after) = hostBoundaries else { return nil }
        let window = max(scenario.duration.seconds, 1e-9)
        func share(_ nanos: Double) -> CPUResult.Share { CPUResult.Share(seconds: nanos / 1e9, cores: nanos / 1e9 / window) }
        let total = after.cpuNanos - before.cpuNanos
        let captureClass = instances.kinds.count
        let capture = after.classCPUNanos[captureClass] - before.classCPUNanos[captureClass]
        return CPUResult(process: share(total), capture: share(capture), supplier: share(0), worker: share(total - capture),
                         harness: share(0), unattributed: share(0))
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
        let classes = zip(after.classCPUNanos, before.classCPUNanos).map { $0 - $1 }
        return HostResult(
            spec: spec, cpus: spec.threads, pinned: true, coresInUse: cores, utilisation: cores / spec.peakCapacity,
            runQueueMean: mean, runQueueP99: p99,
            coresByKind: instances.kinds.indices.map { kind in
                HostResult.KindShare(worker: instances.kinds[kind],
                                     cores: classes[kind] / window)
            })
    }

    private var hostBoundaries: (HostScheduler, HostScheduler)? {
        guard let before = hostWindow.before, let after = hostWindow.after else { return nil }
        return (before, after)
    }

    /// CPU work: a job on the box's cores, or (no box declared) as long as its demand.
    @inline(__always)
    mutating func runOnHost(_ worker: Int, demand: UInt64) {
        guard hasHost else { return after(demand, worker) }
        hosts[0].add(job: worker, demand: demand, class: workers[worker].kind, at: now)
        armHost()
    }

    /// Keeps one host check pending at the earliest completion. A job arriving only
    /// delays completions, so the pending check may fire early and re-arm; one leaving
    /// early brings them forward, so a new check replaces the pending one. Its key takes
    /// a sequence number as scheduling it in the queue would: events at the same instant
    /// come in the same order as when the check was one of the queue's events.
    @inline(__always)
    mutating func armHost() {
        guard !checkingHost, let next = hosts[0].nextCompletion() else { return }
        if hostCheckKey != .max, UInt64(truncatingIfNeeded: hostCheckKey >> 64) <= next { return }
        hostCheckKey = UInt128(next) << 64 | UInt128(queue.reserveSequence())
    }

    /// The host's accounting advanced to `time` (nil without a box).
    mutating func hostAt(_ time: UInt64) -> HostScheduler? {
        guard hasHost else { return nil }
        hosts[0].advance(to: max(time, hosts[0].time))
        return hosts[0]
    }
}
