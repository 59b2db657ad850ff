import Synchronization
import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Delivers frames to one chunk of worker slots on its own thread, so the distribution
/// loop can hand over a chunk and move on without waiting (the original spawns a
/// goroutine per chunk).
///
/// A persistent OS thread rather than a dispatch pool: a pool whose threads are all
/// blocked in readers' `read()` would never run the delivery they wait for. Jobs queue in
/// order, so frames reach a slot in seq order; nothing is allocated per frame once the
/// two job arrays have grown to their working size.
final class ChunkDeliverer: @unchecked Sendable {
    struct Job {
        let frame: Frame
        let slots: [any FrameSink]
        let range: Range<Int>
    }

    private let lock = ConditionLock()
    private var pending: [Job] = []
    private var closed = false
    private var thread: OSThread!
    /// CPU this thread has spent delivering, readable from any thread.
    let cpuNanos = Atomic<UInt64>(0)

    init(name: String) {
        pending.reserveCapacity(16)
        thread = OSThread(name: name, role: .supplier) { [unowned self] in self.run() }
        thread.start()
    }

    func enqueue(_ job: Job) {
        lock.withLock {
            pending.append(job)
            lock.signal()
        }
    }

    /// Delivers what is queued, then ends the thread.
    func finish() {
        lock.withLock {
            closed = true
            lock.signal()
        }
        thread.join()
    }

    private func run() {
        var working: [Job] = []
        working.reserveCapacity(16)
        while true {
            lock.lock()
            while pending.isEmpty && !closed { lock.wait() }
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
