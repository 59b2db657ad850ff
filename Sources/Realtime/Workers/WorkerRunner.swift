import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// One worker instance on its own thread: takes frames from its source (its own slot, or
/// a shared frame-buffer), processes each with its cost model, records telemetry and
/// emits an event, until the source closes.
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
    private(set) var thread: OSThread!

    init(name: String, spec: WorkerSpec, seed: UInt64, recorders: [Int: WorkerRecorder], emitter: EventEmitter,
         device: DeviceGate? = nil, faults: WorkerFaults = WorkerFaults(), stop: StopSignal = StopSignal(),
         next: @escaping @Sendable (UInt64) -> Taken<Frame>) {
        self.spec = spec
        self.recorders = recorders
        self.emitter = emitter
        self.next = next
        self.faults = faults
        self.stop = stop
        tracing = recorders.values.contains { $0.isTracing }
        engine = WorkerEngine(spec: spec, seed: seed, device: device)
        thread = OSThread(name: name, role: .worker) { [unowned self] in self.run() }
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

    /// Down until the crash's restart time; false when it never restarts or the run stops.
    private func restart(after crash: (at: UInt64, restart: UInt64?)) -> Bool {
        guard let restart = crash.restart else { return false }
        return stop.sleep(until: restart)
    }
}
