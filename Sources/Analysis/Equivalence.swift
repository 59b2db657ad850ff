import Random

/// Equivalence testing: is the difference small enough to ignore?
public enum Equivalence {
    public struct Result: Sendable, Equatable {
        /// mean y − mean x.
        public let difference: Double
        public let margin: Double
        public let alpha: Double
        /// p of H0: difference ≤ −margin (rejecting it says "not lower by the margin").
        public let pLower: Double
        /// p of H0: difference ≥ +margin.
        public let pUpper: Double
        /// max(pLower, pUpper): equivalence needs both one-sided tests to reject.
        public let pValue: Double
        public let degreesOfFreedom: Double
        /// pValue < alpha: the difference lies within ±margin at level 1 − 2α.
        public let equivalent: Bool
    }

    /// Two one-sided Welch tests (Schuirmann's TOST) of |mean y − mean x| < margin, margin
    /// in the data's units (> 0). A non-significant Welch test is not evidence of no
    /// difference; this is. Needs n ≥ 2 per sample and some variance.
    public static func tost(_ x: [Double], _ y: [Double], margin: Double, alpha: Double = 0.05) -> Reported<Result> {
        precondition(margin > 0, "margin must be > 0, got \(margin)")
        precondition(alpha > 0 && alpha < 0.5, "alpha must be in (0, 0.5), got \(alpha)")
        return Welch.statistic(x, y).map { s in
            let difference = s.meanY - s.meanX
            let pLower = GSL.tQ((difference + margin) / s.standardError, s.degreesOfFreedom)
            let pUpper = GSL.tP((difference - margin) / s.standardError, s.degreesOfFreedom)
            let p = Swift.max(pLower, pUpper)
            return Result(difference: difference, margin: margin, alpha: alpha, pLower: pLower, pUpper: pUpper,
                          pValue: p, degreesOfFreedom: s.degreesOfFreedom, equivalent: p < alpha)
        }
    }
}
