/// One worker instance on its own thread: blocks on its slot, processes each frame with
/// its cost model, records telemetry and emits an event, until the slot closes.
final class WorkerRunner: @unchecked Sendable {
    let pipeline: Int
    let spec: WorkerSpec
    let reader: FrameReader
    let recorder: WorkerRecorder
    let emitter: EventEmitter
    private let engine: WorkerEngine
    private let clock = SystemClock()
    private(set) var thread: OSThread!

    init(pipeline: Int, spec: WorkerSpec, reader: FrameReader, seed: UInt64, recorder: WorkerRecorder, emitter: EventEmitter) {
        self.pipeline = pipeline
        self.spec = spec
        self.reader = reader
        self.recorder = recorder
        self.emitter = emitter
        engine = WorkerEngine(spec: spec, seed: seed)
        thread = OSThread(name: "worker-\(pipeline)", role: .worker) { [unowned self] in self.run() }
    }

    private func run() {
        while let frame = reader.read() {
            let start = clock.now()
            let result = engine.process(frame, startedAt: start)
            let end = clock.now()
            recorder.record(frame, serviceStart: start, serviceEnd: end)
            emitter.emit(stream: frame.streamID, seq: frame.seq, result: result, at: end)
        }
    }
}
