import ScaleBenchCore

/// The run's counters at an instant and its result, through the assembler both executors share.
extension VirtualRun {
    /// The run's result from the counters at the window's boundaries and now (after
    /// ``run()``), through the assembler both executors share.
    func result(before: RunCounts, after: RunCounts) -> RunResult {
        let captureEnds = captures.map { capture -> CaptureEnd in
            var end = CaptureEnd()
            if capture.crashedByFault {
                end.status = .crashed
                end.error = "capture-crash fault"
            }
            end.stalledFrames = capture.stalledFrames
            if capture.decode != nil { end.production = capture.production.quantiles }
            end.windowFrames = capture.windows.frames
            return end
        }
        var measures = RunMeasures(measuredSeconds: scenario.duration.seconds, cpu: hostCPU ?? .none,
                                   memory: .none,
                                   deviceUsage: devices.map { DeviceUsage($0.sharing) },
                                   events: recorders.map(\.processedTotal).reduce(0, +), mode: .simulated)
        measures.batchSizes = buffers.map(\.batchSizes)
        measures.batchWaits = buffers.map(\.batchWaits)
        let busyBefore = deviceWindow.before ?? []
        measures.deviceBusyInWindow = zip(deviceWindow.after, busyBefore).map { ($0 - $1) / 1e9 }
        var result = ResultAssembler(instances: instances).assemble(before: before, after: after, end: boundary(), captures: captureEnds,
                                                                    rows: recorders.elements, measures: measures)
        result.host = hostResult
        result.trace = trace ?? []
        return result
    }

    func boundary() -> RunCounts {
        var counts = RunCounts(
            captures: captures.map {
                CaptureSnapshot(due: $0.due, published: $0.published, drops: $0.drops, rateControlDrops: 0,
                                latenessSumNanos: $0.latenessSum, latenessMaxNanos: $0.latenessMax)
            },
            inboxes: suppliers.map(\.inboxCounts), distributed: suppliers.map(\.distributed),
            chunkedFanOuts: suppliers.map(\.chunkedFanOuts),
            ownSlots: suppliers.map { supplier in supplier.workerSlots.map { slots[$0].counts } },
            bufferSlots: buffers.map { $0.policy.slots.map(\.counts) })
        counts.notServed = notServed.elements
        return counts
    }
}
