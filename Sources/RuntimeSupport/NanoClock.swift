#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ScaleBenchCore

/// A source of monotonic time in nanoseconds.
///
/// Every timestamp in the workbench comes from a clock passed in (DESIGN principle 3):
/// the realtime executor uses ``SystemClock``; tests of time-dependent behaviour use
/// ``ManualClock`` and advance it explicitly instead of sleeping.
public protocol NanoClock: Sendable {
    /// Monotonic nanoseconds; the origin is arbitrary but fixed for the process.
    func now() -> UInt64
}

/// `CLOCK_MONOTONIC`, the clock the realtime executor paces and measures with.
public struct SystemClock: NanoClock {
    public init() {}

    @inline(__always)
    public func now() -> UInt64 { monotonicNanos() }
}

/// A clock that moves only when told to: the basis of exact timing tests.
public final class ManualClock: NanoClock, @unchecked Sendable {
    private let lock = ConditionLock()
    private var current: UInt64

    public init(start: UInt64 = 0) { current = start }

    public func now() -> UInt64 { lock.withLock { current } }

    public func advance(by nanos: UInt64) { lock.withLock { current += nanos } }

    public func set(_ nanos: UInt64) {
        lock.withLock {
            precondition(nanos >= current, "a monotonic clock cannot go back")
            current = nanos
        }
    }
}

@inline(__always)
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// CPU time consumed so far by the calling thread.
@inline(__always)
public func threadCPUNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Sleeps until an absolute `CLOCK_MONOTONIC` deadline; no drift accumulates across calls.
public func sleepUntilMonotonic(_ deadline: UInt64) {
    var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
}
