/// Performs a worker's cost model on real time and real CPU: the effectful side of
/// ``CostModel``. One per worker thread (it owns that thread's seeded generator).
public final class WorkerEngine {
    public let spec: WorkerSpec
    private let random: GSLRandom
    private var motion = MotionScorer()

    /// Where `offload` jobs run: sharing its capacity with the other jobs on it. Nil:
    /// an accelerator of its own (the job sleeps for its service time).
    private let device: DeviceGate?

    public init(spec: WorkerSpec, seed: UInt64, device: DeviceGate? = nil) {
        self.spec = spec
        random = GSLRandom(seed: seed, algorithm: .taus2)
        self.device = device
    }

    /// Processes one frame on the calling thread and returns the worker's result.
    /// `offload` and `cpu` workers do not analyse the image: their result is the centre
    /// pixel's first byte, which proves the shared buffer was readable.
    /// `slowdown` stretches the service (a fault): × the sampled time, or for `pixels`
    /// spinning for (slowdown − 1) × what the real work took.
    public func process(_ frame: Frame, startedAt start: UInt64, slowdown: Double = 1) -> Double {
        switch spec.cost {
        case .offload(let distribution):
            let work = UInt64(Double(distribution.sample(random)) * slowdown)
            if let device {
                device.run(work: work)
            } else {
                sleepUntilMonotonic(start &+ work)
            }
            return centreSample(frame)
        case .cpu(let distribution):
            let budget = UInt64(Double(distribution.sample(random)) * slowdown)
            let cpuStart = threadCPUNanos()
            while threadCPUNanos() &- cpuStart < budget {}
            return centreSample(frame)
        case .pixels:
            let cpuStart = threadCPUNanos()
            let score = motion.score(frame)
            if slowdown > 1 {
                let extra = UInt64(Double(threadCPUNanos() &- cpuStart) * (slowdown - 1)), spinStart = threadCPUNanos()
                while threadCPUNanos() &- spinStart < extra {}
            }
            return score
        }
    }

    private func centreSample(_ frame: Frame) -> Double {
        let bytes = frame.pixels.bytes
        guard !bytes.isEmpty else { return 0 }
        let offset = (frame.height / 2 * frame.width + frame.width / 2) * (frame.format == .rgb24 ? 3 : 1)
        return Double(bytes[min(offset, bytes.count - 1)])
    }
}
