import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Multiplexes N streams onto a shared worker kind (option C's FrameBuffer): one slot
/// per stream (overwrite or drop-new) and a scheduling policy across streams, behind one
/// mutex and condition variable. Each stream's supplier delivers into its ``intake(for:)``,
/// which looks like an ordinary worker's slot; K worker instances `take()` from it.
///
/// ```
///  supplier(s1) ──► intake s1 ─┐
///  supplier(s2) ──► intake s2 ─┼─► [policy: fifo | round-robin | priority] ──► take() × K instances
///  supplier(sN) ──► intake sN ─┘
/// ```
///
/// The decision logic is ``FrameBufferPolicy``, shared with any simulator.
public final class FrameBuffer: FrameSink, @unchecked Sendable {
    private let lock = ConditionLock()
    private let clock: any NanoClock
    private var policy: FrameBufferPolicy<Frame>
    private let index: [Int: Int]
    public let streams: [Int]
    private var blocked = 0
    private var lastTaken: [(at: UInt64, seq: UInt64)?]
    private let createdAt: UInt64
    /// A batching kind's launch decisions (nil: one frame a take).
    private var formation: BatchFormation?
    /// Takes that have reached the buffer so far (every call counts), and the word a thread
    /// in ``waitForTakes(_:until:)`` sleeps on, advanced only while someone does.
    private var takes = 0
    private var takeWatchers = 0
    private let tookWord = WakeWord()

    /// With `sharedSlot`, every stream delivers into one slot, so a frame of one stream
    /// overwrites another's: the original's single worker slot in option B.
    public let sharedSlot: Bool

    public init(streams: [Int], slotPolicy: SlotPolicy, scheduling: SchedulingPolicy, sharedSlot: Bool = false,
                batch: BatchSpec? = nil, clock: any NanoClock = SystemClock()) {
        self.streams = streams
        self.clock = clock
        self.sharedSlot = sharedSlot
        index = Dictionary(uniqueKeysWithValues: streams.enumerated().map { ($1, sharedSlot ? 0 : $0) })
        let slots = sharedSlot ? 1 : streams.count
        policy = FrameBufferPolicy(streams: slots, slotPolicy: slotPolicy, scheduling: scheduling)
        lastTaken = Array(repeating: nil, count: slots)
        createdAt = clock.now()
        formation = batch.map { BatchFormation(spec: $0, slots: slots) }
    }

    /// The sink that stream `stream`'s supplier delivers into.
    public func intake(for stream: Int) -> FrameBufferIntake {
        precondition(index[stream] != nil, "stream \(stream) is not served by this frame-buffer")
        return FrameBufferIntake(buffer: self, stream: stream)
    }

    /// Delivers a frame into its own stream's slot (a frame-buffer fed by one supplier
    /// that carries every stream: option B's pools and per-stream inbox).
    @discardableResult
    public func offer(_ frame: Frame) -> Bool { offer(frame, stream: frame.streamID) }

    fileprivate func offer(_ frame: Frame, stream: Int) -> Bool {
        lock.lock()
        let slot = index[stream]!
        let outcome = policy.offer(frame, stream: slot)
        if formation != nil {
            if outcome == .stored { formation!.stored(slot: slot, at: clock.now()) }
            else if outcome == .droppedWaiting { formation!.replaced(slot: slot, at: clock.now()) }
        }
        if outcome != .ignoredClosed && blocked > 0 { lock.signal() }
        lock.unlock()
        return outcome == .stored
    }

    /// Blocks until some stream has a frame, then returns the one the policy picks; nil
    /// once every stream's intake is closed.
    public func take() -> Frame? {
        lock.lock()
        defer { lock.unlock() }
        countTake()
        while true {
            if let frame = nextLocked() { return frame }
            if policy.isClosed { return nil }
            blocked += 1
            lock.wait()
            blocked -= 1
        }
    }

    /// As ``take()``, but gives up once the monotonic `deadline` has passed.
    public func take(until deadline: UInt64) -> Taken<Frame> {
        lock.lock()
        defer { lock.unlock() }
        countTake()
        while true {
            if let frame = nextLocked() { return .item(frame) }
            if policy.isClosed { return .closed }
            if clock.now() >= deadline { return .timedOut }
            blocked += 1
            _ = lock.wait(untilMonotonic: deadline)
            blocked -= 1
        }
    }

    /// With the lock held, on entering a take: a watcher learns of it once this thread
    /// has released the lock, that is, once it waits in the buffer or has left with a frame.
    @inline(__always)
    private func countTake() {
        takes += 1
        if takeWatchers > 0 {
            tookWord.advance()
            tookWord.wakeAll()
        }
    }

    /// Blocks until `count` takes have reached the buffer, or the monotonic `deadline`
    /// passes. The real-time executor starts a shared kind's instances one at a time, each
    /// after the one before has reached the buffer: the instances idle together at the start
    /// then wait in instance order, and the condition variable hands the first frames to them
    /// in that order (the longest waiter first), as the simulation hands a frame to the
    /// first idle instance. Each instance draws its services from a generator of its own, so
    /// this decides which services the run's frames get.
    public func waitForTakes(_ count: Int, until deadline: UInt64) {
        lock.lock()
        takeWatchers += 1
        while takes < count && clock.now() < deadline {
            let ticket = tookWord.ticket
            lock.unlock()
            tookWord.wait(whileTicket: ticket, until: deadline)
            lock.lock()
        }
        takeWatchers -= 1
        lock.unlock()
    }

    /// The frame the policy picks, with the lock held.
    private func nextLocked() -> Frame? {
        guard let (slot, frame) = policy.next() else { return nil }
        lastTaken[slot] = (clock.now(), frame.seq)
        formation?.emptied(slot: slot)
        return frame
    }

    /// A batching instance's take: blocks until the formation launches a batch (a full
    /// one, or a partial one whose oldest frame has waited the limit, on the monotonic
    /// clock), the buffer closes or the monotonic `deadline` passes. The caller is free
    /// to serve from the moment it calls: each frame's wait for its batch counts from
    /// then at the earliest.
    public func takeBatch(until deadline: UInt64) -> Taken<FrameBatch> {
        lock.lock()
        defer { lock.unlock() }
        countTake()
        let free = clock.now()
        while true {
            let wake: UInt64
            let now = clock.now()
            switch formation!.decide(waiting: policy.waiting, now: now) {
            case .launch(let size):
                var batch = FrameBatch(frames: [], waits: [])
                batch.frames.reserveCapacity(size)
                batch.waits.reserveCapacity(size)
                while batch.frames.count < size, let (slot, frame) = policy.next() {
                    batch.waits.append(formation!.wait(slot: slot, launchedAt: now, freeSince: free))
                    lastTaken[slot] = (now, frame.seq)
                    formation!.emptied(slot: slot)
                    batch.frames.append(frame)
                }
                if !batch.frames.isEmpty { return .item(batch) }
                wake = deadline
            case .wait(let until): wake = min(until, deadline)
            case .idle: wake = deadline
            }
            if policy.isClosed { return .closed }
            if clock.now() >= deadline { return .timedOut }
            blocked += 1
            _ = lock.wait(untilMonotonic: wake)
            blocked -= 1
        }
    }

    fileprivate func close(stream: Int) {
        lock.withLock {
            policy.close(stream: index[stream]!)
            formation?.emptied(slot: index[stream]!)
            // Instances blocked in take() re-check whether everything is closed.
            lock.broadcast()
        }
    }

    /// Closes every stream: waiting frames are discarded and blocked instances return nil.
    public func close() {
        lock.withLock {
            for slot in policy.slots.indices {
                policy.close(stream: slot)
                formation?.emptied(slot: slot)
            }
            lock.broadcast()
        }
    }

    /// All streams' slots added up, last read by the most recent of them.
    public func snapshot() -> MailboxSnapshot {
        let perStream = sharedSlot ? [snapshot(stream: streams[0])] : streams.map { snapshot(stream: $0) }
        let latest = perStream.max { ($0.lastTakenAt ?? 0) < ($1.lastTakenAt ?? 0) }!
        return MailboxSnapshot(counts: .sum(perStream.map(\.counts)), lastTakenAt: latest.lastTakenAt,
                               lastTakenSeq: latest.lastTakenSeq, createdAt: createdAt, blockedReaders: latest.blockedReaders)
    }

    public func snapshot(stream: Int) -> MailboxSnapshot {
        lock.withLock {
            let slot = policy.slots[index[stream]!], taken = lastTaken[index[stream]!]
            return MailboxSnapshot(counts: slot.counts, lastTakenAt: taken?.at, lastTakenSeq: taken?.seq,
                                   createdAt: createdAt, blockedReaders: blocked)
        }
    }

    /// Frames served per slot (per stream, in the order of `streams`, unless shared).
    public var served: [UInt64] { lock.withLock { policy.served } }
}

/// One stream's way into a ``FrameBuffer``: a ``FrameSink`` a supplier delivers to.
public final class FrameBufferIntake: FrameSink, @unchecked Sendable {
    public let buffer: FrameBuffer
    public let stream: Int

    init(buffer: FrameBuffer, stream: Int) {
        self.buffer = buffer
        self.stream = stream
    }

    @discardableResult
    public func offer(_ frame: Frame) -> Bool { buffer.offer(frame, stream: stream) }
    public func close() { buffer.close(stream: stream) }
    public func snapshot() -> MailboxSnapshot { buffer.snapshot(stream: stream) }
}

/// What a batching instance takes at once: the frames of one batch, and each one's wait
/// for it in nanoseconds (``BatchFormation/wait(slot:launchedAt:freeSince:)``).
public struct FrameBatch: Sendable {
    public var frames: [Frame]
    public var waits: [UInt64]
}
