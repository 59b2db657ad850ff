import ScaleBenchCore

/// A flag that threads sleep on: `sleep(until:)` returns early, with false, once the
/// signal is raised, so a capture waiting 10 s for its next frame stops at once.
public final class StopSignal: @unchecked Sendable {
    private let lock = ConditionLock()
    private var raised = false

    public init() {}

    public func raise() {
        lock.withLock {
            raised = true
            lock.broadcast()
        }
    }

    public var isRaised: Bool { lock.withLock { raised } }

    /// Sleeps until the monotonic deadline; false when stopped before or during.
    public func sleep(until deadline: UInt64) -> Bool {
        lock.withLock {
            while !raised {
                if !lock.wait(untilMonotonic: deadline) { return !raised }
            }
            return false
        }
    }
}
