import Synchronization
import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Hands each subscribed worker only the latest frame: the original's FrameSupplier.
///
/// ```
///  publish ──► [inbox: 1 slot, overwrite] ──► distributor: the loop (1 thread), or the
///                                              │ publisher when the loop is asleep
///                                              │ seq += 1
///                      ≤ threshold workers:    ├──► slot(w1) ──► reader(w1)
///                      sequential              ├──► slot(w2) ──► reader(w2)
///                      > threshold: ⌈N/t⌉      └──► …
///                      concurrent chunks, not awaited
/// ```
///
/// - `publish` never blocks: an occupied inbox is overwritten and `inboxDrops` counted.
/// - The distributor assigns `seq` (from 1; also with no subscribers) and fans the frame
///   out. One thread distributes at a time (``SupplierInbox``): a publisher that finds the
///   loop asleep distributes its own frame, which saves waking the loop.
/// - Each worker slot overwrites a waiting frame and counts `totalDrops` and
///   `consecutiveDrops`; a read resets `consecutiveDrops` and records what was consumed.
///
/// Unlike the original, subscribing an id twice is an error (the original silently
/// replaced the slot and left the first reader blocked forever).
///
/// Threading: every method may be called from any thread.
public final class FrameSupplier: @unchecked Sendable {
    public struct Configuration: Sendable {
        /// Above this many workers, delivery is split into concurrent chunks of this size.
        public var fanOutThreshold: Int = 8
        /// A worker is idle when it has not read for longer than this.
        public var idleAfterNanos: UInt64 = 30_000_000_000
        /// Label of the distribution thread.
        public var name: String = "supplier"
        /// The original's single inbox slot, or one slot per stream (ADR-004) from which the
        /// loop takes frames by a scheduling policy.
        public var inbox: InboxVariant = .single
        /// Whether a publisher that finds the loop asleep distributes its frame itself
        /// (``SupplierInbox``). Only for a supplier with one publisher (option A's): frames
        /// that several captures publish together (option B's global supplier) must meet
        /// in the inbox and overwrite each other there, as in the original.
        public var publisherMayDistribute = true

        public init(fanOutThreshold: Int = 8, idleAfterNanos: UInt64 = 30_000_000_000, name: String = "supplier",
                    inbox: InboxVariant = .single, publisherMayDistribute: Bool = true) {
            self.fanOutThreshold = fanOutThreshold
            self.idleAfterNanos = idleAfterNanos
            self.name = name
            self.inbox = inbox
            self.publisherMayDistribute = publisherMayDistribute
        }
    }

    public typealias InboxVariant = ScaleBenchCore.InboxVariant

    /// The inbox, dispatched statically: the single slot is the hot path of option A.
    private enum Inbox {
        case single(SupplierInbox)
        case perStream(FrameBuffer)

        func take() -> Frame? {
            switch self {
            case .single(let slot): return slot.take()
            case .perStream(let buffer): return buffer.take()
            }
        }

        func close() {
            switch self {
            case .single(let slot): slot.close()
            case .perStream(let buffer): buffer.close()
            }
        }

        func snapshot() -> MailboxSnapshot {
            switch self {
            case .single(let slot): return slot.snapshot()
            case .perStream(let buffer): return buffer.snapshot()
            }
        }

        func snapshotByStream() -> [Int: MailboxSnapshot] {
            switch self {
            case .single: return [:]
            case .perStream(let buffer):
                return Dictionary(uniqueKeysWithValues: buffer.streams.map { ($0, buffer.snapshot(stream: $0)) })
            }
        }
    }

    public enum LifecycleError: Error, Equatable, CustomStringConvertible {
        case alreadyStarted
        case stopped
        case duplicateSubscriber(String)

        public var description: String {
            switch self {
            case .alreadyStarted: return "the supplier is already started"
            case .stopped: return "a stopped supplier cannot be restarted"
            case .duplicateSubscriber(let id): return "a worker with id '\(id)' is already subscribed"
            }
        }
    }

    private enum Lifecycle { case idle, running, stopped }

    private struct Targets {
        var slots: [any FrameSink]
        var plan: FanOutPlan
    }

    private struct Subscriber {
        let id: String
        let slot: any FrameSink
    }

    public let configuration: Configuration
    private let clock: any NanoClock
    private let inbox: Inbox
    /// The single inbox again, unretained: `publish` calls it without retaining and
    /// releasing it per frame (`inbox` owns it for the supplier's whole life).
    private let singleInbox: Unmanaged<SupplierInbox>?
    private let registry = ConditionLock()
    private var lifecycle = Lifecycle.idle
    private var subscribers: [Subscriber] = []
    /// Rebuilt on every (un)subscribe, so the loop copies one array reference per frame.
    private var targets = Targets(slots: [], plan: .sequential)
    private var distributionThread: OSThread?
    /// The last seq assigned; only the distributing thread touches it.
    private var seq: UInt64 = 0
    /// Grown by the distributing thread (under the registry lock, for `stats`); finished by
    /// `stop` after the loop and any publisher's distribution have ended.
    private var deliverers: [ChunkDeliverer] = []
    /// Deliverers at most: the CPUs the process may use when the supplier is made.
    private let chunkThreads = max(1, CPUAffinity.available().count)

    // Progress, for stats and for tests that synchronise on the loop.
    private let progress = ConditionLock()
    /// Written by the distributing thread with no lock: the lock is taken only to wake a
    /// waiter. Sequentially consistent on both sides (store `distributed`, load
    /// `progressWaiters` / add to `progressWaiters`, load `distributed`), so one side
    /// always sees the other and no wake-up is lost.
    private let distributed = Atomic<UInt64>(0)
    private let progressWaiters = Atomic<Int>(0)
    private let chunkedFanOuts = Atomic<UInt64>(0)

    public init(configuration: Configuration = Configuration(), clock: any NanoClock = SystemClock()) {
        precondition(configuration.fanOutThreshold >= 1, "fan-out threshold must be at least 1")
        self.configuration = configuration
        self.clock = clock
        switch configuration.inbox {
        case .single:
            let single = SupplierInbox(clock: clock, publisherMayDistribute: configuration.publisherMayDistribute)
            inbox = .single(single)
            singleInbox = Unmanaged.passUnretained(single)
        case .perStream(let streams, let scheduling):
            inbox = .perStream(FrameBuffer(streams: streams, slotPolicy: .overwrite, scheduling: scheduling, clock: clock))
            singleInbox = nil
        }
    }

    deinit { stop() }

    // MARK: - Producer side

    /// Puts a frame in the inbox without blocking; a frame still waiting there is dropped.
    /// With a single inbox and the loop asleep, the caller distributes the frame itself
    /// (``SupplierInbox``): slot mutexes and wake-ups only, never a wait.
    @inline(__always)
    public func publish(_ frame: Frame) {
        if let single = singleInbox {
            single._withUnsafeGuaranteedRef { slot in
                if let own = slot.offer(frame) {
                    distribute(own)
                    slot.endDistribution()
                }
            }
        } else if case .perStream(let buffer) = inbox {
            buffer.offer(frame)
        }
    }

    // MARK: - Lifecycle

    /// Starts the distribution loop. A second start, or a start after stop, throws.
    public func start() throws {
        let thread: OSThread = try registry.withLock {
            switch lifecycle {
            case .running: throw LifecycleError.alreadyStarted
            case .stopped: throw LifecycleError.stopped
            case .idle: break
            }
            lifecycle = .running
            let thread = OSThread(name: configuration.name, role: .supplier) { [unowned self] in
                self.distributionLoop()
            }
            distributionThread = thread
            return thread
        }
        thread.start()
    }

    /// Stops distribution and closes every slot: blocked readers return nil and a frame
    /// waiting in the inbox or a slot is discarded (not counted as a drop). Returns after
    /// the loop and every queued chunk delivery have finished. A second stop is harmless.
    public func stop() {
        let thread: OSThread? = registry.withLock {
            guard lifecycle != .stopped else { return nil }
            lifecycle = .stopped
            return distributionThread
        }
        inbox.close()
        thread?.join()
        for deliverer in deliverers { deliverer.finish() }
        let slots = registry.withLock { subscribers.map(\.slot) }
        for slot in slots { slot.close() }
    }

    /// The thread the loop runs on, for CPU attribution; nil before `start`.
    public var thread: OSThread? { registry.withLock { distributionThread } }

    // MARK: - Workers

    /// Creates a slot for worker `id` and returns its reader. After `stop`, the reader
    /// returns nil at once. Throws when `id` is already subscribed.
    public func subscribe(_ id: String) throws -> FrameReader {
        try registry.withLock {
            let slot = Mailbox<Frame>(policy: .overwrite, clock: clock)
            if lifecycle == .stopped {
                slot.close()
                return FrameReader(id: id, slot: slot)
            }
            guard !subscribers.contains(where: { $0.id == id }) else {
                throw LifecycleError.duplicateSubscriber(id)
            }
            subscribers.append(Subscriber(id: id, slot: slot))
            rebuildTargets()
            return FrameReader(id: id, slot: slot)
        }
    }

    /// Subscribes an external sink under `id` (e.g. a shared frame-buffer's intake for this
    /// supplier's stream), delivered like any worker's slot. After `stop` the sink is
    /// closed at once. Throws when `id` is already subscribed.
    public func attach(_ id: String, sink: any FrameSink) throws {
        try registry.withLock {
            if lifecycle == .stopped {
                sink.close()
                return
            }
            guard !subscribers.contains(where: { $0.id == id }) else { throw LifecycleError.duplicateSubscriber(id) }
            subscribers.append(Subscriber(id: id, slot: sink))
            rebuildTargets()
        }
    }

    /// Removes worker `id` and closes its slot; unknown ids, repeats and calls after
    /// `stop` have no effect.
    public func unsubscribe(_ id: String) {
        let removed: (any FrameSink)? = registry.withLock {
            guard lifecycle != .stopped, let index = subscribers.firstIndex(where: { $0.id == id }) else { return nil }
            let slot = subscribers.remove(at: index).slot
            rebuildTargets()
            return slot
        }
        removed?.close()
    }

    // MARK: - Distribution

    /// Called with the registry lock held.
    private func rebuildTargets() {
        targets = Targets(slots: subscribers.map(\.slot),
                          plan: FanOutPlan(workerCount: subscribers.count, threshold: configuration.fanOutThreshold))
    }

    private func distributionLoop() {
        while let frame = inbox.take() { distribute(frame) }
    }

    /// Called by whichever thread holds the right to distribute (the loop, or a publisher
    /// the inbox let in): one at a time, handed over under the inbox's lock.
    private func distribute(_ taken: Frame) {
        var frame = taken
        seq += 1
        frame.seq = seq
        frame.distributedAt = clock.now()
        let current = registry.withLock { targets }
        switch current.plan {
        case .sequential:
            for slot in current.slots { slot.offer(frame) }
        case .chunks(let chunks):
            deliverInChunks(frame, to: current.slots, chunks: chunks)
        }
        distributed.store(seq, ordering: .sequentiallyConsistent)
        if progressWaiters.load(ordering: .sequentiallyConsistent) > 0 {
            progress.withLock { progress.broadcast() }
        }
    }

    /// The chunks go to deliverer threads and are not awaited, as the original's
    /// goroutines; `stop` lets them finish, so no delivery is lost from the accounting.
    /// As many deliverers as CPUs the process may use (fewer for fewer chunks), the chunks
    /// dealt to them in turn: a deliverer per chunk cost a kernel wake-up per chunk, where
    /// the original readies a goroutine, and more deliverers than CPUs cannot run at once.
    private func deliverInChunks(_ frame: Frame, to slots: [any FrameSink], chunks: [Range<Int>]) {
        chunkedFanOuts.add(1, ordering: .relaxed)
        let wanted = min(chunks.count, chunkThreads)
        if deliverers.count < wanted {
            let added = (deliverers.count..<wanted).map { ChunkDeliverer(name: "\(configuration.name)-chunk\($0)") }
            registry.withLock { deliverers += added }
        }
        for (index, range) in chunks.enumerated() {
            deliverers[index % wanted].enqueue(.init(frame: frame, slots: slots, range: range))
        }
    }


    /// Blocks until the loop has distributed frame `seq` (to every sequential slot), or
    /// the monotonic `deadline` passes; returns whether it was reached. For tests and
    /// harnesses that must synchronise on the loop rather than sleep.
    @discardableResult
    public func waitUntilDistributed(_ seq: UInt64, deadline: UInt64) -> Bool {
        progress.withLock {
            progressWaiters.add(1, ordering: .sequentiallyConsistent)
            defer { progressWaiters.subtract(1, ordering: .sequentiallyConsistent) }
            func reached() -> Bool { distributed.load(ordering: .sequentiallyConsistent) >= seq }
            while !reached() {
                if !progress.wait(untilMonotonic: deadline) && !reached() { return false }
            }
            return true
        }
    }

    // MARK: - Stats

    /// A snapshot of the inbox and of every subscribed worker (unsubscribed workers are
    /// gone; after `stop`, workers stay).
    public func stats() -> SupplierStats {
        let now = clock.now()
        let inboxState = inbox.snapshot()
        let current = registry.withLock { subscribers }
        let idleAfter = configuration.idleAfterNanos
        return SupplierStats(
            inbox: inboxState, inboxByStream: inbox.snapshotByStream(),
            distributed: distributed.load(ordering: .sequentiallyConsistent),
            chunkedFanOuts: chunkedFanOuts.load(ordering: .relaxed),
            chunkDeliveryCPUNanos: registry.withLock { deliverers }.reduce(0) { $0 + $1.cpuNanos.load(ordering: .relaxed) },
            workers: current.map { subscriber in
                let slot = subscriber.slot.snapshot()
                let lastActivity = slot.lastTakenAt ?? slot.createdAt
                return WorkerSlotStats(
                    id: subscriber.id, slot: slot,
                    isIdle: now >= lastActivity && now - lastActivity > idleAfter)
            })
    }
}

/// The reading end of one worker's slot.
public struct FrameReader: Sendable {
    public let id: String
    let slot: Mailbox<Frame>

    /// Blocks until a frame is waiting; nil once the slot is closed (unsubscribe or stop).
    @inline(__always)
    public func read() -> Frame? { slot.take() }

    /// Blocks until a frame is waiting, the slot closes or the monotonic `deadline` passes.
    public func read(until deadline: UInt64) -> Taken<Frame> { slot.take(until: deadline) }

    /// Takes the waiting frame, or leaves `listener` to be called with the next (on the
    /// offering thread) or nil at close: a reader that holds no thread (``SleepingWorker``;
    /// see ``Mailbox/takeOrListen(_:)``).
    public func takeOrListen(_ listener: @escaping @Sendable (Frame?) -> Void) -> LatestFrameSlot<Frame>.TakeOutcome {
        slot.takeOrListen(listener)
    }

    /// Takes the waiting frame without blocking: nil when empty or closed.
    public func poll() -> Frame? {
        if case .item(let frame) = slot.poll() { return frame }
        return nil
    }

    public func snapshot() -> MailboxSnapshot { slot.snapshot() }
}
