import Synchronization
import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Delivers frames to chunks of worker slots on its own thread, so the distribution
/// loop can hand over a chunk and move on without waiting (the original spawns a
/// goroutine per chunk; a supplier has a deliverer per CPU, the chunks dealt in turn).
///
/// A persistent OS thread rather than a dispatch pool: a pool whose threads are all
/// blocked in readers' `read()` would never run the delivery they wait for. Jobs queue in
/// order, so frames reach a slot in seq order; nothing is allocated per frame once the
/// two job arrays have grown to their working size. The thread parks on a ``WakeWord``,
/// woken only when it sleeps and after the enqueuer has unlocked (as a worker's
/// ``Mailbox``): a woken deliverer never blocks again on the lock its waker still holds.
final class ChunkDeliverer: @unchecked Sendable {
    struct Job {
        let frame: Frame
        let slots: [any FrameSink]
        let range: Range<Int>
    }

    private let lock = ConditionLock()
    private let wake = WakeWord()
    // Read and written under `lock` only.
    @exclusivity(unchecked) private var pending: [Job] = []
    @exclusivity(unchecked) private var closed = false
    /// The thread is parked (or about to park) on `wake`.
    @exclusivity(unchecked) private var parked = false
    private var thread: OSThread!
    /// CPU this thread has spent delivering, readable from any thread.
    let cpuNanos = Atomic<UInt64>(0)

    init(name: String) {
        pending.reserveCapacity(16)
        thread = OSThread(name: name, role: .supplier) { [unowned self] in self.run() }
        thread.start()
    }

    func enqueue(_ job: Job) {
        lock.lock()
        pending.append(job)
        let wakes = parked
        if wakes {
            parked = false
            wake.advance()
        }
        lock.unlock()
        if wakes { wake.wakeOne() }
    }

    /// Delivers what is queued, then ends the thread.
    func finish() {
        lock.lock()
        closed = true
        wake.advance()
        lock.unlock()
        wake.wakeOne()
        thread.join()
    }

    private func run() {
        var working: [Job] = []
        working.reserveCapacity(16)
        while true {
            lock.lock()
            while pending.isEmpty && !closed {
                parked = true
                let ticket = wake.ticket
                lock.unlock()
                wake.wait(whileTicket: ticket)
                lock.lock()
            }
            if pending.isEmpty && closed {
                lock.unlock()
                return
            }
            swap(&pending, &working)
            lock.unlock()
            let before = threadCPUNanos()
            for job in working {
                for index in job.range { job.slots[index].offer(job.frame) }
            }
            cpuNanos.add(threadCPUNanos() &- before, ordering: .relaxed)
            working.removeAll(keepingCapacity: true)
        }
    }
}
