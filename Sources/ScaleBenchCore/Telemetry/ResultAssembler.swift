import Random

/// The counters of a run at one instant, as an executor hands them over: at the start and
/// at the end of the measured window (whose differences are the window's figures), and
/// after the run has stopped (whose totals balance the accounting).
public struct RunCounts: Sendable {
    /// By stream.
    public var captures: [CaptureSnapshot]
    /// By supplier: its inbox (a per-stream inbox's slots added up), frames it
    /// distributed and fan-outs it delivered in chunks.
    public var inboxes: [SlotCounts]
    public var distributed: [UInt64]
    public var chunkedFanOuts: [UInt64]
    /// By supplier, by position: the own workers' slots.
    public var ownSlots: [[SlotCounts]]
    /// By frame-buffer, by slot.
    public var bufferSlots: [[SlotCounts]]
    /// By row: frames of a load state whose kind does not serve it, never offered to the
    /// row's slot (empty: none).
    public var notServed: [UInt64] = []

    public init(captures: [CaptureSnapshot], inboxes: [SlotCounts], distributed: [UInt64], chunkedFanOuts: [UInt64],
                ownSlots: [[SlotCounts]], bufferSlots: [[SlotCounts]]) {
        self.captures = captures
        self.inboxes = inboxes
        self.distributed = distributed
        self.chunkedFanOuts = chunkedFanOuts
        self.ownSlots = ownSlots
        self.bufferSlots = bufferSlots
    }

    func slot(of row: RunInstances.Row, in instances: RunInstances) -> SlotCounts {
        switch row.slot {
        case .own(let pipeline, let position): return ownSlots[pipeline][position]
        case .frameBuffer(let buffer): return bufferSlots[buffer][instances.frameBuffers[buffer].slot(of: row.stream)]
        }
    }
}

/// What a capture reports once it has ended.
public struct CaptureEnd: Sendable {
    public enum Status: String, Sendable {
        case ok
        /// Its source failed (other streams go on).
        case failed
        /// A capture-crash fault ended it.
        case crashed
    }
    public var status: Status = .ok
    public var error: String?
    /// network, codec, auth or unknown, for a failed source.
    public var errorCategory: String?
    public var loops = 0
    public var reconnects = 0
    public var bytesRead: Int64 = 0
    /// Time to produce each frame (decode + conversion, or rendering).
    public var production = Quantiles(count: 0)
    /// Frames a capture-stall fault suppressed.
    public var stalledFrames: UInt64 = 0
    /// Frames published per fault-isolation window, by capture time.
    public var windowFrames: [UInt64] = []

    public init() {}
}

/// What only one executor measures, handed to the assembler as it is.
public struct RunMeasures: Sendable {
    public var measuredSeconds: Double
    public var cpu: CPUResult
    public var memory: MemoryResult
    /// By device, in the scenario's order.
    public var deviceUsage: [DeviceUsage]
    public var events: UInt64
    public var mode: RunMode
    /// By frame-buffer: batches launched in the window, by size, and their frames' waits
    /// for them (empty: no batching kind).
    public var batchSizes: [[UInt64]] = []
    public var batchWaits: [LatencyHistogram] = []
    /// By device: seconds in the measured window with at least one job on it (empty: not
    /// measured).
    public var deviceBusyInWindow: [Double] = []

    public init(measuredSeconds: Double, cpu: CPUResult, memory: MemoryResult, deviceUsage: [DeviceUsage], events: UInt64,
                mode: RunMode) {
        self.measuredSeconds = measuredSeconds
        self.cpu = cpu
        self.memory = memory
        self.deviceUsage = deviceUsage
        self.events = events
        self.mode = mode
    }
}

/// Turns what an executor counted into a ``RunResult``: the rows, the window figures, the
/// accounting lines, fairness, fault isolation and device rows, written once for both
/// executors. Rows are those of ``RunInstances/rows``; every subject and stage name of the
/// accounting is written here.
public struct ResultAssembler {
    public let instances: RunInstances

    public init(instances: RunInstances) { self.instances = instances }

    /// `rows` holds each row's measurements (a shared kind's instances merged).
    public func assemble(before: RunCounts, after: RunCounts, end: RunCounts, captures: [CaptureEnd],
                         rows: [ServiceMeasurements], measures: RunMeasures) -> RunResult {
        // A cancelled run reports rates over the part of the window it measured.
        let window = max(measures.measuredSeconds, 1e-9)
        var lines: [Accounting.Line] = []

        let streams = instances.captures.indices.map { index -> StreamResult in
            let a = before.captures[index], b = after.captures[index], total = end.captures[index]
            let report = captures[index]
            let published = b.published - a.published, drops = b.drops - a.drops, rateDrops = b.rateControlDrops - a.rateControlDrops
            lines.append(.init(stage: "capture", subject: "stream \(instances.captures[index].stream)",
                               input: total.due + total.rateControlDrops, output: total.published,
                               dropped: total.drops + total.rateControlDrops, inFlightAtStop: 0))
            return StreamResult(
                stream: instances.captures[index].stream, due: b.due - a.due, published: published, captureDrops: drops,
                captureDropRate: published + drops + rateDrops == 0 ? 0 : Double(drops + rateDrops) / Double(published + drops + rateDrops),
                realFPS: Double(published) / window,
                meanLatenessMs: published == 0 ? 0 : Double(b.latenessSumNanos - a.latenessSumNanos) / Double(published) / 1e6,
                maxLatenessMs: Double(total.latenessMaxNanos) / 1e6, status: report.status.rawValue, error: report.error,
                errorCategory: report.errorCategory, rateControlDrops: rateDrops, loops: report.loops,
                reconnects: report.reconnects, bytesRead: report.bytesRead, productionMs: report.production,
                stalledFrames: report.stalledFrames)
        }

        let pipelines = instances.suppliers.indices.map { index -> PipelineResult in
            let plan = instances.suppliers[index].plan
            let a = before.inboxes[index], b = after.inboxes[index], inbox = end.inboxes[index]
            let published = instances.captures.indices.filter { instances.captures[$0].pipeline == index }
                .reduce(UInt64(0)) { $0 + end.captures[$1].published }
            lines.append(.init(stage: "inbox", subject: "pipeline \(plan.id)", input: published, output: inbox.taken,
                               dropped: inbox.totalDrops, inFlightAtStop: inbox.inFlightAtStop))
            return PipelineResult(pipeline: plan.id, streams: plan.streams, published: b.offered - a.offered,
                                  inboxDrops: b.totalDrops - a.totalDrops, crossStreamDrops: b.crossStreamDrops - a.crossStreamDrops,
                                  distributed: after.distributed[index] - before.distributed[index],
                                  chunkedFanOuts: after.chunkedFanOuts[index] - before.chunkedFanOuts[index])
        }

        for (index, buffer) in instances.frameBuffers.enumerated() where buffer.plan.fedByGlobalSupplier {
            // Routing completeness: every frame the global supplier distributed reached a slot.
            let slots = end.bufferSlots[index]
            let notServed = end.notServed.isEmpty ? 0
                : instances.rows.indices.filter { instances.rows[$0].slot == .frameBuffer(index) }.reduce(UInt64(0)) { $0 + end.notServed[$1] }
            lines.append(.init(stage: "routing", subject: "pool \(buffer.plan.spec.name)", input: end.distributed[0],
                               output: slots.reduce(0) { $0 + $1.offered + $1.ignoredWhileClosed }, dropped: notServed, inFlightAtStop: 0))
            if buffer.plan.sharedSlot {
                // One slot for all streams: balanced as a whole, its frames processed by some stream's row.
                let slot = slots[0]
                let pool = instances.rows.indices.filter { instances.rows[$0].slot == .frameBuffer(index) }.map { rows[$0] }
                lines.append(.init(stage: "slot", subject: "pool \(buffer.plan.spec.name) (one slot)", input: slot.offered,
                                   output: slot.taken, dropped: slot.totalDrops, inFlightAtStop: slot.inFlightAtStop))
                lines.append(.init(stage: "worker", subject: "pool \(buffer.plan.spec.name)", input: slot.taken,
                                   output: pool.reduce(0) { $0 + $1.processedTotal },
                                   dropped: pool.reduce(0) { $0 + $1.lostToFault }, inFlightAtStop: 0))
            }
        }

        let specOf = Dictionary(instances.workers.map { ($0.spec.name, $0.spec) }, uniquingKeysWith: { first, _ in first })
        let workerResults = instances.rows.enumerated().map { position, row -> WorkerResult in
            let a = before.slot(of: row, in: instances), b = after.slot(of: row, in: instances)
            let total = end.slot(of: row, in: instances)
            let measured = rows[position]
            var oneSlot = false, fedByGlobal = false
            if case .frameBuffer(let buffer) = row.slot {
                oneSlot = instances.frameBuffers[buffer].plan.sharedSlot
                fedByGlobal = instances.frameBuffers[buffer].plan.fedByGlobalSupplier
            }
            if !oneSlot {
                // What reached this slot: everything the stream's supplier distributed, unless
                // a global supplier routed frames of all streams (then the slot's own count).
                let subject = "stream \(row.stream) / \(row.worker)"
                var input = fedByGlobal ? total.offered : end.distributed[row.pipeline]
                if !end.notServed.isEmpty && end.notServed[position] > 0 && !fedByGlobal {
                    // Frames of states the kind does not serve never reach its slot.
                    lines.append(.init(stage: "state", subject: subject, input: input, output: input - end.notServed[position],
                                       dropped: end.notServed[position], inFlightAtStop: 0))
                    input -= end.notServed[position]
                }
                lines.append(.init(stage: "slot", subject: subject, input: input,
                                   output: total.taken, dropped: total.totalDrops, inFlightAtStop: total.inFlightAtStop))
                // A crashed worker's frame in hand is lost: dropped by the fault.
                lines.append(.init(stage: "worker", subject: subject, input: total.taken, output: measured.processedTotal,
                                   dropped: measured.lostToFault, inFlightAtStop: 0))
            }
            let delivered = b.offered - a.offered, drops = b.totalDrops - a.totalDrops
            return WorkerResult(
                pipeline: instances.suppliers[row.pipeline].plan.id, stream: row.stream, worker: row.worker,
                cost: specOf[row.worker]!.cost.description, delivered: delivered, drops: drops,
                dropFraction: delivered == 0 ? 0 : Double(drops) / Double(delivered),
                crossStreamDrops: b.crossStreamDrops - a.crossStreamDrops,
                processed: measured.processedInWindow, processedFPS: Double(measured.processedInWindow) / window,
                latencyMs: measured.latency.quantiles, ageMs: measured.age.quantiles, serviceMs: measured.service.quantiles,
                handoffMs: measured.handoff.quantiles, histograms: WorkerHistograms(latency: measured.latency, age: measured.age))
        }

        var result = RunResult(
            scenario: instances.scenario, topology: instances.plan.kind.rawValue,
            warmupSeconds: instances.scenario.warmup.seconds, measuredSeconds: measures.measuredSeconds,
            streams: streams, pipelines: pipelines, workers: workerResults, cpu: measures.cpu, memory: measures.memory,
            accounting: Accounting(lines: lines), events: measures.events)
        result.mode = measures.mode
        result.states = StateResult.rows(instances: instances, measurements: rows)
        result.pools = PoolResult.pools(instances: instances)
        result.batches = instances.frameBuffers.indices.compactMap { index in
            guard let batch = instances.frameBuffers[index].plan.spec.batch else { return nil }
            let sizes = index < measures.batchSizes.count ? measures.batchSizes[index] : []
            return BatchResult(worker: instances.frameBuffers[index].plan.spec.name, max: batch.max,
                               sizes: sizes + Array(repeating: 0, count: max(batch.max - sizes.count, 0)),
                               wait: index < measures.batchWaits.count ? measures.batchWaits[index] : LatencyHistogram())
        }
        result.fairness = instances.plan.shared.map { shared in
            let served = result.workers.filter { $0.worker == shared.spec.name }.sorted { $0.stream < $1.stream }.map(\.processedFPS)
            return FairnessResult(worker: shared.spec.name, servedFPS: served, jain: Fairness.jain(served))
        }
        var windowsByStream: [Int: [WindowCounts]] = [:]
        for (position, row) in instances.rows.enumerated() { windowsByStream[row.stream, default: []].append(rows[position].windows) }
        result.faults = FaultIsolation.results(
            schedule: instances.faults, plan: instances.plan,
            published: Dictionary(uniqueKeysWithValues: instances.captures.indices.map { (instances.captures[$0].stream, captures[$0].windowFrames) }),
            windowsByStream: windowsByStream, measuredStart: instances.windowStart)
        // The accelerators with what they did, then the host's memory (no sharing model:
        // its cores are the host's figures).
        result.devices = instances.plan.modelMemory(devices: instances.scenario.placementDevices).enumerated().map { index, memory in
            let accelerator = index < instances.devices.count
            var device = DeviceResult(device: memory.device, memoryGB: memory.availableGB, modelMemoryGB: memory.neededGB,
                                      sharing: accelerator ? instances.devices[index].sharing.description : "host memory",
                                      usage: accelerator ? measures.deviceUsage[index] : DeviceUsage(busySeconds: 0, meanConcurrency: 0, maxConcurrency: 0, jobs: 0))
            if accelerator, index < measures.deviceBusyInWindow.count { device.utilisation = min(measures.deviceBusyInWindow[index] / window, 1) }
            return device
        }
        return result
    }
}

extension CPUResult {
    /// No CPU measured (virtual time without a host model).
    public static let none: CPUResult = {
        let zero = Share(seconds: 0, cores: 0)
        return CPUResult(process: zero, capture: zero, supplier: zero, worker: zero, harness: zero, unattributed: zero)
    }()
}
