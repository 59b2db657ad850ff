/// docs/queueing.md §8's closed forms: what each of N saturated streams (every stream
/// always has a frame waiting when the instance takes) gets from one instance of a kind
/// shared through latest-frame slots, served round-robin. The tests check the simulator
/// against them; the report sets them beside measured runs.
public enum BatchingClosedForm {
    /// One frame a call, mean service S seconds: each stream is served at 1/(N·S).
    public static func oneAtATime(streams: Int, service: Double) -> Double {
        precondition(streams >= 1 && service > 0, "N ≥ 1 streams and a service time above 0")
        return 1 / (Double(streams) * service)
    }

    /// Batches of up to B with mean service L(b) seconds for b frames: N ≤ B, every batch
    /// holds all N frames and each stream is served at 1/L(N); N > B, full batches in turn,
    /// B/(N·L(B)). Assumes the wait limit τ shorter than a batch's service (the oldest
    /// frame has waited it by the time the instance frees), as it is when streams saturate.
    public static func batching(max: Int, streams: Int, service: (Int) -> Double) -> Double {
        precondition(streams >= 1 && max >= 1, "N ≥ 1 streams and B ≥ 1")
        if streams <= max { return 1 / service(streams) }
        return Double(max) / (Double(streams) * service(max))
    }
}

extension WorkerSpec {
    /// The mean service, in seconds, of a call serving `size` frames: the host's part (its
    /// `host-cost`) plus the accelerator's, L(size) from the mean solo draw (L(1) = the
    /// mean service without a batch), at `speed` (a device's per-job speed at the one job
    /// it runs). Nil for `pixels`, which has no service-time model.
    public func meanCallSeconds(size: Int = 1, speed: Double = 1) -> Double? {
        guard let solo = cost.meanServiceNanos, solo > 0, speed > 0 else { return nil }
        let main = batch.map { Double($0.duration(solo: UInt64(solo.rounded()), size: size)) } ?? solo
        return (main / speed + Double(hostCost?.nanoseconds ?? 0)) / 1e9
    }

    /// §8: frames a second each of `streams` saturated streams gets from one instance of
    /// this kind — batching if it batches, one frame a call otherwise. Nil without a
    /// service-time model.
    public func saturatedServedFPS(streams: Int, speed: Double = 1) -> Double? {
        guard let one = meanCallSeconds(speed: speed) else { return nil }
        guard let batch else { return BatchingClosedForm.oneAtATime(streams: streams, service: one) }
        return BatchingClosedForm.batching(max: batch.max, streams: streams) { meanCallSeconds(size: $0, speed: speed)! }
    }
}
