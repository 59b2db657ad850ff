import Random

/// Holm's step-down correction for multiple comparisons (statsmodels
/// `multipletests(method='holm')`): sort ascending, multiply the i-th smallest (0-based)
/// by (m − i), take the running maximum so the order is preserved, cap at 1.
/// Controls the family-wise error rate with no independence assumption, and is never
/// less powerful than Bonferroni.
public enum Holm {
    /// Adjusted p-values, in the order given. Empty in, empty out.
    public static func adjust(_ pValues: [Double]) -> [Double] {
        precondition(pValues.allSatisfy { (0...1).contains($0) }, "p-values must be in [0, 1]")
        let m = pValues.count
        let order = GSL.sortIndex(pValues)
        var adjusted = [Double](repeating: 0, count: m)
        var running = 0.0
        for (i, index) in order.enumerated() {
            running = Swift.max(running, Double(m - i) * pValues[index])
            adjusted[index] = Swift.min(1, running)
        }
        return adjusted
    }
}
