import ScaleBenchCore
import Random

/// A pipeline's FrameSupplier in virtual time: its inbox (the original's single slot, or
/// option B's per-stream ``FrameBufferPolicy``) and the slots it fans out to.
///
/// The distribution loop is instantaneous here, so a published frame is taken from the
/// inbox at the instant it arrives and the inbox never drops one (the closed forms of
/// docs/queueing.md assume the same). The inbox still runs through the pure policies, so its
/// accounting line is the realtime one.
struct VirtualSupplier {
    // What a published frame reads comes first (declaration order is the layout's): the
    // single inbox, the counters and the subscribers; option B's per-stream inbox after.
    // One of the two inboxes is set. Optionals rather than an enum with payloads, so
    // the policies mutate in place (an enum payload would be copied, arrays and all,
    // on every frame).
    private var single: LatestFrameSlot<VirtualFrame>?
    /// Frames distributed: the last seq assigned.
    var distributed: UInt64 = 0
    var chunkedFanOuts: UInt64 = 0
    /// Whether a fan-out to this many subscribers would be split into chunks in real
    /// time. Delivery is instantaneous here either way; only the count is kept.
    let chunked: Bool
    /// Indices of the own workers' slots, in subscription order: consecutive, so a range
    /// (iterating it per frame costs no reference counting, as an array would).
    var workerSlots: Range<Int> = 0..<0
    /// The shared frame-buffers subscribed to this supplier: a range of the run's
    /// ``VirtualRun/attachedBuffers`` (a range for the same reason as `workerSlots`).
    var frameBuffers: Range<Int> = 0..<0
    private var perStream: FrameBufferPolicy<VirtualFrame>?
    /// Each stream's slot index in the per-stream inbox, indexed by stream id.
    private let slotOf: [Int]

    init(plan: PipelinePlan, streamCount: Int, subscribers: Int, fanOutThreshold: Int) {
        switch plan.inbox {
        case .single:
            single = LatestFrameSlot(policy: .overwrite)
            slotOf = []
        case .perStream(let streams, let scheduling):
            perStream = FrameBufferPolicy(streams: streams.count, slotPolicy: .overwrite, scheduling: scheduling)
            slotOf = positions(of: streams, among: streamCount)
        }
        chunked = FanOutPlan(workerCount: subscribers, threshold: fanOutThreshold) != .sequential
    }

    mutating func publish(_ frame: VirtualFrame) {
        if single != nil {
            single!.offer(frame)
        } else {
            perStream!.offer(frame, stream: slotOf[frame.stream])
        }
    }

    /// The distribution loop's next frame, numbered and stamped; nil when the inbox is empty.
    mutating func takeForDistribution(at now: UInt64) -> VirtualFrame? {
        var taken: VirtualFrame?
        if single != nil {
            if case .item(let frame) = single!.take() { taken = frame }
        } else {
            taken = perStream!.next()?.item
        }
        guard let frame = taken else { return nil }
        return stamped(frame, at: now)
    }

    /// As ``publish(_:)`` then ``takeForDistribution(at:)`` when the inbox is a single slot,
    /// open and empty (as it is whenever a frame arrives, the loop taking each at once):
    /// the frame numbered and stamped; nil, with nothing done, otherwise.
    @inline(__always)
    mutating func passThrough(_ frame: VirtualFrame, at now: UInt64) -> VirtualFrame? {
        guard single != nil, let frame = single!.passThrough(frame) else { return nil }
        return stamped(frame, at: now)
    }

    @inline(__always)
    private mutating func stamped(_ taken: VirtualFrame, at now: UInt64) -> VirtualFrame {
        var frame = taken
        distributed += 1
        frame.seq = distributed
        frame.distributedAt = now
        if chunked { chunkedFanOuts += 1 }
        return frame
    }

    mutating func close() {
        if single != nil {
            single!.close()
        } else {
            for index in perStream!.slots.indices { perStream!.close(stream: index) }
        }
    }

    /// The inbox's counters (a per-stream inbox's slots added up).
    var inboxCounts: SlotCounts { single.map(\.counts) ?? .sum(perStream!.slots.map(\.counts)) }
}

/// A shared worker kind's frame-buffer (option C, and option B's pools): the pure
/// ``FrameBufferPolicy`` with one slot per stream, or one slot for all streams (option B's
/// single inbox), and the instances that take from it.
struct VirtualFrameBuffer {
    var policy: FrameBufferPolicy<VirtualFrame>
    /// Slot index of each stream (all 0 for a shared slot), indexed by stream id.
    let slotOf: [Int]
    /// Indices of the worker instances taking from this buffer: consecutive, a range.
    let instances: Range<Int>
    /// A batching kind's launch decisions (nil: one frame a service), when its pending
    /// wait-limit check fires, and the window's batches by size and their frames' waits.
    var formation: BatchFormation?
    var batchWaitAt: UInt64?
    var batchSizes: [UInt64] = []
    var batchWaits = LatencyHistogram()

    init(instance: RunInstances.FrameBuffer, streamCount: Int) {
        let plan = instance.plan
        instances = instance.workers
        slotOf = positions(of: plan.streams, among: streamCount).map { instance.plan.sharedSlot && $0 >= 0 ? 0 : $0 }
        policy = FrameBufferPolicy(streams: instance.slotCount, slotPolicy: plan.slotPolicy, scheduling: plan.scheduling)
        if let batch = plan.spec.batch {
            formation = BatchFormation(spec: batch, slots: instance.slotCount)
            batchSizes = Array(repeating: 0, count: batch.max)
        }
    }

    mutating func offer(_ frame: VirtualFrame, at now: UInt64) {
        let slot = slotOf[frame.stream]
        let outcome = policy.offer(frame, stream: slot)
        guard formation != nil else { return }
        if outcome == .stored {
            formation!.stored(slot: slot, at: now)
        } else if outcome == .droppedWaiting {
            formation!.replaced(slot: slot, at: now)
        }
    }

    /// The next frame the scheduling policy picks.
    mutating func next() -> VirtualFrame? {
        guard let (slot, frame) = policy.next() else { return nil }
        formation?.emptied(slot: slot)
        return frame
    }

    /// The next frame of a batch launched at `now` by an instance free since `freeSince`,
    /// its wait for the batch recorded when the launch is in the measured window.
    mutating func nextInBatch(at now: UInt64, freeSince: UInt64, inWindow: Bool) -> VirtualFrame? {
        guard let (slot, frame) = policy.next() else { return nil }
        if inWindow { batchWaits.record(formation!.wait(slot: slot, launchedAt: now, freeSince: freeSince)) }
        formation!.emptied(slot: slot)
        return frame
    }

    mutating func close() {
        for index in policy.slots.indices {
            policy.close(stream: index)
            formation?.emptied(slot: index)
        }
    }
}

/// The position of each of `streams` in that list, indexed by stream id in `0..<count`
/// (−1: not listed): the per-frame lookup of a slot, without hashing.
private func positions(of streams: [Int], among count: Int) -> [Int] {
    var positions = Array(repeating: -1, count: count)
    for (position, stream) in streams.enumerated() { positions[stream] = position }
    return positions
}
