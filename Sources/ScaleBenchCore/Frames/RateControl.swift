import Random

/// The original's capture rate control: keeps a source frame only when its timestamp has
/// reached the next tick of the target rate. It only drops, never duplicates, so a
/// source slower than the target is passed through at its own rate.
public struct RateControl: Sendable, Equatable {
    public let targetFPS: Double?
    private var nextTick: Double?

    /// nil keeps every frame (the source's native rate).
    public init(targetFPS: Double?) { self.targetFPS = targetFPS }

    /// Whether the frame presented at `seconds` is kept.
    public mutating func keep(presentationSeconds seconds: Double) -> Bool {
        guard let fps = targetFPS else { return true }
        let period = 1 / fps
        guard let tick = nextTick else {
            nextTick = seconds + period
            return true
        }
        // A small tolerance absorbs timestamp rounding (e.g. 1/30 s in a 1/90000 base).
        guard seconds + period * 1e-3 >= tick else { return false }
        // Advance from the tick, not the frame, so the kept rate does not drift; after a
        // gap longer than a period, restart from this frame.
        nextTick = seconds - tick >= period ? seconds + period : tick + period
        return true
    }

    /// Starts over, e.g. when a looping file restarts its timestamps.
    public mutating func reset() { nextTick = nil }
}
