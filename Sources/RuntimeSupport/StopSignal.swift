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
    /// Its ticket is 0 until raised, then 1 for good.
    private let word = WakeWord()

    public init() {}

    public func raise() {
        word.advance()
        word.wakeAll()
    }

    public var isRaised: Bool { word.ticket != 0 }

    /// Sleeps until the monotonic deadline; false when stopped before or during.
    public func sleep(until deadline: UInt64) -> Bool {
        while !isRaised {
            // A wait that returns early (a signal's EINTR, a spurious wake) waits again.
            word.wait(whileTicket: 0, until: deadline)
            if monotonicNanos() >= deadline { return !isRaised }
        }
        return false
    }
}
