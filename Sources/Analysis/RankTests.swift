import Random

/// Mann-Whitney U and Kruskal-Wallis H, as `scipy.stats.mannwhitneyu` and
/// `scipy.stats.kruskal` compute them. Ranks and the exact U distribution are in
/// ``Ranks``; tail probabilities come from GSL (`gsl_cdf_ugaussian_Q`, `gsl_cdf_chisq_Q`).
public enum MannWhitney {
    public enum Method: String, Sendable {
        /// p from the exact null distribution of U (no tie correction).
        case exact
        /// Normal approximation with tie correction and continuity correction.
        case asymptotic
    }

    public struct Result: Sendable, Equatable {
        /// U of x (scipy's U1): pairs with xᵢ > yⱼ, ties ½.
        public let u: Double
        /// Two-sided.
        public let pValue: Double
        public let method: Method
    }

    /// scipy's rule for `method='auto'` (scipy 1.17 `_mwu_choose_method`): exact when
    /// there are no ties in the pooled sample and at least one sample has n ≤ 8;
    /// asymptotic otherwise.
    public static func method(_ x: [Double], _ y: [Double]) -> Method {
        if x.count > 8 && y.count > 8 { return .asymptotic }
        return Ranks.hasTies([x, y]) ? .asymptotic : .exact
    }

    /// Two-sided test of H0: x and y come from the same distribution. Needs n ≥ 2 in
    /// each sample (principle 7: no p-value from n = 1).
    public static func test(_ x: [Double], _ y: [Double]) -> Reported<Result> {
        if let reason = SampleCheck.reason([x, y], minimumCount: 2) { return .insufficient(reason) }
        let (u1, ties) = Ranks.mannWhitneyU(x, y)
        let n1 = Double(x.count), n2 = Double(y.count)
        let u = Swift.max(u1, n1 * n2 - u1)   // the larger U: its upper tail, doubled
        let method = method(x, y)
        let p: Double
        switch method {
        case .exact:
            // P(U ≥ u) = P(U ≤ mn − u) by symmetry; U is an integer without ties.
            let cdf = Ranks.mannWhitneyNullCDF(x.count, y.count)
            p = 2 * cdf[Int(n1 * n2 - u)]
        case .asymptotic:
            let n = n1 + n2
            let variance = n1 * n2 / 12 * ((n + 1) - Ranks.tieTerm(ties) / (n * (n - 1)))
            // All values tied: no variance, no evidence of a difference (scipy: p = 1).
            guard variance > 0 else { return .value(Result(u: u1, pValue: 1, method: method)) }
            let z = (u - n1 * n2 / 2 - 0.5) / variance.squareRoot()
            p = 2 * GSL.normalQ(z)
        }
        return .value(Result(u: u1, pValue: Swift.min(p, 1), method: method))
    }
}

public enum KruskalWallis {
    public struct Result: Sendable, Equatable {
        /// H, corrected for ties.
        public let h: Double
        public let degreesOfFreedom: Int
        /// Upper tail of χ² with k − 1 degrees of freedom.
        public let pValue: Double
    }

    /// H0: all groups come from the same distribution. Needs ≥ 2 groups of n ≥ 2, and
    /// not every value identical (then H is 0/0; scipy raises).
    public static func test(_ groups: [[Double]]) -> Reported<Result> {
        guard groups.count >= 2 else { return .insufficient("\(groups.count) group\(groups.count == 1 ? "" : "s")") }
        if let reason = SampleCheck.reason(groups, minimumCount: 2) { return .insufficient(reason) }
        let (ranks, ties) = Ranks.average(groups.flatMap { $0 })
        let n = Double(ranks.count)
        let correction = 1 - Ranks.tieTerm(ties) / (n * n * n - n)
        guard correction > 0 else { return .insufficient("all values are identical") }
        var sum = 0.0, offset = 0
        for group in groups {
            let rankSum = ranks[offset..<offset + group.count].reduce(0, +)
            sum += rankSum * rankSum / Double(group.count)
            offset += group.count
        }
        let h = (12 / (n * (n + 1)) * sum - 3 * (n + 1)) / correction
        let df = groups.count - 1
        return .value(Result(h: h, degreesOfFreedom: df, pValue: GSL.chiSquaredQ(h, Double(df))))
    }
}
