import CGSL
import Random

/// The original's capture warm-up check: from the arrival times of the first seconds of
/// a source, instantaneous fps (1 / interval) and jitter (|interval − 1/mean fps|); the
/// source is stable when the fps standard deviation is under 15 % of the mean fps and the
/// mean jitter under 20 % of the mean period. Fewer than 2 frames is a failure.
public struct WarmupReport: Sendable, Codable, Equatable {
    public var frames: Int
    public var fpsMean: Double
    public var fpsStdDev: Double
    public var fpsMin: Double
    public var fpsMax: Double
    /// Jitter in milliseconds.
    public var jitterMeanMs: Double
    public var jitterStdDevMs: Double
    public var jitterMaxMs: Double
    public var stable: Bool

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooFewFrames(Int)
        public var description: String {
            switch self {
            case .tooFewFrames(let n): return "warm-up failed: \(n) frame\(n == 1 ? "" : "s") received, at least 2 are needed"
            }
        }
    }

    /// Evaluates monotonic arrival times in nanoseconds (in order).
    public static func evaluate(arrivalsNanos: [UInt64]) throws(Failure) -> WarmupReport {
        guard arrivalsNanos.count >= 2 else { throw .tooFewFrames(arrivalsNanos.count) }
        let intervals = zip(arrivalsNanos.dropFirst(), arrivalsNanos).map { Double($0 &- $1) / 1e9 }.filter { $0 > 0 }
        guard intervals.count >= 1 else { throw .tooFewFrames(1) }
        let fps = intervals.map { 1 / $0 }
        let fpsMean = mean(fps)
        let period = 1 / fpsMean
        let jitter = intervals.map { abs($0 - period) }
        return WarmupReport(
            frames: arrivalsNanos.count, fpsMean: fpsMean, fpsStdDev: sd(fps), fpsMin: fps.min()!, fpsMax: fps.max()!,
            jitterMeanMs: mean(jitter) * 1e3, jitterStdDevMs: sd(jitter) * 1e3, jitterMaxMs: jitter.max()! * 1e3,
            stable: sd(fps) < 0.15 * fpsMean && mean(jitter) < 0.20 * period)
    }

    private static func mean(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// Sample standard deviation; 0 for a single value.
    private static func sd(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        return values.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, $0.count) }
    }
}
