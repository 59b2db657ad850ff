import CGSL
import Random

/// Distribution-free confidence bounds for a median from order statistics.
///
/// For n independent draws of a continuous distribution with median m, the number of
/// draws below m is Binomial(n, ½) whatever the distribution. So the interval
/// [X₍ᵣ₎, X₍ₙ₊₁₋ᵣ₎] between the r-th smallest and the r-th largest value misses m exactly
/// when fewer than r draws fall on one side:
///
///     coverage(n, r) = 1 − 2 · P(Bin(n, ½) < r)        (two-sided)
///     P(m ≤ X₍ₙ₊₁₋ᵣ₎) = P(m ≥ X₍ᵣ₎) = 1 − P(Bin(n, ½) < r)   (one end alone)
///
/// (Hollander, Wolfe & Chicken, *Nonparametric Statistical Methods*, 3rd ed., §3.6;
/// Conover, *Practical Nonparametric Statistics*, §3.2.) The coverage is exact and takes
/// only n + 1 values, so a small sample cannot reach every level: from 3 runs the best
/// interval is min–max, which covers the median 75 % of the time. This type therefore
/// reports the coverage it achieved, never the level it was asked for.
///
/// Why not the percentile bootstrap: for a median its ends fall on order statistics too,
/// but it labels them with the level asked for — from 3 values its "95 %" interval is
/// min–max, a 75 % interval (the coverage test in AnalysisTests measures both).
///
/// The binomial CDF is GSL's (`gsl_cdf_binomial_P`, through the incomplete beta function:
/// 0.125 comes back as 0.12500000000000014, so compare coverages with a tolerance). Ties (discrete data) only make the
/// interval wider than needed: the coverage stated is then a lower bound.
public enum MedianInterval {
    /// P(Bin(n, ½) < r), the chance that one end of [X₍ᵣ₎, X₍ₙ₊₁₋ᵣ₎] misses the median.
    public static func tailMiss(n: Int, rank r: Int) -> Double {
        precondition(n >= 1 && r >= 1 && 2 * r <= n + 1, "rank \(r) out of range for n = \(n)")
        _ = GSL.prepared
        return gsl_cdf_binomial_P(UInt32(r - 1), 0.5, UInt32(n))
    }

    /// Exact coverage of [X₍ᵣ₎, X₍ₙ₊₁₋ᵣ₎]: 1 − 2 P(Bin(n, ½) < r). For r = (n + 1) / 2
    /// (n odd) the interval is the sample median alone and covers with probability 0.
    public static func coverage(n: Int, rank r: Int) -> Double {
        // For the middle order statistic both ends are one point, and the formula's two
        // misses overlap: a continuous median is hit with probability 0.
        if 2 * r == n + 1 { return 0 }
        return 1 - 2 * tailMiss(n: n, rank: r)
    }

    /// Exact coverage of one end alone (X₍ₙ₊₁₋ᵣ₎ ≥ m, or X₍ᵣ₎ ≤ m): 1 − P(Bin(n, ½) < r).
    public static func oneSidedCoverage(n: Int, rank r: Int) -> Double { 1 - tailMiss(n: n, rank: r) }

    /// The largest rank r (the narrowest interval) whose coverage is at least `level`;
    /// 1 (min–max) when no rank reaches it, as for n ≤ 5 at 95 %.
    public static func rank(n: Int, level: Double) -> Int {
        precondition(n >= 1, "n must be ≥ 1")
        precondition(level > 0 && level < 1, "level must be in (0, 1), got \(level)")
        var best = 1
        var r = 2
        while 2 * r <= n && coverage(n: n, rank: r) >= level {
            best = r
            r += 1
        }
        return best
    }

    /// The interval for the median of `data` at (at least) `level`, or min–max when the
    /// sample is too small for that level; `level` of the result is the exact coverage
    /// achieved (0.75 for 3 values). Needs n ≥ 2.
    public static func interval(_ data: [Double], level: Double = 0.95) -> Reported<ConfidenceInterval> {
        if let reason = SampleCheck.reason([data], minimumCount: 2) { return .insufficient(reason) }
        let sorted = GSL.sorted(data)
        let n = sorted.count, r = rank(n: n, level: level)
        return .value(ConfidenceInterval(lower: sorted[r - 1], upper: sorted[n - r], level: coverage(n: n, rank: r)))
    }

    /// One-sided bounds for the median: `lower` ≤ m and m ≤ `upper`, each holding with
    /// probability `oneSided` (both at once: `level`). The ends of ``interval(_:level:)``.
    public struct Bounds: Sendable, Equatable {
        public let lower: Double
        public let upper: Double
        public let count: Int
        public let rank: Int
        /// Exact probability that one given end holds: 1 − P(Bin(n, ½) < r).
        public let oneSided: Double
        /// Exact probability that both hold: 1 − 2 P(Bin(n, ½) < r).
        public let level: Double
    }

    public static func bounds(_ data: [Double], level: Double = 0.95) -> Reported<Bounds> {
        if let reason = SampleCheck.reason([data], minimumCount: 2) { return .insufficient(reason) }
        let sorted = GSL.sorted(data)
        let n = sorted.count, r = rank(n: n, level: level)
        return .value(Bounds(lower: sorted[r - 1], upper: sorted[n - r], count: n, rank: r,
                             oneSided: oneSidedCoverage(n: n, rank: r), level: coverage(n: n, rank: r)))
    }
}

/// "75 %", "93.8 %", "99.2 %": a coverage as a report prints it, never rounded up to a
/// level it does not reach (74.99 % prints as 74.9 %, not 75 %).
public func coverageText(_ coverage: Double) -> String {
    let percent = coverage * 100
    // Truncate at one decimal so a printed figure never overstates the coverage; a value
    // within rounding noise of a whole tenth is that tenth (0.75 is 75 %, not 74.9 %).
    let tenths = (percent * 10 + 1e-9).rounded(.down) / 10
    return tenths == tenths.rounded() ? String(format: "%.0f %%", tenths) : String(format: "%.1f %%", tenths)
}
