/// Performs a worker's cost model on real time and real CPU: the effectful side of
/// ``CostModel``. One per worker thread (it owns that thread's seeded generator).
public final class WorkerEngine {
    public let spec: WorkerSpec
    private let random: GSLRandom
    private var motion = MotionScorer()

    public init(spec: WorkerSpec, seed: UInt64) {
        self.spec = spec
        random = GSLRandom(seed: seed)
    }

    /// Processes one frame on the calling thread and returns the worker's result.
    /// `offload` and `cpu` workers do not analyse the image: their result is the centre
    /// pixel's first byte, which proves the shared buffer was readable.
    public func process(_ frame: Frame, startedAt start: UInt64) -> Double {
        switch spec.cost {
        case .offload(let distribution):
            sleepUntilMonotonic(start &+ distribution.sample(random))
            return centreSample(frame)
        case .cpu(let distribution):
            let budget = distribution.sample(random)
            let cpuStart = threadCPUNanos()
            while threadCPUNanos() &- cpuStart < budget {}
            return centreSample(frame)
        case .pixels:
            return motion.score(frame)
        }
    }

    private func centreSample(_ frame: Frame) -> Double {
        let bytes = frame.pixels.bytes
        guard !bytes.isEmpty else { return 0 }
        let offset = (frame.height / 2 * frame.width + frame.width / 2) * (frame.format == .rgb24 ? 3 : 1)
        return Double(bytes[min(offset, bytes.count - 1)])
    }
}
