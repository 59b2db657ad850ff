/// What can happen at a virtual instant.
enum VirtualEvent {
    /// Capture `stream`'s next frame is due.
    case arrival(stream: Int)
    /// Worker `worker`'s service number `service` ends (on a host or its own accelerator).
    case serviceEnd(worker: Int, service: UInt64)
    /// A job on device `device` may have finished (stale unless `generation` is current).
    case deviceCheck(device: Int, generation: UInt64)
    case crash(worker: Int)
    case restart(worker: Int)
}

/// The components of one topology plan and their state in virtual time, driven by an
/// ``EventQueue``. All decisions are made by the pure policies the realtime executor
/// uses (``LatestFrameSlot``, ``FrameBufferPolicy``, ``ProcessorSharing``,
/// ``ArrivalSchedule``, ``FaultSchedule``); this type only owns time and wiring.
///
/// Virtual time starts at 0 with the first arrivals (the realtime run's start, without
/// its lead), the measured window is `[warm-up, warm-up + duration)`.
final class VirtualRun {
    let scenario: RunScenario
    let plan: TopologyPlan
    let windowStart: UInt64
    let windowEnd: UInt64
    let faults: FaultSchedule

    var captures: [VirtualCapture] = []
    var suppliers: [VirtualSupplier] = []
    var slots: [VirtualSlot] = []
    /// The worker reading each own slot.
    var slotReader: [Int] = []
    var buffers: [VirtualFrameBuffer] = []
    var workers: [VirtualWorker] = []
    var devices: [VirtualDevice] = []
    /// One per result row (stream × worker kind); a shared kind's instances record the
    /// same row, as the realtime executor merges their recorders per row.
    var recorders: [WorkerRecorder] = []
    var recorderOf: [RowKey: Int] = [:]

    private var queue = EventQueue<VirtualEvent>(reserving: 64)
    private var now: UInt64 = 0
    /// One pixel buffer shared by every frame handed to a ``WorkerRecorder`` (it needs a
    /// ``Frame``; nothing reads its pixels).
    private let pixels = PixelBuffer(byteCount: 1)
    /// Events handled, for the speed figure.
    private(set) var handledEvents: UInt64 = 0

    struct RowKey: Hashable {
        var stream: Int
        var worker: String
    }

    init(scenario: RunScenario) throws(ScenarioError) {
        self.scenario = scenario
        plan = TopologyPlan.build(scenario)
        windowStart = scenario.warmup.nanoseconds
        windowEnd = windowStart + scenario.duration.nanoseconds
        faults = FaultSchedule(faults: scenario.faults, measuredStart: windowStart, measured: scenario.duration)
        let deviceIndex = Dictionary(uniqueKeysWithValues: scenario.devices.enumerated().map { ($1.name, $0) })
        devices = scenario.devices.map(VirtualDevice.init)
        let pipelineOf = Dictionary(uniqueKeysWithValues: plan.pipelines.enumerated().flatMap { index, p in p.streams.map { ($0, index) } })

        func recorder(stream: Int, worker: String) -> Int {
            let key = RowKey(stream: stream, worker: worker)
            if let index = recorderOf[key] { return index }
            recorders.append(WorkerRecorder(windowStart: windowStart, windowEnd: windowEnd, faultWindows: faults.windows))
            recorderOf[key] = recorders.count - 1
            return recorders.count - 1
        }

        // Which shared kinds each supplier delivers to (as the realtime executor attaches them).
        var attached = Array(repeating: [Int](), count: plan.pipelines.count)
        for (kind, shared) in plan.shared.enumerated() {
            if shared.fedByGlobalSupplier {
                attached[0].append(kind)
            } else {
                for stream in shared.streams where !attached[pipelineOf[stream]!].contains(kind) { attached[pipelineOf[stream]!].append(kind) }
            }
        }

        // Seeds, phases and fault lookups exactly as the realtime executor derives them.
        let phaseFPS = 1 / (1 / scenario.rate)
        for (index, pipeline) in plan.pipelines.enumerated() {
            var supplier = VirtualSupplier(plan: pipeline, subscribers: pipeline.workers.count + attached[index].count,
                                           fanOutThreshold: scenario.fanOutThreshold)
            supplier.frameBuffers = attached[index]
            for (position, spec) in pipeline.workers.enumerated() {
                supplier.workerSlots.append(slots.count)
                slotReader.append(workers.count)
                workers.append(try VirtualWorker(
                    spec: spec, source: .slot(slots.count),
                    seed: SeedSequence.derive(scenario.seed, 0x5E4F, UInt64(pipeline.id), UInt64(position)),
                    device: spec.device.flatMap { deviceIndex[$0] },
                    faults: faults.worker(spec.name, stream: pipeline.streams[0]),
                    recorders: Dictionary(uniqueKeysWithValues: pipeline.streams.map { ($0, recorder(stream: $0, worker: spec.name)) })))
                slots.append(VirtualSlot())
            }
            suppliers.append(supplier)
            for stream in pipeline.streams {
                let phase = ArrivalSchedule.phase(stream: stream, of: scenario.streams, policy: scenario.phase, fps: phaseFPS, seed: scenario.seed)
                let schedule = ArrivalSchedule(fps: scenario.rate, process: scenario.arrival, phaseNanos: phase,
                                               seed: SeedSequence.derive(scenario.seed, 0xCA97, UInt64(stream)))
                captures.append(VirtualCapture(stream: stream, pipeline: index, schedule: schedule,
                                               faults: faults.capture(stream: stream), faultWindows: faults.windows))
            }
        }
        captures.sort { $0.stream < $1.stream }
        for (kind, shared) in plan.shared.enumerated() {
            var buffer = VirtualFrameBuffer(plan: shared)
            for instance in 0..<shared.instances {
                buffer.instances.append(workers.count)
                workers.append(try VirtualWorker(
                    spec: shared.spec, source: .frameBuffer(kind),
                    seed: SeedSequence.derive(scenario.seed, 0x5A4E, UInt64(kind), UInt64(instance)),
                    device: shared.spec.device.flatMap { deviceIndex[$0] },
                    faults: faults.worker(shared.spec.name, stream: nil),
                    recorders: Dictionary(uniqueKeysWithValues: shared.streams.map { ($0, recorder(stream: $0, worker: shared.spec.name)) })))
            }
            buffers.append(buffer)
        }
    }

    /// Runs to the end of the measured window, stops the captures and suppliers as the
    /// realtime executor does (waiting frames are discarded), lets every service in hand
    /// finish, and returns the counters at both window boundaries.
    func run() -> (before: VirtualBoundary, after: VirtualBoundary) {
        for index in captures.indices { queue.schedule(.arrival(stream: index), at: captures[index].schedule.next()) }
        for index in workers.indices {
            for crash in workers[index].faults.crashes {
                queue.schedule(.crash(worker: index), at: crash.at)
                if let restart = crash.restart { queue.schedule(.restart(worker: index), at: restart) }
            }
        }
        var before: VirtualBoundary?
        while let next = queue.nextTime, next < windowEnd {
            // Counters are read before anything happens at the window's first instant, so
            // an event at exactly `windowStart` belongs to the window (as a service end does
            // in ``WorkerRecorder``).
            if before == nil, next >= windowStart { before = boundary() }
            let (time, event) = queue.pop()!
            now = time
            handle(event)
        }
        let start = before ?? boundary()
        let end = boundary()

        // Stop: no more arrivals or faults; every slot closes, discarding what waits.
        for index in suppliers.indices { suppliers[index].close() }
        for index in slots.indices { slots[index].slot.close() }
        for index in buffers.indices { buffers[index].close() }
        while let (time, event) = queue.pop() {
            switch event {
            case .serviceEnd, .deviceCheck:
                now = time
                handle(event)
            case .arrival, .crash, .restart:
                continue
            }
        }
        return (start, end)
    }

    // MARK: - Events

    private func handle(_ event: VirtualEvent) {
        handledEvents += 1
        switch event {
        case .arrival(let index):
            switch captures[index].present(at: now) {
            case .end: return
            case .skip: break
            case .publish: publish(VirtualFrame(stream: captures[index].stream, capturedAt: now), into: captures[index].pipeline)
            }
            queue.schedule(.arrival(stream: index), at: captures[index].schedule.next())
        case .serviceEnd(let worker, let service):
            guard workers[worker].service == service, workers[worker].inHand != nil else { return }
            finish(worker)
        case .deviceCheck(let device, let generation):
            guard devices[device].generation == generation else { return }
            devices[device].sharing.advance(to: now)
            let done = devices[device].jobs.filter { devices[device].sharing.isFinished(job: $0) }
            for job in done { devices[device].sharing.remove(job: job, at: now) }
            devices[device].jobs.removeAll { done.contains($0) }
            for job in done { finish(job) }
            reschedule(device: device)
        case .crash(let worker):
            crash(worker)
        case .restart(let worker):
            workers[worker].down -= 1
            takeNext(worker)
        }
    }

    /// Publishes into the supplier's inbox; the distribution loop takes it at once and
    /// delivers it to every subscribed slot, then idle readers take their frames.
    private func publish(_ frame: VirtualFrame, into pipeline: Int) {
        suppliers[pipeline].publish(frame)
        while let distributed = suppliers[pipeline].takeForDistribution(at: now) {
            for slot in suppliers[pipeline].workerSlots { slots[slot].offer(distributed) }
            for buffer in suppliers[pipeline].frameBuffers { buffers[buffer].offer(distributed) }
            for slot in suppliers[pipeline].workerSlots { takeNext(slotReader[slot]) }
            for buffer in suppliers[pipeline].frameBuffers {
                for worker in buffers[buffer].instances where workers[worker].isReady {
                    takeNext(worker)
                    if workers[worker].isReady { break }  // the buffer is empty
                }
            }
        }
    }

    /// A ready worker takes the frame its source offers it, if any, and starts serving it.
    private func takeNext(_ worker: Int) {
        guard workers[worker].isReady else { return }
        let frame: VirtualFrame
        switch workers[worker].source {
        case .slot(let slot):
            guard case .item(let taken) = slots[slot].slot.take() else { return }
            frame = taken
        case .frameBuffer(let buffer):
            guard let taken = buffers[buffer].policy.next() else { return }
            frame = taken.item
        }
        workers[worker].inHand = (frame, now)
        workers[worker].service &+= 1
        let work = workers[worker].work(startingAt: now)
        if let device = workers[worker].device {
            devices[device].sharing.add(job: worker, work: work, at: now)
            devices[device].jobs.append(worker)
            reschedule(device: device)
        } else {
            queue.schedule(.serviceEnd(worker: worker, service: workers[worker].service), at: now + work)
        }
    }

    private func finish(_ worker: Int) {
        guard let (frame, start) = workers[worker].inHand else { return }
        workers[worker].inHand = nil
        recorders[workers[worker].recorders[frame.stream]!].record(telemetryFrame(frame), serviceStart: start, serviceEnd: now)
        takeNext(worker)
    }

    /// The worker stops at once: the frame in hand is lost (its device job cancelled).
    private func crash(_ worker: Int) {
        workers[worker].down += 1
        guard let (frame, _) = workers[worker].inHand else { return }
        workers[worker].inHand = nil
        workers[worker].service &+= 1  // its pending end, if any, is now stale
        if let device = workers[worker].device {
            devices[device].sharing.remove(job: worker, at: now)
            devices[device].jobs.removeAll { $0 == worker }
            reschedule(device: device)
        }
        recorders[workers[worker].recorders[frame.stream]!].recordLost(telemetryFrame(frame))
    }

    private func reschedule(device: Int) {
        devices[device].generation &+= 1
        if let at = devices[device].nextCheck {
            queue.schedule(.deviceCheck(device: device, generation: devices[device].generation), at: at)
        }
    }

    private func telemetryFrame(_ frame: VirtualFrame) -> Frame {
        var telemetry = Frame(streamID: frame.stream, seq: frame.seq, capturedAt: frame.capturedAt, width: 1, height: 1,
                              format: .rgb24, pixels: pixels)
        telemetry.distributedAt = frame.distributedAt
        return telemetry
    }

    // MARK: - Boundaries

    func boundary() -> VirtualBoundary {
        VirtualBoundary(
            captures: captures.map { ($0.due, $0.published) },
            inboxes: suppliers.map(\.inboxCounters),
            distributed: suppliers.map(\.distributed),
            chunkedFanOuts: suppliers.map(\.chunkedFanOuts),
            slots: slots.map { SlotCounters($0.slot, crossStreamDrops: $0.crossStreamDrops) },
            buffers: buffers.map { buffer in Dictionary(uniqueKeysWithValues: buffer.plan.streams.map { ($0, buffer.counters(stream: $0)) }) })
    }
}

/// The counters the window figures are differences of, read at a window boundary.
struct VirtualBoundary {
    var captures: [(due: UInt64, published: UInt64)]
    var inboxes: [SlotCounters]
    var distributed: [UInt64]
    var chunkedFanOuts: [UInt64]
    var slots: [SlotCounters]
    /// Per shared frame-buffer, each stream's slot.
    var buffers: [[Int: SlotCounters]]
}
