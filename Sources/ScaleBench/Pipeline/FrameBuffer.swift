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
public final class FrameBuffer: @unchecked Sendable {
    private let lock = ConditionLock()
    private let clock: any NanoClock
    private var policy: FrameBufferPolicy<Frame>
    private let index: [Int: Int]
    public let streams: [Int]
    private var blocked = 0
    private var lastTaken: [(at: UInt64, seq: UInt64)?]
    private let createdAt: UInt64

    public init(streams: [Int], slotPolicy: SlotPolicy, scheduling: SchedulingPolicy, clock: any NanoClock = SystemClock()) {
        self.streams = streams
        self.clock = clock
        index = Dictionary(uniqueKeysWithValues: streams.enumerated().map { ($1, $0) })
        policy = FrameBufferPolicy(streams: streams.count, slotPolicy: slotPolicy, scheduling: scheduling)
        lastTaken = Array(repeating: nil, count: streams.count)
        createdAt = clock.now()
    }

    /// The sink that stream `stream`'s supplier delivers into.
    public func intake(for stream: Int) -> FrameBufferIntake {
        precondition(index[stream] != nil, "stream \(stream) is not served by this frame-buffer")
        return FrameBufferIntake(buffer: self, stream: stream)
    }

    fileprivate func offer(_ frame: Frame, stream: Int) -> Bool {
        lock.lock()
        let outcome = policy.offer(frame, stream: index[stream]!)
        if outcome != .ignoredClosed && blocked > 0 { lock.signal() }
        lock.unlock()
        return outcome == .stored
    }

    /// Blocks until some stream has a frame, then returns the one the policy picks; nil
    /// once every stream's intake is closed.
    public func take() -> Frame? {
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let (slot, frame) = policy.next() {
                lastTaken[slot] = (clock.now(), frame.seq)
                return frame
            }
            if policy.isClosed { return nil }
            blocked += 1
            lock.wait()
            blocked -= 1
        }
    }

    fileprivate func close(stream: Int) {
        lock.withLock {
            policy.close(stream: index[stream]!)
            // Instances blocked in take() re-check whether everything is closed.
            lock.broadcast()
        }
    }

    /// Closes every stream: waiting frames are discarded and blocked instances return nil.
    public func close() {
        lock.withLock {
            for slot in policy.slots.indices { policy.close(stream: slot) }
            lock.broadcast()
        }
    }

    fileprivate func snapshot(stream: Int) -> MailboxSnapshot {
        lock.withLock {
            let slot = policy.slots[index[stream]!], taken = lastTaken[index[stream]!]
            return MailboxSnapshot(
                offered: slot.offered, taken: slot.taken, totalDrops: slot.totalDrops, consecutiveDrops: slot.consecutiveDrops,
                discardedAtClose: slot.discardedAtClose, ignoredWhileClosed: slot.ignoredWhileClosed,
                isWaiting: slot.isOccupied, isClosed: slot.isClosed, lastTakenAt: taken?.at, lastTakenSeq: taken?.seq,
                createdAt: createdAt, blockedReaders: blocked)
        }
    }

    /// Frames served per stream, in the order of `streams`.
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
