#if canImport(Glibc)
import Glibc
#endif
import ScaleBenchCore

/// A pthread mutex with its condition variable, the primitive every mailbox in the
/// original is built from. Timed waits use `CLOCK_MONOTONIC`, so a wall-clock change
/// never shortens or stretches a wait.
///
/// One owner per C object: both are heap-allocated once here and freed in `deinit`.
public final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    public init() {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        var mutexAttributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&mutexAttributes)
        // Adaptive: a contended lock spins briefly before sleeping in the kernel. Mailbox
        // critical sections are a few dozen instructions, so a spin almost always wins.
        pthread_mutexattr_settype(&mutexAttributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        precondition(pthread_mutex_init(mutex, &mutexAttributes) == 0)
        pthread_mutexattr_destroy(&mutexAttributes)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        precondition(pthread_cond_init(condition, &attributes) == 0)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    @inline(__always) public func lock() { pthread_mutex_lock(mutex) }
    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Waits for a signal; the caller holds the lock and re-checks its predicate.
    @inline(__always) public func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits for a signal or until the monotonic deadline; returns false on time-out.
    /// The caller holds the lock and re-checks its predicate either way.
    public func wait(untilMonotonic deadline: UInt64) -> Bool {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        return pthread_cond_timedwait(condition, mutex, &ts) != ETIMEDOUT
    }

    @inline(__always) public func signal() { pthread_cond_signal(condition) }
    @inline(__always) public func broadcast() { pthread_cond_broadcast(condition) }
}
