/// What can happen at a virtual instant. Indices and counters are 32-bit so that an
/// event with its 16-byte queue key takes 32 bytes, not 48: the queue moves them on
/// every event.
enum VirtualEvent {
    /// Capture `stream`'s next frame is due.
    case arrival(stream: Int32)
    /// Worker `worker`'s service number `service` (its low 32 bits) ends, on a host or
    /// its own accelerator.
    case serviceEnd(worker: Int32, service: UInt32)
    /// A job on device `device` may have finished (stale unless `generation`, low 32
    /// bits, is current).
    case deviceCheck(device: Int32, generation: UInt32)
    case crash(worker: Int32)
    case restart(worker: Int32)
}

/// The components of one topology plan and their state in virtual time, driven by an
/// ``EventQueue``. All decisions are made by the pure policies the realtime executor
/// uses (``LatestFrameSlot``, ``FrameBufferPolicy``, ``ProcessorSharing``,
/// ``ArrivalSchedule``, ``FaultSchedule``); this type only owns time and wiring.
///
/// Virtual time starts at 0 with the first arrivals (the realtime run's start, without
/// its lead), the measured window is `[warm-up, warm-up + duration)`.
///
/// A value type on purpose: its arrays of component values are mutated in place inside
/// its mutating methods, which the compiler checks for exclusive access statically. As a
/// class, every such access cost a dynamic exclusivity check, a third of the event loop.
struct VirtualRun {
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
    /// The frame-buffers each supplier delivers to, supplier after supplier (see
    /// ``VirtualSupplier/frameBuffers``).
    private var attachedBuffers: [Int] = []
    var buffers: [VirtualFrameBuffer] = []
    var workers: [VirtualWorker] = []
    var devices: [VirtualDevice] = []
    /// One per result row (stream × worker kind); a shared kind's instances record the
    /// same row, as the realtime executor merges their recorders per row.
    var recorders: [ServiceMeasurements] = []
    var recorderOf: [RowKey: Int] = [:]
    /// The recorder of stream s and worker kind k at `s × kindCount + k` (−1: the kind
    /// does not serve the stream): the per-frame lookup, without hashing.
    private var rowIndex: [Int32]
    private let kindCount: Int
    /// Completed services not yet recorded: up to ``batch`` per row, replayed into the
    /// row's measurements in order when the row's batch fills and at the end. Recording
    /// one service touches three of the row's histograms (88 KB each, hundreds of MB in
    /// all at 1000 streams; the fourth, hand-off, equals age here and is set at the end);
    /// a batch records a row's services while its histograms are in cache (measured: 4 %
    /// faster at 1000 streams). The result is the same as recording each at once.
    private var pending: [PendingService] = []
    private var pendingCount: [Int] = []
    private static let batch = 256
    /// Memory of one row's batch, for ``SimulationBudget``.
    static let pendingBytesPerRow = batch * MemoryLayout<PendingService>.stride

    private struct PendingService {
        var capturedAt: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
    }

    private var queue = EventQueue<VirtualEvent>(reserving: 64)
    private var now: UInt64 = 0
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
        let kinds = (plan.pipelines.flatMap { $0.workers.map(\.name) } + plan.shared.map(\.spec.name)).uniqued()
        let kindOf = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
        kindCount = kinds.count
        rowIndex = Array(repeating: -1, count: plan.streamCount * kinds.count)

        /// Makes the rows of `streams` × `worker` (once) and returns the worker's kind index.
        func kindWithRows(_ worker: String, serving streams: [Int]) -> Int {
            let kind = kindOf[worker]!
            for stream in streams where rowIndex[stream * kindCount + kind] < 0 {
                rowIndex[stream * kindCount + kind] = Int32(recorders.count)
                recorderOf[RowKey(stream: stream, worker: worker)] = recorders.count
                recorders.append(ServiceMeasurements(windowStart: windowStart, windowEnd: windowEnd, faultWindows: faults.windows))
            }
            return kind
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
            var supplier = VirtualSupplier(plan: pipeline, streamCount: plan.streamCount, subscribers: pipeline.workers.count + attached[index].count,
                                           fanOutThreshold: scenario.fanOutThreshold)
            supplier.frameBuffers = attachedBuffers.count..<attachedBuffers.count + attached[index].count
            attachedBuffers += attached[index]
            supplier.workerSlots = slots.count..<slots.count + pipeline.workers.count
            for (position, spec) in pipeline.workers.enumerated() {
                slotReader.append(workers.count)
                workers.append(try VirtualWorker(
                    spec: spec, source: .slot(slots.count),
                    seed: SeedSequence.derive(scenario.seed, 0x5E4F, UInt64(pipeline.id), UInt64(position)),
                    device: spec.device.flatMap { deviceIndex[$0] },
                    faults: faults.worker(spec.name, stream: pipeline.streams[0]),
                    kind: kindWithRows(spec.name, serving: pipeline.streams)))
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
            var buffer = VirtualFrameBuffer(plan: shared, streamCount: plan.streamCount)
            buffer.instances = workers.count..<workers.count + shared.instances
            for instance in 0..<shared.instances {
                workers.append(try VirtualWorker(
                    spec: shared.spec, source: .frameBuffer(kind),
                    seed: SeedSequence.derive(scenario.seed, 0x5A4E, UInt64(kind), UInt64(instance)),
                    device: shared.spec.device.flatMap { deviceIndex[$0] },
                    faults: faults.worker(shared.spec.name, stream: nil),
                    kind: kindWithRows(shared.spec.name, serving: shared.streams)))
            }
            buffers.append(buffer)
        }
        pending = Array(repeating: PendingService(), count: recorders.count * Self.batch)
        pendingCount = Array(repeating: 0, count: recorders.count)
    }

    /// Runs to the end of the measured window, stops the captures and suppliers as the
    /// realtime executor does (waiting frames are discarded), lets every service in hand
    /// finish, and returns the counters at both window boundaries.
    mutating func run() -> (before: VirtualBoundary, after: VirtualBoundary) {
        for index in captures.indices { queue.schedule(.arrival(stream: Int32(index)), at: captures[index].schedule.next()) }
        for index in workers.indices {
            for crash in workers[index].faults.crashes {
                queue.schedule(.crash(worker: Int32(index)), at: crash.at)
                if let restart = crash.restart { queue.schedule(.restart(worker: Int32(index)), at: restart) }
            }
        }
        var before: VirtualBoundary?
        while let (time, event) = queue.pop(before: windowEnd) {
            // Counters are read before anything happens at the window's first instant, so
            // an event at exactly `windowStart` belongs to the window (as a service end does
            // in ``WorkerRecorder``).
            if before == nil, time >= windowStart { before = boundary() }
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
        for row in recorders.indices {
            recordPending(row)
            recorders[row].handoffEqualsAge()
        }
        return (start, end)
    }

    // MARK: - Events

    private mutating func handle(_ event: VirtualEvent) {
        handledEvents += 1
        switch event {
        case .arrival(let stream):
            let index = Int(stream)
            switch captures[index].present(at: now) {
            case .end: return
            case .skip: break
            case .publish: publish(VirtualFrame(stream: captures[index].stream, capturedAt: now), into: captures[index].pipeline)
            }
            queue.schedule(.arrival(stream: stream), at: captures[index].schedule.next())
        case .serviceEnd(let worker, let service):
            let index = Int(worker)
            guard UInt32(truncatingIfNeeded: workers[index].service) == service, workers[index].inHand != nil else { return }
            finish(index)
        case .deviceCheck(let device, let generation):
            let index = Int(device)
            guard UInt32(truncatingIfNeeded: devices[index].generation) == generation else { return }
            devices[index].sharing.advance(to: now)
            let done = devices[index].jobs.filter { devices[index].sharing.isFinished(job: $0) }
            for job in done { devices[index].sharing.remove(job: job, at: now) }
            devices[index].jobs.removeAll { done.contains($0) }
            for job in done { finish(job) }
            reschedule(device: index)
        case .crash(let worker):
            crash(Int(worker))
        case .restart(let worker):
            workers[Int(worker)].down -= 1
            takeNext(Int(worker))
        }
    }

    /// Publishes into the supplier's inbox; the distribution loop takes it at once and
    /// delivers it to every subscribed slot, then idle readers take their frames.
    private mutating func publish(_ frame: VirtualFrame, into pipeline: Int) {
        suppliers[pipeline].publish(frame)
        let ownSlots = suppliers[pipeline].workerSlots
        while let distributed = suppliers[pipeline].takeForDistribution(at: now) {
            for slot in ownSlots { slots[slot].offer(distributed) }
            for attached in suppliers[pipeline].frameBuffers { buffers[attachedBuffers[attached]].offer(distributed) }
            for slot in ownSlots { takeNext(slotReader[slot]) }
            for attached in suppliers[pipeline].frameBuffers {
                for worker in buffers[attachedBuffers[attached]].instances where workers[worker].isReady {
                    takeNext(worker)
                    if workers[worker].isReady { break }  // the buffer is empty
                }
            }
        }
    }

    /// A ready worker takes the frame its source offers it, if any, and starts serving it.
    private mutating func takeNext(_ worker: Int) {
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
        let work = workers[worker].drawWork(startingAt: now)
        if let device = workers[worker].device {
            devices[device].sharing.add(job: worker, work: work, at: now)
            devices[device].jobs.append(worker)
            reschedule(device: device)
        } else {
            queue.schedule(.serviceEnd(worker: Int32(worker), service: UInt32(truncatingIfNeeded: workers[worker].service)), at: now + work)
        }
    }

    private mutating func finish(_ worker: Int) {
        guard let (frame, start) = workers[worker].inHand else { return }
        workers[worker].inHand = nil
        let row = row(frame.stream, workers[worker].kind)
        // Distribution is instantaneous here: hand-off = age (see recordPending).
        assert(frame.distributedAt == frame.capturedAt)
        pending[row &* Self.batch &+ pendingCount[row]] = PendingService(capturedAt: frame.capturedAt, start: start, end: now)
        pendingCount[row] &+= 1
        if pendingCount[row] == Self.batch { recordPending(row) }
        takeNext(worker)
    }

    private mutating func recordPending(_ row: Int) {
        for index in row * Self.batch..<row * Self.batch + pendingCount[row] {
            let service = pending[index]
            recorders[row].recordDistributedAtCapture(capturedAt: service.capturedAt, serviceStart: service.start,
                                                      serviceEnd: service.end)
        }
        pendingCount[row] = 0
    }

    /// The worker stops at once: the frame in hand is lost (its device job cancelled).
    private mutating func crash(_ worker: Int) {
        workers[worker].down += 1
        guard let (frame, _) = workers[worker].inHand else { return }
        workers[worker].inHand = nil
        workers[worker].service &+= 1  // its pending end, if any, is now stale
        if let device = workers[worker].device {
            devices[device].sharing.remove(job: worker, at: now)
            devices[device].jobs.removeAll { $0 == worker }
            reschedule(device: device)
        }
        recorders[row(frame.stream, workers[worker].kind)].recordLost()
    }

    private mutating func reschedule(device: Int) {
        devices[device].generation &+= 1
        if let at = devices[device].nextCheck {
            queue.schedule(.deviceCheck(device: Int32(device), generation: UInt32(truncatingIfNeeded: devices[device].generation)), at: at)
        }
    }

    @inline(__always)
    private func row(_ stream: Int, _ kind: Int) -> Int { Int(rowIndex[stream &* kindCount &+ kind]) }

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
