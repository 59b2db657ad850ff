import ScaleBenchCore
import Random

/// What can happen at a virtual instant. Indices and counters are 32-bit so that an
/// event with its 16-byte queue key takes 32 bytes, not 48: the queue moves them on
/// every event.
enum VirtualEvent {
    /// Capture `stream`'s next frame is due.
    case arrival(stream: Int32)
    /// The current part of worker `worker`'s service number `service` (its low 32 bits)
    /// ends: on its own accelerator, or CPU work without a declared host.
    case serviceEnd(worker: Int32, service: UInt32)
    /// A job on device `device` may have finished (stale unless `generation`, low 32
    /// bits, is current).
    case deviceCheck(device: Int32, generation: UInt32)
    case crash(worker: Int32)
    case restart(worker: Int32)
    /// Capture `stream` has produced its next frame (its decode-cpu taken as wall time:
    /// no box declared).
    case produced(stream: Int32)
    /// Frame-buffer `buffer`'s oldest waiting frame has waited its batching kind's limit.
    case batchWait(buffer: Int32)
}

/// The components of one run's ``RunInstances`` and their state in virtual time, driven
/// by an ``EventQueue``. All decisions are made by pure policies, most of them the ones
/// the realtime executor uses (``LatestFrameSlot``, ``FrameBufferPolicy``,
/// ``ProcessorSharing`` for devices, ``ArrivalSchedule``, ``FaultSchedule``) and the
/// ``HostScheduler`` where the operating system decides in real time; this type only
/// owns time and wiring.
///
/// Virtual time starts at 0 with the first arrivals (the realtime run's start, without
/// its lead), the measured window is `[warm-up, warm-up + duration)`.
///
/// A value type on purpose: its component values are mutated in place inside its
/// mutating methods, which the compiler checks for exclusive access statically. As a
/// class, every such access cost a dynamic exclusivity check, a third of the event loop.
/// The components touched per event are in ``FlatArray``s (no bounds, uniqueness or
/// copy-on-write check per access), which a copy would share, and its ``EventQueue`` is
/// not copyable: a run is built, run once and read, never copied
/// (``VirtualExecutor/Simulation`` owns it), and the compiler holds it to that.
struct VirtualRun: ~Copyable {
    // A reference first: with `--sanitize=thread`, Swift 6's instrumentation of a mutating
    // access to a stored property of this noncopyable value passes the value's first word
    // to `__tsan_external_write` as the address; a first word that is not a pointer was an
    // invalid LLVM bitcast and the build failed (a compiler bug; a pointer is valid IR).
    let captures: FlatArray<VirtualCapture>
    let instances: RunInstances
    var scenario: RunScenario { instances.scenario }
    var windowStart: UInt64 { instances.windowStart }
    var windowEnd: UInt64 { instances.windowEnd }

    let suppliers: FlatArray<VirtualSupplier>
    let slots: FlatArray<LatestFrameSlot<VirtualFrame>>
    /// The worker reading each own slot.
    let slotReader: FlatArray<Int>
    /// The frame-buffers each supplier delivers to, supplier after supplier (see
    /// ``VirtualSupplier/frameBuffers``).
    private let attachedBuffers: FlatArray<Int>
    let buffers: FlatArray<VirtualFrameBuffer>
    let workers: FlatArray<VirtualWorker>
    /// Each worker's ``VirtualWorker/isReady``, kept beside the workers wherever it
    /// changes (a service's start and end, a crash, a restart): every frame asks it of the
    /// workers it is offered to, nearly always busy, and a worker (a few hundred bytes)
    /// touched once a frame period is out of the L1 cache by then, where this array's
    /// line or two stay in it.
    let ready: FlatArray<Bool>
    var devices: [VirtualDevice] = []
    /// The box's cores, when the scenario declares one (`hosts[0]`; none without): every CPU
    /// job shares them. In a flat buffer of one, reached by its address: as an optional,
    /// each use paid a check of its tag, five a service.
    let hosts: FlatArray<HostScheduler>
    let hasHost: Bool
    /// When a CPU job on the host may next have finished, as a queue key (`time << 64 |`
    /// a sequence number reserved from the queue; `.max`: nothing runs): the one event
    /// kept beside the queue rather than in it, which the loop takes when its key comes
    /// first, in the order it would have come out of the queue (see ``armHost()``).
    var hostCheckKey = UInt128.max
    /// Set while a host check ends the parts it found done: the jobs they start are armed
    /// once, after all of them (each asked the host for its next completion before).
    var checkingHost = false
    /// The jobs a host check found done: room for every host job (reused).
    let hostDone: FlatArray<Int>
    /// Host job ids from here on are captures' productions (capture c: `firstCaptureJob + c`).
    let firstCaptureJob: Int
    /// The host class of captures' CPU (after the worker kinds').
    var captureClass: Int { kindCount }
    /// Set when the measured window has ended: productions finishing after it publish nothing.
    var stopped = false
    /// The host's accounting at the window's boundaries.
    private(set) var hostWindow: (before: HostScheduler?, after: HostScheduler?) = (nil, nil)
    /// Each device's busy nanoseconds at the window's boundaries.
    private(set) var deviceWindow: (before: [Double]?, after: [Double]) = (nil, [])
    /// One per result row (``RunInstances/rows``); a shared kind's instances record the
    /// same row, as the realtime executor merges their recorders per row.
    let recorders: FlatArray<ServiceMeasurements>
    /// The recorder of stream s and worker kind k at `s × kindCount + k` (−1: the kind
    /// does not serve the stream): the per-frame lookup, without hashing.
    private let rowIndex: FlatArray<Int32>
    private let kindCount: Int
    /// Whether a kind serves a stream's load state (``RunInstances/servedStates``; empty:
    /// every kind every state), the kind of each frame-buffer, and per row the frames of
    /// states its kind does not serve.
    private let servedStates: [Bool]
    private let stateCount: Int
    private let bufferKind: FlatArray<Int>
    let notServed: FlatArray<UInt64>
    /// Completed services not yet recorded: up to ``batch`` per row, replayed into the
    /// row's measurements in order when the row's batch fills and at the end. Recording
    /// one service increments three of the row's histograms (88 KB each, hundreds of MB in
    /// all at 1000 streams; the fourth, hand-off, equals age here and is set at the end),
    /// nearly always a cache miss when recorded at once; a batch increments counters
    /// already in cache for most of its services. The result is the same as recording
    /// each at once.
    private let pending: FlatArray<PendingService>
    private let pendingCount: FlatArray<Int>
    /// Services a row's batch holds: as many as ``pendingBudget`` allows, between 256 and
    /// 2048 (Reports/benchmarks.md measures the sizes).
    private let batch: Int
    /// Memory the batches may take together before they shrink towards 256 a row.
    static let pendingBudget = 8 << 20

    /// The batch size of a run with `rows` result rows.
    static func batchSize(rows: Int) -> Int {
        let fitting = pendingBudget / max(rows * MemoryLayout<PendingService>.stride, 1)
        return min(2048, max(256, fitting > 0 ? 1 << (Int.bitWidth - 1 - fitting.leadingZeroBitCount) : 0))
    }

    /// Memory of the batches of a run with `rows` rows, for ``SimulationBudget``.
    static func pendingBytes(rows: Int) -> Int { rows * batchSize(rows: rows) * MemoryLayout<PendingService>.stride }

    private struct PendingService {
        var capturedAt: UInt64 = 0, start: UInt64 = 0, end: UInt64 = 0
    }
    /// The load state of each pending service, beside it (allocated only with load
    /// profiles, so that a pending service stays 24 bytes).
    private var pendingStates: [UInt8] = []

    /// Every processed frame's timestamps, when the run traces (nil: it does not).
    var trace: [FrameTraceRecord]?

    var queue = EventQueue<VirtualEvent>(reserving: 64)
    var now: UInt64 = 0
    /// Events handled, for the speed figure.
    private(set) var handledEvents: UInt64 = 0

    init(scenario: RunScenario, trace: Bool = false) throws(ScenarioError) {
        if trace { self.trace = [] }
        let instances = RunInstances(scenario: scenario)
        self.instances = instances
        batch = Self.batchSize(rows: instances.rows.count)
        kindCount = instances.kinds.count
        rowIndex = FlatArray(instances.rowIndex)
        servedStates = instances.servedStates
        stateCount = instances.loadStates
        // Flat as well: as an array (empty without load states, so never uniquely referenced),
        // the delivery loop could copy it on every frame to make it unique.
        notServed = FlatArray(repeating: 0, count: servedStates.isEmpty ? 0 : instances.rows.count)
        devices = instances.devices.map(VirtualDevice.init)
        firstCaptureJob = instances.workers.count
        let captureJobs = scenario.decodeCPU == nil ? 0 : instances.captures.count
        hosts = FlatArray(scenario.host.map { [HostScheduler(spec: $0, jobs: instances.workers.count + captureJobs, classes: instances.kinds.count + 1)] } ?? [])
        hostDone = FlatArray(repeating: 0, count: instances.workers.count + captureJobs)
        hasHost = scenario.host != nil
        recorders = FlatArray(instances.rows.map { _ in
            ServiceMeasurements(windowStart: instances.windowStart, windowEnd: instances.windowEnd, faultWindows: instances.faults.windows,
                                states: instances.loadStates)
        })
        var slots: [LatestFrameSlot<VirtualFrame>] = [], slotReader: [Int] = [], workers: [VirtualWorker] = []
        var suppliers: [VirtualSupplier] = [], attachedBuffers: [Int] = []
        for worker in instances.workers {
            let source: VirtualWorker.Source
            switch worker.source {
            case .slot:
                source = .slot(slots.count)
                slotReader.append(workers.count)
                slots.append(LatestFrameSlot(policy: .overwrite))
            case .frameBuffer(let buffer):
                source = .frameBuffer(buffer)
            }
            workers.append(try VirtualWorker(instance: worker, source: source))
        }
        var firstSlot = 0
        for supplier in instances.suppliers {
            var virtual = VirtualSupplier(plan: supplier.plan, streamCount: instances.plan.streamCount,
                                          subscribers: supplier.ownWorkers.count + supplier.frameBuffers.count,
                                          fanOutThreshold: scenario.fanOutThreshold)
            virtual.workerSlots = firstSlot..<firstSlot + supplier.ownWorkers.count
            firstSlot += supplier.ownWorkers.count
            virtual.frameBuffers = attachedBuffers.count..<attachedBuffers.count + supplier.frameBuffers.count
            attachedBuffers += supplier.frameBuffers
            suppliers.append(virtual)
        }
        (self.slots, self.slotReader, self.workers) = (FlatArray(slots), FlatArray(slotReader), FlatArray(workers))
        ready = FlatArray(workers.map(\.isReady))
        (self.suppliers, self.attachedBuffers) = (FlatArray(suppliers), FlatArray(attachedBuffers))
        captures = FlatArray(instances.captures.map { capture in
            VirtualCapture(stream: capture.stream, pipeline: capture.pipeline,
                           schedule: capture.arrivals(),
                           faults: capture.faults, faultWindows: instances.faults.windows,
                           decode: scenario.decodeCPU, decodeSeed: capture.decodeSeed)
        })
        buffers = FlatArray(instances.frameBuffers.map { VirtualFrameBuffer(instance: $0, streamCount: instances.plan.streamCount) })
        bufferKind = FlatArray(instances.frameBuffers.map { buffer in instances.kinds.firstIndex(of: buffer.plan.spec.name)! })
        pending = FlatArray(repeating: PendingService(), count: recorders.count * batch)
        if instances.loadStates > 0 { pendingStates = Array(repeating: 0, count: pending.count) }
        pendingCount = FlatArray(repeating: 0, count: recorders.count)
    }

    /// Runs to the end of the measured window, stops the captures and suppliers as the
    /// realtime executor does (waiting frames are discarded), lets every service in hand
    /// finish, and returns the counters at both window boundaries.
    mutating func run() -> (before: RunCounts, after: RunCounts) {
        for index in captures.indices {
            captures[index].nextDue = captures[index].schedule.next()
            queue.schedule(.arrival(stream: Int32(index)), at: captures[index].nextDue)
        }
        for index in workers.indices {
            for crash in workers[index].faults.crashes {
                queue.schedule(.crash(worker: Int32(index)), at: crash.at)
                if let restart = crash.restart { queue.schedule(.restart(worker: Int32(index)), at: restart) }
            }
        }
        var before: RunCounts?
        let end = UInt128(windowEnd) << 64
        while true {
            let popped = queue.pop(beforeKey: min(end, hostCheckKey))
            guard popped != nil || hostCheckKey < end else { break }
            let time = popped?.time ?? UInt64(truncatingIfNeeded: hostCheckKey >> 64)
            // Counters are read before anything happens at the window's first instant, so
            // an event at exactly `windowStart` belongs to the window (as a service end does
            // in ``WorkerRecorder``).
            if before == nil, time >= windowStart {
                before = boundary()
                hostWindow.before = hostAt(windowStart)
                deviceWindow.before = devices.map { $0.busyNanos(at: windowStart) }
            }
            now = time
            if let (_, event) = popped { handle(event) } else { checkHost() }
        }
        let start = before ?? boundary()
        if hostWindow.before == nil { hostWindow.before = hostAt(windowStart) }
        if deviceWindow.before == nil { deviceWindow.before = devices.map { $0.busyNanos(at: windowStart) } }
        let counts = boundary()
        hostWindow.after = hostAt(windowEnd)
        deviceWindow.after = devices.map { $0.busyNanos(at: windowEnd) }

        // Stop: no more arrivals, productions or faults; every slot closes, discarding what waits.
        stopped = true
        for index in suppliers.indices { suppliers[index].close() }
        for index in slots.indices { slots[index].close() }
        for index in buffers.indices { buffers[index].close() }
        while true {
            guard let (time, event) = queue.pop(beforeKey: hostCheckKey) else {
                guard hostCheckKey != .max else { break }
                now = UInt64(truncatingIfNeeded: hostCheckKey >> 64)
                checkHost()
                continue
            }
            switch event {
            case .serviceEnd, .deviceCheck:
                now = time
                handle(event)
            case .arrival, .crash, .restart, .produced, .batchWait:
                continue
            }
        }
        for row in recorders.indices {
            recordPending(row)
            recorders[row].handoffEqualsAge()
        }
        return (start, counts)
    }

    // MARK: - Events

    private mutating func handle(_ event: VirtualEvent) {
        handledEvents += 1
        switch event {
        case .arrival(let stream):
            let index = Int(stream)
            if captures[index].decodes { return ready(index) }
            switch captures[index].present(at: now) {
            case .end: return
            case .skip: break
            case .publish: publish(captures[index].frame(at: now), into: captures[index].pipeline)
            }
            queue.schedule(.arrival(stream: stream), at: captures[index].schedule.next())
        case .serviceEnd(let worker, let service):
            let index = Int(worker)
            guard UInt32(truncatingIfNeeded: workers[index].service) == service, workers[index].inHand != nil else { return }
            partDone(index)
        case .deviceCheck(let device, let generation):
            let index = Int(device)
            guard UInt32(truncatingIfNeeded: devices[index].generation) == generation else { return }
            devices[index].sharing.advance(to: now)
            let done = devices[index].jobs.filter { devices[index].sharing.isFinished(job: $0) }
            for job in done { devices[index].sharing.remove(job: job, at: now) }
            devices[index].jobs.removeAll { done.contains($0) }
            for job in done { partDone(job) }
            reschedule(device: index)
        case .crash(let worker):
            crash(Int(worker))
        case .restart(let worker):
            workers[Int(worker)].down -= 1
            ready[Int(worker)] = workers[Int(worker)].isReady
            workers[Int(worker)].freeSince = now
            takeNext(Int(worker))
        case .produced(let stream):
            produced(Int(stream))
        case .batchWait(let buffer):
            let index = Int(buffer)
            guard buffers[index].batchWaitAt == now else { return }
            buffers[index].batchWaitAt = nil
            for worker in buffers[index].instances where ready[worker] {
                takeNext(worker)
                if ready[worker] { break }
            }
        }
    }

    /// The host check is due: the CPU jobs done by now end their part (an event, counted
    /// as the queue's are).
    private mutating func checkHost() {
        handledEvents += 1
        hostCheckKey = .max
        // All found before any moves on: a part that starts on the host joins it afterwards.
        let done = hosts[0].finish(at: now, into: UnsafeMutableBufferPointer(start: hostDone.base, count: hostDone.count))
        checkingHost = true
        for index in 0..<done { partDone(hostDone[index]) }
        checkingHost = false
        armHost()
    }

    /// Publishes into the supplier's inbox; the distribution loop takes it at once and
    /// delivers it to every subscribed slot, then idle readers take their frames.
    mutating func publish(_ frame: VirtualFrame, into pipeline: Int) {
        // An empty single inbox hands the frame straight to the loop (the same counters).
        if let distributed = suppliers[pipeline].passThrough(frame, at: now) { return deliver(distributed, from: pipeline) }
        suppliers[pipeline].publish(frame)
        while let distributed = suppliers[pipeline].takeForDistribution(at: now) { deliver(distributed, from: pipeline) }
    }

    /// The distribution loop's delivery of one frame to every subscribed slot, then idle
    /// readers take their frames.
    @inline(__always)
    private mutating func deliver(_ distributed: VirtualFrame, from pipeline: Int) {
        let ownSlots = suppliers[pipeline].workerSlots
        for slot in ownSlots where serves(workers[slotReader[slot]].kind, distributed) { slots[slot].offer(distributed) }
        for attached in suppliers[pipeline].frameBuffers where serves(bufferKind[attachedBuffers[attached]], distributed) {
            buffers[attachedBuffers[attached]].offer(distributed, at: now)
        }
        for slot in ownSlots { takeNext(slotReader[slot]) }
        for attached in suppliers[pipeline].frameBuffers {
            for worker in buffers[attachedBuffers[attached]].instances where ready[worker] {
                takeNext(worker)
                if ready[worker] { break }  // the buffer is empty
            }
        }
    }

    /// A ready worker takes the frame its source offers it, if any, and starts serving it.
    /// Inlined: most calls (every arrival offers to its busy workers) end at the check.
    @inline(__always)
    private mutating func takeNext(_ worker: Int) {
        guard ready[worker] else { return }
        takeFromSource(worker)
    }

    private mutating func takeFromSource(_ worker: Int) {
        let frame: VirtualFrame
        switch workers[worker].source {
        case .slot(let slot):
            guard case .item(let taken) = slots[slot].take() else { return }
            frame = taken
        case .frameBuffer(let buffer):
            if let formation = buffers[buffer].formation {
                return takeBatch(worker, from: buffer, formation.decide(waiting: buffers[buffer].policy.waiting, now: now))
            }
            guard let taken = buffers[buffer].next() else { return }
            frame = taken
        }
        start(worker, frame)
    }

    /// A batching instance launches what its frame-buffer's formation decides, or arms the
    /// check at the wait limit.
    private mutating func takeBatch(_ worker: Int, from buffer: Int, _ decision: BatchFormation.Decision) {
        switch decision {
        case .idle: return
        case .wait(let until):
            if let armed = buffers[buffer].batchWaitAt, armed <= until, armed > now { return }
            buffers[buffer].batchWaitAt = until
            queue.schedule(.batchWait(buffer: Int32(buffer)), at: until)
        case .launch(let size):
            let inWindow = now >= windowStart && now < windowEnd, free = workers[worker].freeSince
            guard let first = buffers[buffer].nextInBatch(at: now, freeSince: free, inWindow: inWindow) else { return }
            workers[worker].rest.removeAll(keepingCapacity: true)
            for _ in 1..<size {
                if let frame = buffers[buffer].nextInBatch(at: now, freeSince: free, inWindow: inWindow) { workers[worker].rest.append(frame) }
            }
            if inWindow { buffers[buffer].batchSizes[workers[worker].rest.count] += 1 }
            start(worker, first)
        }
    }

    /// The worker starts serving `frame` (and the rest of its batch).
    private mutating func start(_ worker: Int, _ frame: VirtualFrame) {
        workers[worker].inHand = (frame, now)
        ready[worker] = false
        workers[worker].service &+= 1
        workers[worker].mainWork = workers[worker].drawWork(startingAt: now)
        if let batch = workers[worker].batch, !workers[worker].rest.isEmpty {
            workers[worker].mainWork = batch.duration(solo: workers[worker].mainWork, size: 1 + workers[worker].rest.count)
        }
        workers[worker].part = workers[worker].hostHalf > 0 ? .before : .main
        startPart(worker)
    }

    /// Starts the worker's current part of its service: host CPU (its `cpu` service, or an
    /// offload worker's host cost before and after), its device, or its own accelerator.
    @inline(__always)
    private mutating func startPart(_ worker: Int) {
        switch workers[worker].part {
        case .before, .after: runOnHost(worker, demand: workers[worker].hostHalf)
        case .main:
            let work = workers[worker].mainWork
            if workers[worker].onHost {
                runOnHost(worker, demand: work)
            } else if let device = workers[worker].device {
                devices[device].sharing.add(job: worker, work: work, at: now)
                devices[device].jobs.append(worker)
                reschedule(device: device)
            } else {
                after(work, worker)
            }
        }
    }

    @inline(__always)
    mutating func after(_ nanos: UInt64, _ worker: Int) {
        queue.schedule(.serviceEnd(worker: Int32(worker), service: UInt32(truncatingIfNeeded: workers[worker].service)), at: now + nanos)
    }

    /// One part of the service is done: the next starts, or the service ends. (Host jobs
    /// from ``firstCaptureJob`` on are captures'.)
    @inline(__always)
    mutating func partDone(_ worker: Int) {
        guard worker < firstCaptureJob else { return produced(worker - firstCaptureJob) }
        switch workers[worker].part {
        case .before:
            workers[worker].part = .main
            startPart(worker)
        case .main where workers[worker].hostHalf > 0:
            workers[worker].part = .after
            startPart(worker)
        case .main, .after:
            finish(worker)
        }
    }

    private mutating func finish(_ worker: Int) {
        guard let (frame, start) = workers[worker].inHand else { return }
        workers[worker].inHand = nil
        ready[worker] = workers[worker].isReady
        record(frame, kind: workers[worker].kind, start: start)
        if trace != nil { traceFrame(frame, worker: worker, start: start) }
        // Every frame of a batch ends at the same instant.
        for index in workers[worker].rest.indices {
            record(workers[worker].rest[index], kind: workers[worker].kind, start: start)
            if trace != nil { traceFrame(workers[worker].rest[index], worker: worker, start: start) }
        }
        // Checked first: emptying an empty array still calls its generic replaceSubrange.
        if !workers[worker].rest.isEmpty { workers[worker].rest.removeAll(keepingCapacity: true) }
        workers[worker].freeSince = now
        takeNext(worker)
    }

    /// Keeps a processed frame's timestamps, as a real-time `--trace` run does.
    private mutating func traceFrame(_ frame: VirtualFrame, worker: Int, start: UInt64) {
        trace!.append(FrameTraceRecord(stream: frame.stream, worker: instances.workers[worker].spec.name, seq: frame.seq,
                                       capturedAt: frame.capturedAt, distributedAt: frame.distributedAt, serviceStart: start,
                                       serviceEnd: now, instance: instances.workers[worker].name))
    }

    private mutating func record(_ frame: VirtualFrame, kind: Int, start: UInt64) {
        let row = row(frame.stream, kind)
        // Distribution is instantaneous here: hand-off = age (see recordPending).
        assert(frame.distributedAt == frame.capturedAt)
        let slot = row &* batch &+ pendingCount[row]
        pending[slot] = PendingService(capturedAt: frame.capturedAt, start: start, end: now)
        if !pendingStates.isEmpty { pendingStates[slot] = frame.state }
        pendingCount[row] &+= 1
        if pendingCount[row] == batch { recordPending(row) }
    }

    private mutating func recordPending(_ row: Int) {
        for index in row * batch..<row * batch + pendingCount[row] {
            let service = pending[index]
            let inWindow = recorders[row].recordDistributedAtCapture(capturedAt: service.capturedAt, serviceStart: service.start,
                                                                     serviceEnd: service.end)
            if inWindow && !pendingStates.isEmpty { recorders[row].recordInState(pendingStates[index], latency: service.end &- service.capturedAt) }
        }
        pendingCount[row] = 0
    }

    /// The worker stops at once: the frame in hand is lost (its device job cancelled).
    private mutating func crash(_ worker: Int) {
        workers[worker].down += 1
        ready[worker] = false
        guard let (frame, _) = workers[worker].inHand else { return }
        workers[worker].inHand = nil
        workers[worker].service &+= 1  // its pending end, if any, is now stale
        if hasHost && hosts[0].isRunnable(job: worker) {
            hosts[0].cancel(job: worker, at: now)
            armHost()
        } else if let device = workers[worker].device, devices[device].jobs.contains(worker) {
            devices[device].sharing.remove(job: worker, at: now)
            devices[device].jobs.removeAll { $0 == worker }
            reschedule(device: device)
        }
        recorders[row(frame.stream, workers[worker].kind)].recordLost()
        for lost in workers[worker].rest { recorders[row(lost.stream, workers[worker].kind)].recordLost() }
        workers[worker].rest.removeAll(keepingCapacity: true)
    }

    private mutating func reschedule(device: Int) {
        devices[device].generation &+= 1
        if let at = devices[device].nextCheck {
            queue.schedule(.deviceCheck(device: Int32(device), generation: UInt32(truncatingIfNeeded: devices[device].generation)), at: at)
        }
    }

    /// Whether `kind` gets `frame` (its stream's state at arrival); counts the frames it does not.
    @inline(__always)
    private mutating func serves(_ kind: Int, _ frame: VirtualFrame) -> Bool {
        guard !servedStates.isEmpty, !servedStates[(frame.stream &* stateCount &+ Int(frame.state)) &* kindCount &+ kind] else { return true }
        notServed[row(frame.stream, kind)] &+= 1
        return false
    }

    @inline(__always)
    private func row(_ stream: Int, _ kind: Int) -> Int { Int(rowIndex[stream &* kindCount &+ kind]) }

}
