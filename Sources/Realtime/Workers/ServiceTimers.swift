import Synchronization
import RuntimeSupport
import ScaleBenchCore

/// A thread that ends the services of the ``SleepingWorker``s dealt to it at their
/// deadlines: a heap of deadlines, the thread parked on a ``WakeWord`` until the earliest
/// (a futex wait with an absolute CLOCK_MONOTONIC deadline: the kernel's timer slack, as a
/// worker thread's `clock_nanosleep`). Services that end together are ended in one wake;
/// a deadline earlier than the one the thread sleeps until wakes it to re-arm.
///
/// Threading: `schedule` from any thread; the services' ends run on this thread, in
/// deadline order (ties in scheduling order).
final class ServiceTimers: @unchecked Sendable {
    private struct Entry {
        let deadline: UInt64
        let order: UInt64
        let worker: SleepingWorker

        func precedes(_ other: Entry) -> Bool { (deadline, order) < (other.deadline, other.order) }
    }

    private let lock = ConditionLock()
    private let wake = WakeWord()
    // Read and written under `lock` only.
    @exclusivity(unchecked) private var heap: [Entry] = []
    @exclusivity(unchecked) private var scheduled: UInt64 = 0
    /// The deadline the thread sleeps until (.max: none), or nil while it is not asleep.
    @exclusivity(unchecked) private var sleepingUntil: UInt64?
    @exclusivity(unchecked) private var closed = false
    /// Services ended so far (their workers share this thread's CPU by them).
    private let ended = Atomic<UInt64>(0)
    private(set) var thread: OSThread!

    init(name: String, expected: Int) {
        heap.reserveCapacity(expected)
        thread = OSThread(name: name, role: .worker) { [unowned self] in self.run() }
    }

    func start() { thread.start() }

    /// Ends `worker`'s service at the monotonic `deadline`.
    func schedule(_ worker: SleepingWorker, at deadline: UInt64) {
        lock.lock()
        scheduled &+= 1
        push(Entry(deadline: deadline, order: scheduled, worker: worker))
        let wakes = sleepingUntil.map { deadline < $0 } ?? false
        if wakes {
            sleepingUntil = nil
            wake.advance()
        }
        lock.unlock()
        if wakes { wake.wakeOne() }
    }

    /// The share of this thread's CPU of a worker that has ended `services` of its services.
    func cpuShare(ofServices services: UInt64) -> UInt64 {
        let all = ended.load(ordering: .relaxed)
        guard all > 0 else { return 0 }
        return UInt64(Double(thread.cpuNanos()) * Double(min(services, all)) / Double(all))
    }

    /// Ends the thread once every scheduled service has ended (call after the workers have
    /// finished: none schedules any more).
    func finish() {
        lock.lock()
        closed = true
        wake.advance()
        lock.unlock()
        wake.wakeOne()
        thread.join()
    }

    private func run() {
        var due: [SleepingWorker] = []
        lock.lock()
        while true {
            let now = monotonicNanos()
            while let first = heap.first, first.deadline <= now { due.append(pop().worker) }
            if !due.isEmpty {
                lock.unlock()
                for worker in due { worker.serviceEnded() }
                ended.add(UInt64(due.count), ordering: .relaxed)
                due.removeAll(keepingCapacity: true)
                lock.lock()
                continue
            }
            if closed && heap.isEmpty { break }
            let until = heap.first?.deadline ?? .max
            sleepingUntil = until
            let ticket = wake.ticket
            lock.unlock()
            wake.wait(whileTicket: ticket, until: until)
            lock.lock()
            sleepingUntil = nil
        }
        lock.unlock()
    }

    // A binary min-heap on (deadline, order).
    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var first = parent
                if left < heap.count && heap[left].precedes(heap[first]) { first = left }
                if right < heap.count && heap[right].precedes(heap[first]) { first = right }
                guard first != parent else { break }
                heap.swapAt(parent, first)
                parent = first
            }
        }
        return top
    }
}
