import Random

/// The original's reconnect rule for live sources, as a pure value: after the k-th
/// consecutive failure wait 1, 2, 4, 8, 16 s (doubling, capped at 30 s); the 6th
/// consecutive failure gives up; a success resets the count. `scale` shrinks every delay
/// for tests (0.01 turns seconds into tens of milliseconds).
public struct ReconnectPolicy: Sendable, Equatable {
    public var initialDelayNanos: UInt64 = 1_000_000_000
    public var maximumDelayNanos: UInt64 = 30_000_000_000
    /// Consecutive failures after which the source gives up.
    public var maximumFailures = 6
    public var scale = 1.0

    public private(set) var consecutiveFailures = 0
    /// Reconnect attempts made so far (over the source's life).
    public private(set) var reconnects = 0

    public init(scale: Double = 1.0) { self.scale = scale }

    public enum Decision: Equatable, Sendable {
        /// Wait this long, then try to reconnect.
        case retry(afterNanos: UInt64)
        case giveUp
    }

    /// Records a failure and says what to do next.
    public mutating func failed() -> Decision {
        consecutiveFailures += 1
        guard consecutiveFailures < maximumFailures else { return .giveUp }
        reconnects += 1
        let doubling = initialDelayNanos << UInt64(min(consecutiveFailures - 1, 20))
        return .retry(afterNanos: UInt64(Double(min(doubling, maximumDelayNanos)) * scale))
    }

    /// Records a success (a frame was read): the next failure starts from 1 s again.
    public mutating func succeeded() { consecutiveFailures = 0 }
}
