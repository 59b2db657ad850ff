import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// One worker instance on its own thread: takes frames from its source (its own slot, or
/// a shared frame-buffer), processes each with its cost model, records telemetry and
/// emits an event, until the source closes.
///
/// A worker whose service only sleeps (an `offload` worker with no host cost on an
/// accelerator of its own, ``sleepsWithoutThread(_:device:faults:)``), reading its own slot,
/// with no crashes to wait for, runs without a thread (``SleepingWorker``): its hand-offs
/// start its services and the run's timer thread ends them. Workers that use CPU keep
/// threads of their own, whose contention for the box's cores the operating system
/// decides (what the host model is checked against).
///
/// Faults follow ``WorkerFaults``: the wait for a frame and the service both end at the
/// next crash time; a frame in service then is lost, an idle instance loses nothing; the
/// instance sleeps until its restart (or ends). A slowdown stretches each service that
/// starts in its span.
final class WorkerRunner: @unchecked Sendable {
    let spec: WorkerSpec
    /// Recorders by stream id: one entry for a worker of one pipeline's stream, one per
    /// stream for an instance of a shared worker kind.
    let recorders: [Int: WorkerRecorder]
    let emitter: EventEmitter
    /// The next frame, waiting at most until the monotonic deadline.
    private let next: @Sendable (UInt64) -> Taken<Frame>
    private let engine: WorkerEngine
    private let faults: WorkerFaults
    private let stop: StopSignal
    private let clock = SystemClock()
    /// With a trace, each service's CPU time on this thread is recorded (what `calibrate`
    /// fits as a CPU worker's demand); otherwise the clock is not read.
    private let tracing: Bool
    /// Its thread, or the ``SleepingWorker`` that runs it without one.
    private(set) var runner: (any Runner)!

    /// A batching instance's take (nil: one frame at a time), and the measured window in
    /// which its batches are counted by size and their frames' waits for them recorded.
    private let nextBatch: (@Sendable (UInt64) -> Taken<FrameBatch>)?
    private let window: (start: UInt64, end: UInt64)
    private(set) var batchSizes: [UInt64] = []
    private(set) var batchWaits = LatencyHistogram()
    /// A process worker's bridge to its child (nil for cost models).
    let client: ProcessWorkerClient?
    /// A process worker's failures, in order (read after the thread ends).
    private(set) var failures: [WorkerFailureResult] = []
    private let failureLog: WorkerLog

    init(name: String, spec: WorkerSpec, seed: UInt64, recorders: [Int: WorkerRecorder], emitter: EventEmitter,
         device: DeviceGate? = nil, faults: WorkerFaults = WorkerFaults(), stop: StopSignal = StopSignal(),
         next: @escaping @Sendable (UInt64) -> Taken<Frame>,
         batches: (take: @Sendable (UInt64) -> Taken<FrameBatch>, window: (start: UInt64, end: UInt64))? = nil,
         log: WorkerLog = WorkerLog(), sequence: SequencePosition = SequencePosition(),
         sleepingOn: (slot: Mailbox<Frame>, timers: ServiceTimers)? = nil) {
        self.spec = spec
        self.recorders = recorders
        self.emitter = emitter
        self.next = next
        self.faults = faults
        self.stop = stop
        nextBatch = batches?.take
        window = batches?.window ?? (0, 0)
        if batches != nil { batchSizes = Array(repeating: 0, count: spec.batch?.max ?? 1) }
        tracing = recorders.values.contains { $0.isTracing }
        engine = WorkerEngine(spec: spec, seed: seed, device: device, sequence: sequence)
        // Named kind@instance in the log and in failures: a pipeline's instances share its name.
        client = spec.cost.processSpec.map { ProcessWorkerClient(name: "\(spec.name)@\(name)", spec: $0, log: log) }
        failureLog = log
        if let sleepingOn {
            precondition(Self.sleepsWithoutThread(spec, device: device, faults: faults), "\(name): only a worker that only sleeps runs without a thread")
            runner = SleepingWorker(name: name, mailbox: sleepingOn.slot, timers: sleepingOn.timers,
                                    begin: { [unowned self] frame, start in self.beginSleep(frame, at: start) },
                                    end: { [unowned self] frame, start, end in self.endSleep(frame, start: start, end: end) })
        } else {
            runner = OSThread(name: name, role: .worker) { [unowned self] in
                if self.client != nil { self.runProcess() } else if self.nextBatch != nil { self.runBatches() } else { self.run() }
            }
        }
    }

    /// Whether a worker of this spec, fault plan and device would run without a thread
    /// when given a slot of its own (``SleepingWorker``).
    static func sleepsWithoutThread(_ spec: WorkerSpec, device: DeviceGate?, faults: WorkerFaults) -> Bool {
        guard case .offload = spec.cost else { return false }
        return (spec.hostCost?.nanoseconds ?? 0) == 0 && device == nil && spec.batch == nil && faults.crashes.isEmpty
    }

    /// A ``SleepingWorker``'s service start: its draw, as ``run()`` draws it; its deadline.
    private func beginSleep(_ frame: Frame, at start: UInt64) -> UInt64 {
        start &+ engine.sleepDuration(slowdown: faults.slowdown(at: start))
    }

    /// A ``SleepingWorker``'s service end: recorded and emitted as ``run()`` does (a trace
    /// records no CPU for its services: they have no thread of their own to read it from).
    private func endSleep(_ frame: Frame, start: UInt64, end: UInt64) {
        recorders[frame.streamID]?.record(frame, serviceStart: start, serviceEnd: end, cpuNanos: nil)
        emitter.emit(stream: frame.streamID, seq: frame.seq, result: engine.sleepResult(frame), at: end)
    }

    /// As ``run()`` for a batching instance: each take is a batch, served in one call, and
    /// every frame of it ends at the same instant. Read `batchSizes` and `batchWaits` after
    /// the thread ends.
    /// A loop of its own so that the one-frame loop allocates no array per service; a
    /// batch's CPU per service is not traced (one call serves several frames' rows).
    private func runBatches() {
        var crashes = faults.crashes[...]
        while true {
            let deadline = crashes.first?.at ?? .max
            let frames: [Frame], waits: [UInt64]
            switch nextBatch!(deadline) {
            case .closed: return
            case .timedOut:
                guard restart(after: crashes.removeFirst()) else { return }
                continue
            case .item(let taken):
                frames = taken.frames
                waits = taken.waits
            }
            let start = clock.now()
            if start >= window.start && start < window.end {
                batchSizes[frames.count - 1] += 1
                for wait in waits { batchWaits.record(wait) }
            }
            let result = start >= deadline ? nil
                : engine.process(frames[0], startedAt: start, slowdown: faults.slowdown(at: start), until: deadline, batchSize: frames.count)
            guard let result else {
                for frame in frames { recorders[frame.streamID]?.recordLost(frame) }
                guard restart(after: crashes.removeFirst()) else { return }
                continue
            }
            let end = clock.now()
            for frame in frames {
                recorders[frame.streamID]?.record(frame, serviceStart: start, serviceEnd: end, cpuNanos: nil)
                emitter.emit(stream: frame.streamID, seq: frame.seq, result: result, at: end)
            }
        }
    }

    private func run() {
        var crashes = faults.crashes[...]
        while true {
            let deadline = crashes.first?.at ?? .max
            let frame: Frame
            switch next(deadline) {
            case .closed: return
            case .timedOut:
                // Crashed while idle: nothing is lost.
                guard restart(after: crashes.removeFirst()) else { return }
                continue
            case .item(let taken):
                frame = taken
            }
            let start = clock.now()
            let cpuStart = tracing ? threadCPUNanos() : 0
            let result = start >= deadline ? nil
                : engine.process(frame, startedAt: start, slowdown: faults.slowdown(at: start), until: deadline)
            guard let result else {
                // Crashed with the frame in hand (or taken at the crash instant): lost.
                recorders[frame.streamID]?.recordLost(frame)
                guard restart(after: crashes.removeFirst()) else { return }
                continue
            }
            let end = clock.now()
            recorders[frame.streamID]?.record(frame, serviceStart: start, serviceEnd: end,
                                              cpuNanos: tracing ? threadCPUNanos() &- cpuStart : nil)
            emitter.emit(stream: frame.streamID, seq: frame.seq, result: result, at: end)
        }
    }

    /// A process worker: each frame goes to the child and its reply is the result (the
    /// persons it counted). A failure (the child exited, hung, wrote garbage, a truncated
    /// or oversized reply, a rejected frame) loses the frame in hand, is recorded with its
    /// reason, and ends the instance, or starts a new child when the scenario says
    /// `restart`. The child was started before the run (``startProcess()``) and is stopped
    /// when the instance ends.
    private func runProcess() {
        let client = client!
        defer { client.stop() }
        guard client.process != nil else { return }
        while true {
            let frame: Frame
            switch next(.max) {
            case .closed: return
            case .timedOut: continue
            case .item(let taken): frame = taken
            }
            let start = clock.now()
            let cpuStart = tracing ? threadCPUNanos() : 0
            let service: ProcessWorkerClient.Service
            do {
                service = try client.serve(frame)
            } catch {
                recorders[frame.streamID]?.recordLost(frame)
                let restart = client.spec.restart && !stop.isRaised
                failures.append(WorkerFailureResult(instance: runner.name, worker: spec.name, kind: error.kind.rawValue,
                                                    detail: error.detail, atNanos: clock.now(), restarted: restart))
                failureLog.log("\(error.description)\(restart ? "; restarting it" : "; the instance stops")")
                client.stop()
                guard restart else { return }
                do { try client.start() } catch {
                    failures.append(WorkerFailureResult(instance: runner.name, worker: spec.name, kind: error.kind.rawValue,
                                                        detail: error.detail, atNanos: clock.now(), restarted: false))
                    failureLog.log(error.description)
                    return
                }
                continue
            }
            let end = clock.now()
            let record = tracing ? ProcessServiceRecord(childCPUNanos: service.childCPUNanos, encodeNanos: service.encodeNanos,
                                                        workerMs: service.reply.totalMs, inferenceMs: service.reply.inferenceMs,
                                                        persons: service.reply.personCount) : nil
            recorders[frame.streamID]?.record(frame, serviceStart: start, serviceEnd: end,
                                              cpuNanos: tracing ? threadCPUNanos() &- cpuStart : nil, process: record)
            emitter.emit(stream: frame.streamID, seq: frame.seq, result: Double(service.reply.personCount), at: end)
        }
    }

    /// Starts a process worker's child, before the run's threads (a program that cannot
    /// run is refused before the run). No-op for other kinds.
    func startProcess() throws(WorkerProcessFailure) {
        try client?.start()
    }

    /// Down until the crash's restart time; false when it never restarts or the run stops.
    private func restart(after crash: (at: UInt64, restart: UInt64?)) -> Bool {
        guard let restart = crash.restart else { return false }
        return stop.sleep(until: restart)
    }
}
