#if canImport(Glibc)
import Glibc
#endif
import CRuntime
import ScaleBenchCore

/// A flag that threads sleep on: `sleep(until:)` returns early, with false, once the
/// signal is raised, so a capture waiting 10 s for its next frame stops at once.
///
/// Every capture of a run sleeps on the same signal between frames, so it is one futex
/// word rather than a mutex and condition variable: a sleeper whose deadline passes
/// returns from the kernel without touching any shared state (with a condition variable,
/// hundreds of captures due together queued for its mutex), and `isRaised` is a load.
///
/// Threading: every method may be called from any thread.
public final class StopSignal: @unchecked Sendable {
    /// 0 until raised, then 1 for good.
    private let word: UnsafeMutablePointer<UInt32>

    public init() {
        word = .allocate(capacity: 1)
        word.initialize(to: 0)
    }

    deinit { word.deallocate() }

    public func raise() {
        scalebench_word_store(word, 1)
        _ = scalebench_futex_wake_all(word)
    }

    public var isRaised: Bool { scalebench_word_load(word) != 0 }

    /// Sleeps until the monotonic deadline; false when stopped before or during.
    public func sleep(until deadline: UInt64) -> Bool {
        while !isRaised {
            // A wait that returns early (a signal's EINTR, a spurious wake) waits again.
            if scalebench_futex_wait_until(word, 0, deadline) == ETIMEDOUT || monotonicNanos() >= deadline {
                return !isRaised
            }
        }
        return false
    }
}
