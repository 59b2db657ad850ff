/// One worker instance on its own thread: takes frames from its source (its own slot, or
/// a shared frame-buffer), processes each with its cost model, records telemetry and
/// emits an event, until the source closes.
final class WorkerRunner: @unchecked Sendable {
    let spec: WorkerSpec
    /// Recorders by stream id: one entry for a worker of one pipeline's stream, one per
    /// stream for an instance of a shared worker kind.
    let recorders: [Int: WorkerRecorder]
    let emitter: EventEmitter
    private let next: @Sendable () -> Frame?
    private let engine: WorkerEngine
    private let clock = SystemClock()
    private(set) var thread: OSThread!

    init(name: String, spec: WorkerSpec, seed: UInt64, recorders: [Int: WorkerRecorder], emitter: EventEmitter,
         next: @escaping @Sendable () -> Frame?) {
        self.spec = spec
        self.recorders = recorders
        self.emitter = emitter
        self.next = next
        engine = WorkerEngine(spec: spec, seed: seed)
        thread = OSThread(name: name, role: .worker) { [unowned self] in self.run() }
    }

    private func run() {
        while let frame = next() {
            let start = clock.now()
            let result = engine.process(frame, startedAt: start)
            let end = clock.now()
            recorders[frame.streamID]?.record(frame, serviceStart: start, serviceEnd: end)
            emitter.emit(stream: frame.streamID, seq: frame.seq, result: result, at: end)
        }
    }
}
