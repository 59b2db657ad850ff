/// Runs a topology plan in real time: every capture, distribution loop and worker on its
/// own OS thread, blocking on mutexes and condition variables as the original does.
///
/// ```
///  capture threads ──publish──► supplier inbox ─► distribution thread ─► worker slots ─► worker threads
///        (1 per stream)            (1 per pipeline)                        (1 per worker instance)
///  harness (calling thread): start ─ warm-up ─┤ measured window ├─ stop captures ─ stop suppliers ─ join
///                                             snapshot         snapshot
/// ```
///
/// Metrics cover the measured window only (warm-up is excluded by time); the accounting
/// covers the whole run. Stop order guarantees that every frame ends somewhere counted:
/// captures stop first, then each supplier discards what waits in its inbox and slots,
/// then workers finish the frame in hand and see their slot closed.
public struct RealtimeExecutor {
    public struct Options: Sendable {
        /// Keep every worker event in memory for writing out after the run.
        public var keepEvents = false
        /// Keep every processed frame's timestamps (``RunResult/trace``).
        public var trace = false
        /// Called on the harness thread after each timeline sample (for progress display).
        public var onSample: (@Sendable (TimelineSample) -> Void)?
        /// Time between starting the threads and the first arrival.
        public var leadNanos: UInt64 = 20_000_000
        /// Period of the timeline samples.
        public var samplingNanos: UInt64 = 250_000_000
        /// Raised from outside (a signal handler's thread) to end the run early; the result
        /// then covers what was measured and says `cancelled`.
        public var cancel = StopSignal()
        public init(keepEvents: Bool = false, cancel: StopSignal = StopSignal()) {
            self.keepEvents = keepEvents
            self.cancel = cancel
        }
    }

    public let scenario: RunScenario
    public let options: Options

    public init(scenario: RunScenario, options: Options = Options()) {
        self.scenario = scenario
        self.options = options
    }

    /// Runs the scenario for its warm-up plus measured duration and returns the result.
    /// Also returns the kept events, when asked for.
    /// Throws ``ScenarioError`` for an invalid scenario and ``VideoError`` for a source
    /// that cannot be opened, in both cases before any thread starts.
    public func run() throws -> (result: RunResult, events: [WorkerEvent]) {
        try scenario.validate()
        let plan = TopologyPlan.build(scenario)
        let clock = SystemClock()
        let stop = StopSignal()
        let sources = try SourceOpener(scenario: scenario).open(stop: stop)
        let harnessCPUStart = threadCPUNanos()
        let runStart = clock.now() + options.leadNanos
        let windowStart = runStart + scenario.warmup.nanoseconds
        let windowEnd = windowStart + scenario.duration.nanoseconds
        let expectedFrames = Int(scenario.rate * (scenario.warmup.seconds + scenario.duration.seconds) * 1.1) + 16
        let faults = FaultSchedule(faults: scenario.faults, measuredStart: windowStart, measured: scenario.duration)
        // One gate per declared device: offload jobs placed on it share its capacity.
        let gates = Dictionary(uniqueKeysWithValues: scenario.devices.map { ($0.name, DeviceGate(spec: $0)) })

        // Build the components the plan names.
        var suppliers: [FrameSupplier] = []
        var workers: [WorkerRunner] = []
        var captures: [CaptureRunner] = []
        func recorder(_ spec: WorkerSpec) -> WorkerRecorder {
            WorkerRecorder(windowStart: windowStart, windowEnd: windowEnd,
                           traceWorker: options.trace ? spec.name : nil, expectedFrames: expectedFrames,
                           faultWindows: faults.windows)
        }
        func emitter(_ spec: WorkerSpec) -> EventEmitter {
            EventEmitter(worker: spec.name, keepEvents: options.keepEvents, expected: expectedFrames)
        }
        for pipeline in plan.pipelines {
            let supplier = FrameSupplier(configuration: .init(fanOutThreshold: scenario.fanOutThreshold,
                                                              name: "supplier-\(pipeline.id)", inbox: pipeline.inbox))
            suppliers.append(supplier)
            for (index, spec) in pipeline.workers.enumerated() {
                // Subscription ids are unique within a supplier by construction of the plan.
                let reader = try! supplier.subscribe(spec.name)
                workers.append(WorkerRunner(
                    name: "worker-\(pipeline.id)", spec: spec,
                    seed: SeedSequence.derive(scenario.seed, 0x5E4F, UInt64(pipeline.id), UInt64(index)),
                    recorders: Dictionary(uniqueKeysWithValues: pipeline.streams.map { ($0, recorder(spec)) }),
                    emitter: emitter(spec), device: spec.device.flatMap { gates[$0] },
                    faults: faults.worker(spec.name, stream: pipeline.streams[0]), stop: stop, next: { reader.read() }))
            }
            for stream in pipeline.streams {
                captures.append(CaptureRunner(streamID: stream, producer: sources.producers[stream], supplier: supplier,
                                              stop: stop, runStart: runStart, faults: faults.capture(stream: stream),
                                              faultWindows: faults.windows))
            }
        }
        // Shared kinds: a frame-buffer subscribed under the kind's name to each stream's
        // supplier (option C) or to the one global supplier (option B), and its instances.
        var buffers: [FrameBuffer] = []
        for (kindIndex, shared) in plan.shared.enumerated() {
            let buffer = FrameBuffer(streams: shared.streams, slotPolicy: shared.slotPolicy, scheduling: shared.scheduling,
                                     sharedSlot: shared.sharedSlot)
            buffers.append(buffer)
            if shared.fedByGlobalSupplier {
                try! suppliers[0].attach(shared.spec.name, sink: buffer)
            } else {
                for stream in shared.streams {
                    try! suppliers[stream].attach(shared.spec.name, sink: buffer.intake(for: stream))
                }
            }
            for instance in 0..<shared.instances {
                workers.append(WorkerRunner(
                    name: "shared-\(kindIndex)-\(instance)", spec: shared.spec,
                    seed: SeedSequence.derive(scenario.seed, 0x5A4E, UInt64(kindIndex), UInt64(instance)),
                    recorders: Dictionary(uniqueKeysWithValues: shared.streams.map { ($0, recorder(shared.spec)) }),
                    emitter: emitter(shared.spec), device: shared.spec.device.flatMap { gates[$0] },
                    faults: faults.worker(shared.spec.name, stream: nil), stop: stop, next: { buffer.take() }))
            }
        }

        // Start consumers before producers, so no early frame meets a missing reader.
        for supplier in suppliers { try! supplier.start() }
        for worker in workers { worker.thread.start() }
        for capture in captures { capture.thread.start() }
        let threads = suppliers.compactMap(\.thread) + workers.map(\.thread) + captures.map(\.thread)

        var timeline: [TimelineSample] = []
        func sampleUntil(_ deadline: UInt64) {
            // Every 250 ms on a fixed grid from the run's start, up to the deadline.
            while true {
                let next = runStart + UInt64(timeline.count + 1) * options.samplingNanos
                guard next <= deadline, options.cancel.sleep(until: next) else { break }
                timeline.append(TimelineSample.take(at: next - runStart, suppliers: suppliers, captures: captures))
                options.onSample?(timeline[timeline.count - 1])
            }
            _ = options.cancel.sleep(until: deadline)
        }
        sampleUntil(windowStart)
        let before = Boundary.take(suppliers: suppliers, captures: captures, buffers: buffers, threads: threads,
                                   harnessCPU: threadCPUNanos() - harnessCPUStart)
        sampleUntil(windowEnd)
        let cancelled = options.cancel.isRaised
        let measuredEnd = min(clock.now(), windowEnd)
        let after = Boundary.take(suppliers: suppliers, captures: captures, buffers: buffers, threads: threads,
                                  harnessCPU: threadCPUNanos() - harnessCPUStart)

        stop.raise()
        for capture in captures { capture.thread.join() }
        for supplier in suppliers { supplier.stop() }
        for worker in workers { worker.thread.join() }

        let final = Boundary.take(suppliers: suppliers, captures: captures, buffers: buffers, threads: [], harnessCPU: 0)
        var result = summarize(plan: plan, workers: workers, captures: captures, before: before, after: after,
                               final: final, clip: sources.clip,
                               window: Double(measuredEnd > windowStart ? measuredEnd - windowStart : 0) / 1e9)
        result.timeline = timeline
        result.memory.peakRSSBytes = max(timeline.map(\.rssBytes).max() ?? 0, result.memory.rssAtEndOfWindowBytes)
        result.cancelled = cancelled
        result.fairness = plan.shared.map { shared in
            let served = result.workers.filter { $0.worker == shared.spec.name }.sorted { $0.stream < $1.stream }.map(\.processedFPS)
            return FairnessResult(worker: shared.spec.name, servedFPS: served, jain: Fairness.jain(served))
        }
        result.faults = FaultIsolation.results(schedule: faults, plan: plan, captures: captures, workers: workers,
                                               measuredStart: windowStart)
        result.devices = plan.modelMemory(devices: scenario.devices).map { memory in
            let gate = gates[memory.device]!
            return DeviceResult(device: memory.device, memoryGB: memory.availableGB, modelMemoryGB: memory.neededGB,
                                sharing: gate.spec.sharing.description, usage: gate.snapshot())
        }
        if options.trace { result.trace = workers.flatMap { $0.recorders.values.flatMap(\.trace) } }
        let events = options.keepEvents ? workers.flatMap(\.emitter.events).sorted { $0.at < $1.at } : []
        return (result, events)
    }

    private func summarize(plan: TopologyPlan, workers: [WorkerRunner], captures: [CaptureRunner],
                           before: Boundary, after: Boundary, final: Boundary, clip: PreloadedClip?,
                           window measured: Double) -> RunResult {
        // A cancelled run reports rates over the part of the window it measured.
        let window = max(measured, 1e-9)
        var lines: [Accounting.Line] = []

        let streams = captures.enumerated().map { index, capture -> StreamResult in
            let a = before.captures[index], b = after.captures[index]
            let published = b.published - a.published, drops = b.drops - a.drops
            let rateDrops = b.rateControlDrops - a.rateControlDrops
            let end = capture.counters.snapshot()
            let report = capture.report
            lines.append(.init(stage: "capture", subject: "stream \(capture.streamID)", input: end.due + end.rateControlDrops,
                               output: end.published, dropped: end.drops + end.rateControlDrops, inFlightAtStop: 0))
            return StreamResult(
                stream: capture.streamID, due: b.due - a.due, published: published, captureDrops: drops,
                captureDropRate: published + drops + rateDrops == 0 ? 0
                    : Double(drops + rateDrops) / Double(published + drops + rateDrops),
                realFPS: Double(published) / window,
                meanLatenessMs: published == 0 ? 0 : Double(b.latenessSumNanos - a.latenessSumNanos) / Double(published) / 1e6,
                maxLatenessMs: Double(end.latenessMaxNanos) / 1e6,
                status: report.failure != nil ? "failed" : report.crashedByFault ? "crashed" : "ok",
                error: report.failure?.description ?? (report.crashedByFault ? "capture-crash fault" : nil),
                errorCategory: report.failure?.category.rawValue,
                rateControlDrops: rateDrops, loops: report.loops, reconnects: report.reconnects,
                bytesRead: report.bytesRead, productionMs: report.production, stalledFrames: report.stalledFrames)
        }

        let pipelines = plan.pipelines.map { pipeline -> PipelineResult in
            let a = before.suppliers[pipeline.id], b = after.suppliers[pipeline.id], end = final.suppliers[pipeline.id]
            let published = captures.filter { pipeline.streams.contains($0.streamID) }
                .reduce(UInt64(0)) { $0 + $1.counters.published.load(ordering: .relaxed) }
            lines.append(.init(stage: "inbox", subject: "pipeline \(pipeline.id)", input: published,
                               output: end.inbox.taken, dropped: end.inbox.totalDrops,
                               inFlightAtStop: end.inbox.discardedAtClose + (end.inbox.isWaiting ? 1 : 0)))
            return PipelineResult(pipeline: pipeline.id, streams: pipeline.streams,
                                  published: b.inbox.offered - a.inbox.offered,
                                  inboxDrops: b.inboxDrops - a.inboxDrops,
                                  crossStreamDrops: b.inbox.crossStreamDrops - a.inbox.crossStreamDrops,
                                  distributed: b.distributed - a.distributed,
                                  chunkedFanOuts: b.chunkedFanOuts - a.chunkedFanOuts)
        }

        // One row per pipeline × worker kind, its own or shared; a shared kind's instances
        // each recorded every stream they served, so their recorders are merged per stream.
        var recordersByRow: [RowKey: [WorkerRecorder]] = [:]
        for worker in workers {
            for (stream, recorder) in worker.recorders {
                recordersByRow[RowKey(stream: stream, name: worker.spec.name), default: []].append(recorder)
            }
        }
        // Rows: every stream × every kind serving it. A kind of its own pipeline reads the
        // supplier's slot for it; a shared kind reads its frame-buffer's slot for the stream.
        let ownerOf = Dictionary(uniqueKeysWithValues: plan.pipelines.flatMap { p in p.streams.map { ($0, p) } })
        let rows = (0..<plan.streamCount).flatMap { stream -> [(PipelinePlan, Int, WorkerSpec, Int?)] in
            let pipeline = ownerOf[stream]!
            return pipeline.workers.map { (pipeline, stream, $0, nil) }
                + plan.shared.enumerated().filter { $0.element.streams.contains(stream) }.map { (pipeline, stream, $0.element.spec, $0.offset) }
        }
        for (index, shared) in plan.shared.enumerated() where shared.fedByGlobalSupplier {
            // Routing completeness: every frame the global supplier distributed reached a slot.
            let slots = shared.sharedSlot ? [final.buffers[index][shared.streams[0]]!] : Array(final.buffers[index].values)
            let routed = slots.reduce(0) { $0 + $1.offered + $1.ignoredWhileClosed }
            lines.append(.init(stage: "routing", subject: "pool \(shared.spec.name)", input: final.suppliers[0].distributed,
                               output: routed, dropped: 0, inFlightAtStop: 0))
            if shared.sharedSlot {
                // One slot for all streams: balanced as a whole, its frames processed by some stream's row.
                let slot = slots[0]
                let pool = workers.filter { $0.spec.name == shared.spec.name }.flatMap { $0.recorders.values }
                let processed = pool.reduce(0) { $0 + $1.processedTotal }, lost = pool.reduce(0) { $0 + $1.lostToFault }
                lines.append(.init(stage: "slot", subject: "pool \(shared.spec.name) (one slot)", input: slot.offered,
                                   output: slot.taken, dropped: slot.totalDrops,
                                   inFlightAtStop: slot.discardedAtClose + (slot.isWaiting ? 1 : 0)))
                lines.append(.init(stage: "worker", subject: "pool \(shared.spec.name)", input: slot.taken,
                                   output: processed, dropped: lost, inFlightAtStop: 0))
            }
        }
        let workerResults = rows.map { pipeline, stream, spec, sharedIndex -> WorkerResult in
            let id = spec.name
            func slot(_ boundary: Boundary) -> MailboxSnapshot {
                sharedIndex.map { boundary.buffers[$0][stream]! } ?? boundary.suppliers[pipeline.id].worker(id)!.slot
            }
            let a = slot(before), b = slot(after), end = slot(final)
            let subject = "stream \(stream) / \(id)"
            let recorders = recordersByRow[RowKey(stream: stream, name: id)] ?? []
            // What reached this slot: everything the stream's supplier distributed, unless
            // a global supplier routed frames of all streams (then the slot's own count).
            let fedByGlobal = sharedIndex.map { plan.shared[$0].fedByGlobalSupplier } ?? false
            let oneSlot = sharedIndex.map { plan.shared[$0].sharedSlot } ?? false
            if !oneSlot {
                lines.append(.init(stage: "slot", subject: subject,
                                   input: fedByGlobal ? end.offered : final.suppliers[pipeline.id].distributed,
                                   output: end.taken, dropped: end.totalDrops,
                                   inFlightAtStop: end.discardedAtClose + (end.isWaiting ? 1 : 0)))
                // A crashed worker's frame in hand is lost: dropped by the fault.
                lines.append(.init(stage: "worker", subject: subject, input: end.taken,
                                   output: recorders.reduce(0) { $0 + $1.processedTotal },
                                   dropped: recorders.reduce(0) { $0 + $1.lostToFault }, inFlightAtStop: 0))
            }
            let delivered = b.offered - a.offered, drops = b.totalDrops - a.totalDrops
            var latency = LatencyHistogram(), age = LatencyHistogram(), service = LatencyHistogram(), handoff = LatencyHistogram()
            for recorder in recorders {
                latency.add(recorder.latency)
                age.add(recorder.age)
                service.add(recorder.service)
                handoff.add(recorder.handoff)
            }
            let processed = recorders.reduce(0) { $0 + $1.processedInWindow }
            return WorkerResult(
                pipeline: pipeline.id, stream: stream,
                worker: id, cost: spec.cost.description, delivered: delivered, drops: drops,
                dropFraction: delivered == 0 ? 0 : Double(drops) / Double(delivered),
                crossStreamDrops: b.crossStreamDrops - a.crossStreamDrops,
                processed: processed, processedFPS: Double(processed) / window,
                latencyMs: latency.quantiles, ageMs: age.quantiles, serviceMs: service.quantiles, handoffMs: handoff.quantiles,
                histograms: WorkerHistograms(latency: latency, age: age))
        }

        func share(_ nanos: UInt64) -> CPUResult.Share {
            CPUResult.Share(seconds: Double(nanos) / 1e9, cores: Double(nanos) / 1e9 / window)
        }
        let cpuByRole = OSThread.Role.allCases.reduce(into: [OSThread.Role: UInt64]()) { sums, role in
            sums[role] = after.cpu(role) &- before.cpu(role)
        }
        let chunkCPU = after.chunkCPU - before.chunkCPU
        let process = after.process.cpuNanos - before.process.cpuNanos
        let attributed = cpuByRole.values.reduce(0, +) + chunkCPU
        let cpu = CPUResult(
            process: share(process), capture: share(cpuByRole[.capture]!),
            supplier: share(cpuByRole[.supplier]! + chunkCPU), worker: share(cpuByRole[.worker]!),
            harness: share(cpuByRole[.harness]!), unattributed: share(process > attributed ? process - attributed : 0))

        return RunResult(
            scenario: scenario, topology: plan.kind.rawValue,
            warmupSeconds: scenario.warmup.seconds, measuredSeconds: measured,
            streams: streams, pipelines: pipelines, workers: workerResults, cpu: cpu,
            memory: MemoryResult(peakRSSBytes: 0,
                                 rssAtEndOfWindowBytes: after.process.currentRSSBytes,
                                 framePoolBytes: UInt64(captures.reduce(0) { $0 + $1.report.bufferBytes }),
                                 preloadedClipBytes: UInt64(clip?.memoryBytes ?? 0)),
            accounting: Accounting(lines: lines),
            events: workers.reduce(0) { $0 + $1.emitter.count })
    }
}

/// A row of the results: one worker kind serving one stream.
private struct RowKey: Hashable {
    var stream: Int
    var name: String
}

/// What the harness reads at a window boundary.
private struct Boundary {
    var suppliers: [SupplierStats]
    var captures: [CaptureSnapshot]
    /// Per shared frame-buffer, each stream's slot.
    var buffers: [[Int: MailboxSnapshot]]
    var process: ProcessResources
    var threadCPU: [(OSThread.Role, UInt64)]
    var harnessCPU: UInt64

    var chunkCPU: UInt64 { suppliers.reduce(0) { $0 + $1.chunkDeliveryCPUNanos } }

    func cpu(_ role: OSThread.Role) -> UInt64 {
        role == .harness ? harnessCPU : threadCPU.filter { $0.0 == role }.reduce(0) { $0 + $1.1 }
    }

    static func take(suppliers: [FrameSupplier], captures: [CaptureRunner], buffers: [FrameBuffer], threads: [OSThread],
                     harnessCPU: UInt64) -> Boundary {
        Boundary(suppliers: suppliers.map { $0.stats() }, captures: captures.map { $0.counters.snapshot() },
                 buffers: buffers.map { buffer in Dictionary(uniqueKeysWithValues: buffer.streams.map { ($0, buffer.snapshot(stream: $0)) }) },
                 process: .sample(), threadCPU: threads.map { ($0.role, $0.cpuNanos()) }, harnessCPU: harnessCPU)
    }
}

extension TimelineSample {
    fileprivate static func take(at nanos: UInt64, suppliers: [FrameSupplier], captures: [CaptureRunner]) -> TimelineSample {
        let process = ProcessResources.sample()
        let stats = suppliers.map { $0.stats() }
        return TimelineSample(
            seconds: Double(nanos) / 1e9, processCPUSeconds: Double(process.cpuNanos) / 1e9, rssBytes: process.currentRSSBytes,
            captureDrops: captures.reduce(0) { $0 + $1.counters.drops.load(ordering: .relaxed) },
            inboxDrops: stats.reduce(0) { $0 + $1.inboxDrops },
            slotDrops: stats.reduce(0) { $0 + $1.workers.reduce(0) { $0 + $1.totalDrops } },
            slotDeliveries: stats.reduce(0) { $0 + $1.workers.reduce(0) { $0 + $1.delivered } })
    }
}
