import Random

/// A worker kind on an accelerator that serves frames of several streams in one call
/// (docs/queueing.md §8; Triton's dynamic batcher, DeepStream's nvstreammux): at most
/// `max` frames, a partial batch launched once its oldest frame has waited `wait`, and a
/// batch of b frames taking L(b): the worker's drawn service S for one frame, plus
/// (b − 1)·`extra`, or S scaled by `curve[b − 1] / curve[0]`. Every frame of a batch ends
/// at the same instant.
public struct BatchSpec: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Time: Sendable, Equatable, Codable {
        /// L(b) = S + (b − 1)·extra.
        case linear(extra: Duration)
        /// L(b) = S · curve[b − 1] / curve[0]: the total time of a batch of b, relative.
        case curve([Double])
    }

    public var max: Int
    public var wait: Duration
    public var time: Time
    /// Device memory a batch needs per frame, beyond the model's (GB).
    public var memoryGBPerFrame: Double

    public init(max: Int, wait: Duration, time: Time = .linear(extra: .seconds(0)), memoryGBPerFrame: Double = 0) {
        self.max = max
        self.wait = wait
        self.time = time
        self.memoryGBPerFrame = memoryGBPerFrame
    }

    /// A batch of `size` frames whose first frame alone would take `solo`.
    @inlinable
    public func duration(solo: UInt64, size: Int) -> UInt64 {
        switch time {
        case .linear(let extra): return solo &+ UInt64(size - 1) &* extra.nanoseconds
        case .curve(let curve): return UInt64((Double(solo) * curve[size - 1] / curve[0]).rounded())
        }
    }

    /// Device memory of one instance with a full batch, GB.
    public func memoryGB(model: Double) -> Double { model + Double(max) * memoryGBPerFrame }

    /// What is wrong with it, if anything.
    public func problem() -> String? {
        guard (1...256).contains(max) else { return "a maximum batch from 1 to 256 frames (max: \(max))" }
        guard memoryGBPerFrame.isFinite, memoryGBPerFrame >= 0 else { return "memory per frame ≥ 0 GB" }
        if case .curve(let curve) = time {
            guard curve.count >= max else { return "a curve with a time for every batch size up to max (\(curve.count) for max \(max))" }
            guard curve.allSatisfy({ $0.isFinite && $0 > 0 }) else { return "curve times above 0" }
            if let falls = curve.indices.dropFirst().first(where: { curve[$0] < curve[$0 - 1] }) {
                return "a curve whose total time never falls with size (\(format3(curve[falls - 1])) for \(falls), \(format3(curve[falls])) for \(falls + 1))"
            }
        }
        return nil
    }

    public var description: String {
        let time: String
        switch self.time {
        case .linear(let extra): time = "L(b) = S + (b − 1)·\(extra)"
        case .curve(let curve): time = "L(b) = S × curve(" + curve.map(format3).joined(separator: ", ") + ")"
        }
        return "batches of up to \(max), wait \(wait), \(time)" + (memoryGBPerFrame > 0 ? ", \(format3(memoryGBPerFrame)) GB a frame" : "")
    }
}

/// When a batching worker launches, as a pure value (no clock: every call says what time
/// it is; the realtime frame-buffer calls it under its lock, the simulator in virtual
/// time). It tracks since when each slot has held a frame, so the wait limit counts from
/// the moment a stream first had something waiting — an overwrite keeps the stream's place.
/// It also tracks when the frame each slot holds now arrived, for that frame's wait for
/// its batch (``wait(slot:launchedAt:freeSince:)``).
public struct BatchFormation: Sendable {
    public enum Decision: Equatable, Sendable {
        /// Take this many frames now.
        case launch(Int)
        /// Nothing to launch before this instant, unless more frames arrive.
        case wait(until: UInt64)
        /// Nothing waits.
        case idle
    }

    public let spec: BatchSpec
    private var since: [UInt64?]
    /// When the frame a slot holds arrived (an overwrite's newer frame: its own arrival).
    private var arrived: [UInt64]

    public init(spec: BatchSpec, slots: Int) {
        self.spec = spec
        since = Array(repeating: nil, count: slots)
        arrived = Array(repeating: 0, count: slots)
    }

    /// Slot `slot` took a frame while empty (`stored`), at `now`.
    public mutating func stored(slot: Int, at now: UInt64) {
        if since[slot] == nil { since[slot] = now }
        arrived[slot] = now
    }

    /// Slot `slot`'s waiting frame was overwritten by a newer one at `now`: the stream keeps
    /// its place (`since`), the frame that will ride the batch arrived now.
    public mutating func replaced(slot: Int, at now: UInt64) { arrived[slot] = now }

    /// Slot `slot`'s frame was taken (or discarded at close).
    public mutating func emptied(slot: Int) { since[slot] = nil }

    /// With `waiting` frames waiting at `now`: launch a full batch, or a partial one whose
    /// oldest frame has waited the limit; else wait for it.
    public func decide(waiting: Int, now: UInt64) -> Decision {
        guard waiting > 0 else { return .idle }
        if waiting >= spec.max { return .launch(spec.max) }
        let oldest = since.lazy.compactMap { $0 }.min() ?? now
        let due = oldest &+ spec.wait.nanoseconds
        return now >= due ? .launch(waiting) : .wait(until: due)
    }

    /// The wait for its batch of the frame slot `slot` holds, launched at `now` by an
    /// instance free to take since `freeSince` (its last service's end, or its start): from
    /// the later of the two — until then the frame waited for a busy instance, not for its
    /// batch — to the launch. Read it before ``emptied(slot:)``. A part of the frame's age;
    /// 0 for a full batch an instance takes as it frees, τ for a lone frame on an idle one.
    public func wait(slot: Int, launchedAt now: UInt64, freeSince: UInt64) -> UInt64 {
        let from = Swift.max(arrived[slot], freeSince)
        return now > from ? now - from : 0
    }
}
