/// One worker instance on its own thread: takes frames from its source (its own slot, or
/// a shared frame-buffer), processes each with its cost model, records telemetry and
/// emits an event, until the source closes.
///
/// Faults: at a crash the instance stops taking frames, as if its thread had exited (a
/// frame in hand is lost, counted in its recorder); with a restart time it resumes then,
/// otherwise the thread ends. A slowdown stretches each service that starts in its span.
final class WorkerRunner: @unchecked Sendable {
    let spec: WorkerSpec
    /// Recorders by stream id: one entry for a worker of one pipeline's stream, one per
    /// stream for an instance of a shared worker kind.
    let recorders: [Int: WorkerRecorder]
    let emitter: EventEmitter
    private let next: @Sendable () -> Frame?
    private let engine: WorkerEngine
    private let faults: WorkerFaults
    private let stop: StopSignal
    private let clock = SystemClock()
    private(set) var thread: OSThread!

    init(name: String, spec: WorkerSpec, seed: UInt64, recorders: [Int: WorkerRecorder], emitter: EventEmitter,
         device: DeviceGate? = nil, faults: WorkerFaults = WorkerFaults(), stop: StopSignal = StopSignal(),
         next: @escaping @Sendable () -> Frame?) {
        self.spec = spec
        self.recorders = recorders
        self.emitter = emitter
        self.next = next
        self.faults = faults
        self.stop = stop
        engine = WorkerEngine(spec: spec, seed: seed, device: device)
        thread = OSThread(name: name, role: .worker) { [unowned self] in self.run() }
    }

    private func run() {
        var crashes = faults.crashes[...]
        while let frame = next() {
            let start = clock.now()
            if let crash = crashes.first, start >= crash.at {
                // Crashed while waiting for this frame: it is lost with the worker.
                recorders[frame.streamID]?.recordLost(frame)
                crashes.removeFirst()
                guard let restart = crash.restart, stop.sleep(until: restart) else { return }
                continue
            }
            let result = engine.process(frame, startedAt: start, slowdown: faults.slowdown(at: start))
            let end = clock.now()
            if let crash = crashes.first, end >= crash.at {
                // Crashed during the service: no result.
                recorders[frame.streamID]?.recordLost(frame)
                crashes.removeFirst()
                guard let restart = crash.restart, stop.sleep(until: restart) else { return }
                continue
            }
            recorders[frame.streamID]?.record(frame, serviceStart: start, serviceEnd: end)
            emitter.emit(stream: frame.streamID, seq: frame.seq, result: result, at: end)
        }
    }
}
