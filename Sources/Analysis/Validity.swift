import Random

/// When a percentile may be reported at all.
///
/// MLPerf LoadGen's idea: a tail percentile estimated from a sample is only meaningful
/// when enough observations lie beyond it. Here: percentile p (in percent) is reported
/// only when the sample has at least `tail` observations above it, i.e.
/// n · (1 − p/100) ≥ tail. With the default tail of 5: p50 needs 10, p90 50, p99 500,
/// p99.9 5000.
public enum Validity {
    public static let defaultTail = 5

    /// The smallest n with n · (1 − p/100) ≥ tail; p in [0, 100).
    public static func minimumSamples(percentile p: Double, tail: Int = defaultTail) -> Int {
        precondition(p >= 0 && p < 100, "percentile must be in [0, 100), got \(p)")
        precondition(tail >= 1, "tail must be ≥ 1")
        let exact = Double(tail) * 100 / (100 - p)
        // 100 − 99.9 is not exactly 0.1 in binary: snap values within rounding noise of an
        // integer to it, so p99.9 needs 5000 and not 5001.
        let nearest = exact.rounded()
        if abs(exact - nearest) <= 1e-9 * exact { return Int(nearest) }
        return Int(exact.rounded(.up))
    }

    public static func supports(percentile p: Double, samples: Int, tail: Int = defaultTail) -> Bool {
        samples >= minimumSamples(percentile: p, tail: tail)
    }

    /// "n = 120; p99 needs 500".
    static func reason(percentile p: Double, samples: Int, tail: Int) -> String {
        "n = \(samples); p\(label(p)) needs \(minimumSamples(percentile: p, tail: tail))"
    }

    /// "99", "99.9": the percentile as a report names it.
    static func label(_ p: Double) -> String {
        p == p.rounded() ? String(Int(p)) : String(p)
    }
}
