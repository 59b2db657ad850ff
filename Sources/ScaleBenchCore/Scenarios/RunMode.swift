/// How a run's time passes.
public enum RunMode: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// OS threads on the wall clock: the machine decides (CPU contention, wake-ups).
    case realtime
    /// The same plan and policies in virtual nanoseconds, driven by an event queue.
    case simulated

    public var description: String { rawValue }
}
