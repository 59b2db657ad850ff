/// What a batching worker kind's instances launched in the measured window (docs/queueing.md
/// §8): how many batches of each size.
public struct BatchResult: Sendable, Codable, Equatable {
    public var worker: String
    public var max: Int
    /// Batches launched in the window, by size (index 0: batches of one frame).
    public var sizes: [UInt64]
    /// Frames per batch on average (nil: none launched).
    public var meanSize: Double?

    public init(worker: String, max: Int, sizes: [UInt64]) {
        self.worker = worker
        self.max = max
        self.sizes = sizes
        let batches = sizes.reduce(0, +)
        meanSize = batches == 0 ? nil : Double(sizes.enumerated().reduce(UInt64(0)) { $0 + UInt64($1.offset + 1) * $1.element }) / Double(batches)
    }

    public var batches: UInt64 { sizes.reduce(0, +) }
}
