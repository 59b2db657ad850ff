import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// A shared accelerator in real time: worker threads that offload a job call ``run(work:)``
/// and are held for as long as the job takes on the device while it is shared with every
/// other job currently in `run` on the same gate.
///
/// The sharing decision is the pure ``ProcessorSharing`` policy (DESIGN principle 2); the
/// gate only owns time and blocking. Like the mailboxes, it is a mutex and a condition
/// variable, because blocked OS threads are what the original does and what is measured.
///
/// Waits are timed on `CLOCK_MONOTONIC`, so `clock` must read that clock (as
/// ``SystemClock`` does). With any other clock the timed waits return at once and `run`
/// degenerates into polling that clock.
public final class DeviceGate: @unchecked Sendable {
    public let spec: DeviceSpec
    private let clock: any NanoClock
    private let lock = ConditionLock()
    // Guarded by `lock`.
    private var state: ProcessorSharing
    private var nextJob = 0

    public init(spec: DeviceSpec, clock: any NanoClock = SystemClock()) {
        self.spec = spec
        self.clock = clock
        state = ProcessorSharing(sharing: spec.sharing, start: clock.now())
    }

    /// Blocks the calling thread until a job of `work` solo nanoseconds is done on the
    /// device, sharing it with the other jobs in `run`. A job still running at the
    /// monotonic `deadline` is cancelled then (its worker crashed): it leaves the device
    /// and `run` returns false.
    @discardableResult
    public func run(work: UInt64, until deadline: UInt64 = .max) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let job = nextJob
        nextJob += 1
        state.add(job: job, work: work, at: clock.now())
        // One more job slows every job already waiting: they must re-project their end.
        lock.broadcast()
        while true {
            // Read the clock under the lock, so the times given to `state` never go back.
            let now = clock.now()
            state.advance(to: now)
            if state.isFinished(job: job) {
                // No broadcast: a finished job already stopped counting towards the
                // others' sharing at its finishing instant, so their projections hold.
                state.remove(job: job, at: now)
                return true
            }
            if now >= deadline {
                // Leaving early speeds the others up: they re-project.
                state.remove(job: job, at: now)
                lock.broadcast()
                return false
            }
            // The projection is exact unless another job arrives or leaves, which
            // broadcasts. A spurious or early wake-up just re-projects.
            _ = lock.wait(untilMonotonic: min(state.projectedCompletion(of: job)!, deadline))
        }
    }

    /// Usage so far, including the ongoing busy period.
    public func snapshot() -> DeviceUsage {
        lock.withLock {
            state.advance(to: clock.now())
            return DeviceUsage(state)
        }
    }
}
