import Synchronization
import RuntimeSupport
import ScaleBenchCore
import Video

/// A worker instance whose service only sleeps (``WorkerRunner/sleepsWithoutThread(_:device:faults:)``),
/// run without a thread of its own: the offer that hands it a frame starts its service, on
/// the offering thread, and one of the run's ``ServiceTimers`` threads ends the service at its
/// deadline, records it, and takes the next frame the slot holds, or leaves the worker
/// listening for the next offer (``Mailbox/takeOrListen(_:)``).
///
/// The slot's semantics are a worker thread's: a frame that comes during a service waits
/// in the slot and is overwritten by a newer one; the frame a listening worker is handed
/// is taken at once. The draws, records and events are those of ``WorkerRunner``'s loop.
/// Without a thread, a hand-off is a call and a service's end one of a few timer wake-ups,
/// as the original's goroutines are readied and its timers run in user space; a worker
/// that uses CPU keeps a thread of its own, whose contention for the box's cores the
/// operating system decides.
///
/// CPU: its timer thread's, shared among the workers it serves by the services each has
/// ended (reading a thread's CPU clock is a system call: twice a step cost a fifth of the
/// process's CPU at 512 pipelines). A service's start runs on the offering thread and is
/// counted in that thread's clock.
final class SleepingWorker: Runner, @unchecked Sendable {
    /// A service's draw: from the frame and its start, the service's deadline.
    typealias Begin = (Frame, UInt64) -> UInt64
    /// A service's end: the frame, its start and end.
    typealias End = (Frame, UInt64, UInt64) -> Void

    let name: String
    let role = OSThread.Role.worker
    private let mailbox: Mailbox<Frame>
    private let timers: ServiceTimers
    private let begin: Begin
    private let end: End
    private var listener: (@Sendable (Frame?) -> Void)!
    // The service in progress: written by the thread that starts it before it schedules
    // its end, read by the timer thread after (ordered by the timers' lock).
    private var current: Frame?
    private var startedAt: UInt64 = 0
    private let ended = Atomic<UInt64>(0)
    private let state = ConditionLock()
    private var started = false
    private var finished = false

    init(name: String, mailbox: Mailbox<Frame>, timers: ServiceTimers, begin: @escaping Begin, end: @escaping End) {
        self.name = name
        self.mailbox = mailbox
        self.timers = timers
        self.begin = begin
        self.end = end
        listener = { [unowned self] frame in
            if let frame { self.serve(frame) } else { self.finish() }
        }
    }

    func start() {
        state.withLock { started = true }
        takeNext()
    }

    func join() {
        state.withLock { while started && !finished { state.wait() } }
    }

    func cpuNanos() -> UInt64 { timers.cpuShare(ofServices: ended.load(ordering: .relaxed)) }

    /// On the timer thread, at the service's deadline.
    func serviceEnded() {
        let frame = current.take()!
        end(frame, startedAt, monotonicNanos())
        ended.add(1, ordering: .relaxed)
        takeNext()
    }

    private func takeNext() {
        switch mailbox.takeOrListen(listener) {
        case .item(let frame): serve(frame)
        case .closed: finish()
        case .empty: break
        }
    }

    private func serve(_ frame: Frame) {
        let start = monotonicNanos()
        let deadline = begin(frame, start)
        current = frame
        startedAt = start
        timers.schedule(self, at: deadline)
    }

    private func finish() {
        state.withLock {
            finished = true
            state.broadcast()
        }
    }
}
