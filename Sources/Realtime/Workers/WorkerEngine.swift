import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Performs a worker's cost model on real time and real CPU: the effectful side of
/// ``CostModel``. One per worker thread (it owns that thread's seeded generator).
public final class WorkerEngine {
    public let spec: WorkerSpec
    private let random: GSLRandom
    /// An `offload` or `cpu` worker's service distribution, its parameters derived once and
    /// its place in a `sequence` kept from one service to the next.
    private let sampler: ServiceDistribution.Sampler?
    private var motion = MotionScorer()

    /// Where `offload` jobs run: sharing its capacity with the other jobs on it. Nil:
    /// an accelerator of its own (the job sleeps for its service time).
    private let device: DeviceGate?

    public init(spec: WorkerSpec, seed: UInt64, device: DeviceGate? = nil, sequence: SequencePosition = SequencePosition()) {
        self.spec = spec
        random = GSLRandom(seed: seed, algorithm: .taus2)
        self.device = device
        switch spec.cost {
        case .offload(let distribution), .cpu(let distribution): sampler = ServiceDistribution.Sampler(distribution, position: sequence)
        case .pixels, .process: sampler = nil
        }
    }

    /// Processes one frame on the calling thread and returns the worker's result, or nil
    /// when the monotonic `deadline` (the instance's next crash) came first: then the
    /// job stopped at the deadline (see ``WorkerFaults`` for the semantics).
    /// `offload` and `cpu` workers do not analyse the image: their result is the centre
    /// pixel's first byte, which proves the shared buffer was readable.
    /// `slowdown` stretches the service (a fault): × the sampled time, or for `pixels`
    /// spinning for (slowdown − 1) × what the real work took.
    public func process(_ frame: Frame, startedAt start: UInt64, slowdown: Double = 1, until deadline: UInt64 = .max,
                        batchSize: Int = 1) -> Double? {
        switch spec.cost {
        case .offload:
            var work = UInt64(Double(sampler!.sample(random)) * slowdown)
            // A batch: one call for all its frames, L(b) from the first frame's draw.
            if batchSize > 1, let batch = spec.batch { work = batch.duration(solo: work, size: batchSize) }
            // The host's part (pre- and post-processing, IPC): CPU on this thread.
            guard spin(hostHalf, until: deadline) else { return nil }
            if let device {
                guard device.run(work: work, until: deadline) else { return nil }
            } else {
                let accelerated = monotonicNanos()
                sleepUntilMonotonic(min(accelerated &+ work, deadline))
                if accelerated &+ work > deadline { return nil }
            }
            guard spin(hostHalf, until: deadline) else { return nil }
            return centreSample(frame)
        case .cpu:
            guard spin(UInt64(Double(sampler!.sample(random)) * slowdown), until: deadline) else { return nil }
            return centreSample(frame)
        case .pixels:
            // Real work cannot stop half-way: it finishes and is discarded after a crash.
            let cpuStart = threadCPUNanos()
            let score = motion.score(frame)
            if slowdown > 1 {
                let extra = UInt64(Double(threadCPUNanos() &- cpuStart) * (slowdown - 1)), spinStart = threadCPUNanos()
                while threadCPUNanos() &- spinStart < extra {}
            }
            return monotonicNanos() >= deadline ? nil : score
        case .process:
            // Served by its runner through its child (``ProcessWorkerClient``), never here.
            preconditionFailure("a process worker's frames go to its child")
        }
    }

    /// The sleep of an `offload` service with no host cost on an accelerator of its own
    /// (a ``SleepingWorker``'s): drawn as ``process(_:startedAt:slowdown:until:batchSize:)``
    /// draws it, from the same generator, so that either way of running the worker gives
    /// the same services.
    public func sleepDuration(slowdown: Double = 1) -> UInt64 {
        UInt64(Double(sampler!.sample(random)) * slowdown)
    }

    /// The result of a sleeping service (see ``process(_:startedAt:slowdown:until:batchSize:)``).
    public func sleepResult(_ frame: Frame) -> Double { centreSample(frame) }

    /// Half the host cost of an offload service, spent before and after the accelerator.
    private var hostHalf: UInt64 { (spec.hostCost?.nanoseconds ?? 0) / 2 }

    /// Spins until this thread's CPU clock has advanced by `budget`; false when the
    /// monotonic `deadline` came first.
    private func spin(_ budget: UInt64, until deadline: UInt64) -> Bool {
        guard budget > 0 else { return true }
        let cpuStart = threadCPUNanos()
        while threadCPUNanos() &- cpuStart < budget {
            if deadline != .max, monotonicNanos() >= deadline { return false }
        }
        return true
    }

    private func centreSample(_ frame: Frame) -> Double {
        let layout = frame.pixels.layout
        guard layout.width > 0, layout.height > 0 else { return 0 }
        let bytesPerPixel = layout.format == .rgb24 ? 3 : 1
        return Double(frame.pixels.bytes[layout.offset(plane: 0, row: layout.height / 2, column: layout.width / 2 * bytesPerPixel)])
    }
}
