import Random

/// Welch's unequal-variance t-test (`scipy.stats.ttest_ind(x, y, equal_var=False)`),
/// moments from `gsl_stats_*`, tail from `gsl_cdf_tdist_Q`.
public enum Welch {
    public struct Result: Sendable, Equatable {
        /// (mean x − mean y) / √(s²ₓ/nₓ + s²ᵧ/nᵧ), scipy's sign.
        public let t: Double
        /// Welch–Satterthwaite degrees of freedom.
        public let degreesOfFreedom: Double
        /// Two-sided.
        public let pValue: Double
    }

    /// Needs n ≥ 2 per sample and some variance in at least one of them.
    public static func test(_ x: [Double], _ y: [Double]) -> Reported<Result> {
        statistic(x, y).map { s in
            let t = (s.meanX - s.meanY) / s.standardError
            return Result(t: t, degreesOfFreedom: s.degreesOfFreedom, pValue: Swift.min(1, 2 * GSL.tQ(abs(t), s.degreesOfFreedom)))
        }
    }

    /// The pieces Welch's test and TOST share.
    struct Pieces {
        let meanX: Double, meanY: Double, standardError: Double, degreesOfFreedom: Double
    }

    static func statistic(_ x: [Double], _ y: [Double]) -> Reported<Pieces> {
        if let reason = SampleCheck.reason([x, y], minimumCount: 2) { return .insufficient(reason) }
        let vx = GSL.variance(x) / Double(x.count), vy = GSL.variance(y) / Double(y.count)
        guard vx + vy > 0 else { return .insufficient("no variance in either sample") }
        let df = (vx + vy) * (vx + vy) / (vx * vx / Double(x.count - 1) + vy * vy / Double(y.count - 1))
        return .value(Pieces(meanX: GSL.mean(x), meanY: GSL.mean(y), standardError: (vx + vy).squareRoot(), degreesOfFreedom: df))
    }
}
