#if canImport(Glibc)
import Glibc
#endif
import CRuntime
import ScaleBenchCore

/// A counter a thread sleeps on until another thread advances it (a Linux futex): the
/// parking half of a mutex-protected mailbox, without a condition variable.
///
/// Protocol (no wake-up is lost): the sleeper reads ``ticket`` under the mailbox's mutex
/// after finding nothing to take, unlocks, and calls `wait(whileTicket:)`; a producer
/// calls ``advance()`` under the same mutex when it leaves something for a sleeper, and
/// `wake` after unlocking. A wait whose ticket is stale returns at once.
///
/// Against a condition variable: the woken thread does not have to re-take a mutex the
/// waker may still hold, and a wake is one system call with no state shared between
/// waiters and wakers but the counter (glibc's condition variable keeps groups of waiters
/// under an internal lock that signal and timed-out waits contend for).
///
/// Threading: every method may be called from any thread.
public final class WakeWord: @unchecked Sendable {
    private let word: UnsafeMutablePointer<UInt32>

    public init() {
        word = .allocate(capacity: 1)
        word.initialize(to: 0)
    }

    deinit { word.deallocate() }

    /// The counter now; read under the caller's mutex before waiting.
    @inline(__always) public var ticket: UInt32 { scalebench_word_load(word) }

    /// Moves the counter on, so that a wait on an older ticket does not sleep.
    @inline(__always) public func advance() { _ = scalebench_word_increment(word) }

    /// Sleeps while the counter still equals `ticket`, until woken or the monotonic
    /// `deadline` (`.max`: none). Returns early on a stale ticket, a signal or a spurious
    /// wake: the caller re-checks its state either way.
    @inline(__always)
    public func wait(whileTicket ticket: UInt32, until deadline: UInt64 = .max) {
        _ = scalebench_futex_wait_until(word, ticket, deadline)
    }

    /// Wakes one sleeper.
    @inline(__always) public func wakeOne() { _ = scalebench_futex_wake(word, 1) }

    /// Wakes every sleeper.
    public func wakeAll() { _ = scalebench_futex_wake_all(word) }
}
