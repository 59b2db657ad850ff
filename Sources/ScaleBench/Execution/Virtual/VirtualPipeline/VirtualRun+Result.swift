/// Turns a finished virtual run into a ``RunResult`` shaped like the realtime one: the
/// same rows, window figures and accounting lines, computed from the same counters.
extension VirtualRun {
    func result(before: VirtualBoundary, after: VirtualBoundary) -> RunResult {
        let window = max(scenario.duration.seconds, 1e-9)
        var lines: [Accounting.Line] = []

        let streams = captures.indices.map { index -> StreamResult in
            let capture = captures[index]
            let a = before.captures[index], b = after.captures[index]
            let published = b.published - a.published
            lines.append(.init(stage: "capture", subject: "stream \(capture.stream)", input: capture.due,
                               output: capture.published, dropped: 0, inFlightAtStop: 0))
            return StreamResult(
                stream: capture.stream, due: b.due - a.due, published: published, captureDrops: 0, captureDropRate: 0,
                realFPS: Double(published) / window, meanLatenessMs: 0, maxLatenessMs: 0,
                status: capture.crashedByFault ? "crashed" : "ok", error: capture.crashedByFault ? "capture-crash fault" : nil,
                errorCategory: nil, rateControlDrops: 0, loops: 0, reconnects: 0, bytesRead: 0,
                productionMs: Quantiles(count: 0), stalledFrames: capture.stalledFrames)
        }

        let pipelines = suppliers.indices.map { index -> PipelineResult in
            let supplier = suppliers[index], a = before.inboxes[index], b = after.inboxes[index]
            let published = captures.filter { $0.pipeline == index }.reduce(UInt64(0)) { $0 + $1.published }
            let balance = supplier.inboxBalance
            lines.append(.init(stage: "inbox", subject: "pipeline \(supplier.plan.id)", input: published,
                               output: balance.taken, dropped: balance.dropped, inFlightAtStop: balance.inFlight))
            return PipelineResult(pipeline: supplier.plan.id, streams: supplier.plan.streams, published: b.offered - a.offered,
                                  inboxDrops: b.totalDrops - a.totalDrops, crossStreamDrops: b.crossStreamDrops - a.crossStreamDrops,
                                  distributed: after.distributed[index] - before.distributed[index],
                                  chunkedFanOuts: after.chunkedFanOuts[index] - before.chunkedFanOuts[index])
        }

        for buffer in buffers where buffer.plan.fedByGlobalSupplier {
            // Routing completeness: every frame the global supplier distributed reached a slot.
            let ends = buffer.policy.slots.map(SlotBalance.init)
            lines.append(.init(stage: "routing", subject: "pool \(buffer.plan.spec.name)", input: suppliers[0].distributed,
                               output: ends.reduce(0) { $0 + $1.offered + $1.ignoredWhileClosed }, dropped: 0, inFlightAtStop: 0))
            if buffer.plan.sharedSlot {
                let slot = ends[0]
                let pool = buffer.plan.streams.compactMap { recorderOf[RowKey(stream: $0, worker: buffer.plan.spec.name)] }.map { recorders[$0] }
                lines.append(.init(stage: "slot", subject: "pool \(buffer.plan.spec.name) (one slot)", input: slot.offered,
                                   output: slot.taken, dropped: slot.totalDrops, inFlightAtStop: slot.inFlightAtStop))
                lines.append(.init(stage: "worker", subject: "pool \(buffer.plan.spec.name)", input: slot.taken,
                                   output: pool.reduce(0) { $0 + $1.processedTotal }, dropped: pool.reduce(0) { $0 + $1.lostToFault },
                                   inFlightAtStop: 0))
            }
        }

        // Rows: every stream × every kind serving it, own kinds first, as in real time.
        let pipelineOf = Dictionary(uniqueKeysWithValues: suppliers.indices.flatMap { i in suppliers[i].plan.streams.map { ($0, i) } })
        var rows: [(pipeline: Int, stream: Int, spec: WorkerSpec, slot: Int?, buffer: Int?)] = []
        for stream in 0..<plan.streamCount {
            let pipeline = pipelineOf[stream]!
            for (position, spec) in suppliers[pipeline].plan.workers.enumerated() {
                rows.append((pipeline, stream, spec, suppliers[pipeline].workerSlots.lowerBound + position, nil))
            }
            for (kind, buffer) in buffers.enumerated() where buffer.plan.streams.contains(stream) {
                rows.append((pipeline, stream, buffer.plan.spec, nil, kind))
            }
        }
        let workerResults = rows.map { row -> WorkerResult in
            let a: SlotCounters, b: SlotCounters
            if let slot = row.slot {
                (a, b) = (before.slots[slot], after.slots[slot])
                let end = SlotBalance(slots[slot].slot)
                appendRowLines(&lines, row.stream, row.spec.name, input: suppliers[row.pipeline].distributed, end: end)
            } else {
                let buffer = buffers[row.buffer!]
                (a, b) = (before.buffers[row.buffer!][row.stream]!, after.buffers[row.buffer!][row.stream]!)
                if !buffer.plan.sharedSlot {
                    let end = SlotBalance(buffer.policy.slots[buffer.slotOf[row.stream]])
                    appendRowLines(&lines, row.stream, row.spec.name,
                                   input: buffer.plan.fedByGlobalSupplier ? end.offered : suppliers[row.pipeline].distributed, end: end)
                }
            }
            let recorder = recorderOf[RowKey(stream: row.stream, worker: row.spec.name)].map { recorders[$0] }
            let delivered = b.offered - a.offered, drops = b.totalDrops - a.totalDrops
            let processed = recorder?.processedInWindow ?? 0
            let empty = LatencyHistogram()
            return WorkerResult(
                pipeline: suppliers[row.pipeline].plan.id, stream: row.stream, worker: row.spec.name, cost: row.spec.cost.description,
                delivered: delivered, drops: drops, dropFraction: delivered == 0 ? 0 : Double(drops) / Double(delivered),
                crossStreamDrops: b.crossStreamDrops - a.crossStreamDrops,
                processed: processed, processedFPS: Double(processed) / window,
                latencyMs: (recorder?.latency ?? empty).quantiles, ageMs: (recorder?.age ?? empty).quantiles,
                serviceMs: (recorder?.service ?? empty).quantiles, handoffMs: (recorder?.handoff ?? empty).quantiles,
                histograms: WorkerHistograms(latency: recorder?.latency ?? empty, age: recorder?.age ?? empty))
        }

        let zero = CPUResult.Share(seconds: 0, cores: 0)
        var result = RunResult(
            scenario: scenario, topology: plan.kind.rawValue,
            warmupSeconds: scenario.warmup.seconds, measuredSeconds: scenario.duration.seconds,
            streams: streams, pipelines: pipelines, workers: workerResults,
            cpu: CPUResult(process: zero, capture: zero, supplier: zero, worker: zero, harness: zero, unattributed: zero),
            memory: MemoryResult(peakRSSBytes: 0, rssAtEndOfWindowBytes: 0, framePoolBytes: 0, preloadedClipBytes: 0),
            accounting: Accounting(lines: lines),
            events: recorders.reduce(0) { $0 + $1.processedTotal })
        result.mode = "simulated"
        result.fairness = plan.shared.map { shared in
            let served = result.workers.filter { $0.worker == shared.spec.name }.sorted { $0.stream < $1.stream }.map(\.processedFPS)
            return FairnessResult(worker: shared.spec.name, servedFPS: served, jain: Fairness.jain(served))
        }
        result.faults = faultResults()
        result.devices = plan.modelMemory(devices: scenario.devices).map { memory in
            let device = devices.first { $0.spec.name == memory.device }!
            return DeviceResult(device: memory.device, memoryGB: memory.availableGB, modelMemoryGB: memory.neededGB,
                                sharing: device.spec.sharing.description, usage: DeviceUsage(device.sharing))
        }
        return result
    }

    /// A row's slot and worker lines, as the realtime executor writes them.
    private func appendRowLines(_ lines: inout [Accounting.Line], _ stream: Int, _ worker: String, input: UInt64, end: SlotBalance) {
        let subject = "stream \(stream) / \(worker)"
        let recorder = recorderOf[RowKey(stream: stream, worker: worker)].map { recorders[$0] }
        lines.append(.init(stage: "slot", subject: subject, input: input, output: end.taken, dropped: end.totalDrops,
                           inFlightAtStop: end.inFlightAtStop))
        // A crashed worker's frame in hand is lost: dropped by the fault.
        lines.append(.init(stage: "worker", subject: subject, input: end.taken, output: recorder?.processedTotal ?? 0,
                           dropped: recorder?.lostToFault ?? 0, inFlightAtStop: 0))
    }
}
