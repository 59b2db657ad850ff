import Random

/// How the distribution loop hands one frame to its workers' slots.
///
/// The original delivers sequentially on the loop thread up to 8 workers and, above
/// that, in ⌈N/8⌉ concurrent chunks of at most 8 slots that the loop does not wait for.
/// The threshold (8 in the original) is a parameter here.
public enum FanOutPlan: Equatable, Sendable {
    case sequential
    case chunks([Range<Int>])

    public init(workerCount: Int, threshold: Int) {
        precondition(threshold >= 1, "fan-out threshold must be at least 1")
        if workerCount <= threshold {
            self = .sequential
        } else {
            self = .chunks(stride(from: 0, to: workerCount, by: threshold).map {
                $0..<min($0 + threshold, workerCount)
            })
        }
    }
}
