import Random

/// Effect sizes for two samples, in the direction y relative to x (positive: y larger).
public enum EffectSize {
    public struct HodgesLehmann: Sendable, Equatable {
        /// Median of all pairwise differences yⱼ − xᵢ.
        public let estimate: Double
        /// The distribution-free (Moses / Lehmann) interval; insufficient when the samples
        /// are too small to reach the level (e.g. 2 against 2 at 95 %).
        public let interval: Reported<ConfidenceInterval>
        /// Coverage actually achieved by the chosen order statistics (≥ the level for the
        /// exact distribution; U is discrete).
        public let achievedLevel: Reported<Double>
        /// Which null distribution of U chose the order statistics.
        public let method: MannWhitney.Method
        /// k: the interval is [D₍ₖ₎, D₍ₘₙ₋ₖ₊₁₎] of the sorted differences (1-based).
        public let rank: Int
    }

    /// Hodges-Lehmann shift estimate of y − x and its confidence interval, by inverting
    /// the Mann-Whitney test:
    ///
    /// - D₍₁₎ ≤ … ≤ D₍ₘₙ₎ are the sorted differences yⱼ − xᵢ (`gsl_sort`);
    /// - k is the largest integer with P(U ≤ k − 1) ≤ α/2 under H0, α = 1 − level;
    /// - the interval is [D₍ₖ₎, D₍ₘₙ₋ₖ₊₁₎], its coverage 1 − 2·P(U ≤ k − 1).
    ///
    /// P(U ≤ ·) is exact (``Ranks/mannWhitneyNullCDF(_:_:)``) when ``MannWhitney`` would
    /// use the exact test (no ties, some n ≤ 8); otherwise the normal approximation with
    /// continuity correction and no tie correction:
    /// k = ⌊mn/2 + ½ − z₁₋α/₂ · √(mn(m + n + 1)/12)⌋.
    /// When k < 1 the level cannot be reached and the interval is insufficient.
    /// Needs n ≥ 1 per sample for the estimate and n ≥ 2 for the interval. Holds all mn
    /// differences (8·m·n bytes): meant for per-run values, not millions of frames.
    public static func hodgesLehmann(_ x: [Double], _ y: [Double], level: Double = 0.95) -> Reported<HodgesLehmann> {
        precondition(level > 0 && level < 1, "level must be in (0, 1), got \(level)")
        if let reason = SampleCheck.reason([x, y], minimumCount: 1) { return .insufficient(reason) }
        _ = GSL.prepared
        var differences = [Double]()
        differences.reserveCapacity(x.count * y.count)
        for xi in x { for yj in y { differences.append(yj - xi) } }
        let sorted = GSL.sorted(differences)
        let estimate = GSL.median(sorted: sorted)

        let m = x.count, n = y.count, mn = m * n
        let alpha = 1 - level
        let method = MannWhitney.method(x, y)
        let k: Int
        let achieved: Double
        switch method {
        case .exact:
            let cdf = Ranks.mannWhitneyNullCDF(m, n)
            var found = 0
            while found < mn, cdf[found] <= alpha / 2 { found += 1 }   // stops at cdf[k] > α/2 ≥ cdf[k − 1]
            k = found
            achieved = 1 - 2 * (k >= 1 ? cdf[k - 1] : 0)
        case .asymptotic:
            let sigma = (Double(mn) * Double(m + n + 1) / 12).squareRoot()
            let z = GSL.normalPinv(1 - alpha / 2)
            k = Int((Double(mn) / 2 + 0.5 - z * sigma).rounded(.down))
            achieved = 1 - 2 * GSL.normalP((Double(k) - 0.5 - Double(mn) / 2) / sigma)
        }
        let interval: Reported<ConfidenceInterval>
        let achievedLevel: Reported<Double>
        if let reason = SampleCheck.reason([x, y], minimumCount: 2) {
            (interval, achievedLevel) = (.insufficient(reason), .insufficient(reason))
        } else if k < 1 {
            let reason = "n = \(m) and \(n) cannot reach a \(level * 100) % interval"
            (interval, achievedLevel) = (.insufficient(reason), .insufficient(reason))
        } else {
            interval = .value(ConfidenceInterval(lower: sorted[k - 1], upper: sorted[mn - k], level: level))
            achievedLevel = .value(achieved)
        }
        return .value(HodgesLehmann(estimate: estimate, interval: interval, achievedLevel: achievedLevel,
                                    method: method, rank: k))
    }

    /// Cliff's δ = P(Y > X) − P(Y < X) over all pairs, in [−1, 1]; from the Mann-Whitney
    /// U of x (pairs xᵢ > yⱼ, ties ½): δ = 1 − 2U/(mn). Needs n ≥ 1 per sample.
    public static func cliffsDelta(_ x: [Double], _ y: [Double]) -> Reported<Double> {
        if let reason = SampleCheck.reason([x, y], minimumCount: 1) { return .insufficient(reason) }
        let u = Ranks.mannWhitneyU(x, y).u
        return .value(1 - 2 * u / Double(x.count * y.count))
    }
}
