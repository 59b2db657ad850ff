/// What a batching worker kind's instances launched in the measured window (docs/queueing.md
/// §8): how many batches of each size, and how long their frames waited for them.
public struct BatchResult: Sendable, Codable {
    public var worker: String
    public var max: Int
    /// Batches launched in the window, by size (index 0: batches of one frame).
    public var sizes: [UInt64]
    /// Frames per batch on average (nil: none launched).
    public var meanSize: Double?
    /// Each frame's wait for its batch, of the batches launched in the window: from when
    /// the frame arrived in its slot, or when an instance freed if later, to the launch
    /// (``BatchFormation/wait(slot:launchedAt:freeSince:)``). A part of the frame's age
    /// (capture → service start); the rest of that age is its wait for a busy instance.
    public var waitMs: Quantiles
    /// Its full distribution, for the results database (not part of the JSON output).
    public var waitHistogram: LatencyHistogram? = nil

    public init(worker: String, max: Int, sizes: [UInt64], wait: LatencyHistogram? = nil) {
        self.worker = worker
        self.max = max
        self.sizes = sizes
        let batches = sizes.reduce(0, +)
        meanSize = batches == 0 ? nil : Double(sizes.enumerated().reduce(UInt64(0)) { $0 + UInt64($1.offset + 1) * $1.element }) / Double(batches)
        waitMs = wait?.quantiles ?? Quantiles(count: 0)
        waitHistogram = wait
    }

    public var batches: UInt64 { sizes.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case worker, max, sizes, meanSize, waitMs
    }
}
