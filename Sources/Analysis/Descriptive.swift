import CGSL
import Random

/// Descriptive statistics over GSL (`gsl_stats_*`, `gsl_sort`).
///
/// Two kinds of entry point, on purpose:
/// - the building blocks `mean`, `median`, `quantile`, `min`, `max` return a plain
///   `Double` and require a non-empty sample (a precondition: an empty array here is the
///   caller's bug). They are what a bootstrap `statistic:` takes, e.g.
///   `Bootstrap.interval(x, statistic: Descriptive.median, seed: 1)`.
/// - what a report prints — ``summary(_:tail:)``, ``percentile(_:of:tail:)``,
///   ``variance(_:)``, ``standardDeviation(_:)`` — returns ``Reported``: an empty sample
///   has no summary, one observation has no spread, 120 have no p99.
public enum Descriptive {
    public static func count(_ data: [Double]) -> Int { data.count }

    /// `gsl_stats_mean`; data non-empty.
    public static func mean(_ data: [Double]) -> Double {
        precondition(!data.isEmpty, "mean of an empty sample")
        return GSL.mean(data)
    }

    /// Sample variance, n − 1 in the denominator (`gsl_stats_variance`); needs n ≥ 2.
    public static func variance(_ data: [Double]) -> Reported<Double> {
        check(data, minimum: 2).map { GSL.variance($0) }
    }

    /// Sample standard deviation (`gsl_stats_sd`); needs n ≥ 2.
    public static func standardDeviation(_ data: [Double]) -> Reported<Double> {
        check(data, minimum: 2).map { d in d.withUnsafeBufferPointer { gsl_stats_sd($0.baseAddress, 1, $0.count) } }
    }

    /// `gsl_stats_median_from_sorted_data` on a sorted copy; data non-empty.
    public static func median(_ data: [Double]) -> Double {
        precondition(!data.isEmpty, "median of an empty sample")
        return GSL.median(sorted: GSL.sorted(data))
    }

    /// The p-quantile, p in [0, 1], by linear interpolation between order statistics
    /// (`gsl_stats_quantile_from_sorted_data`; numpy's default `method='linear'`); data
    /// non-empty. It does not apply the ``Validity`` tail rule; ``percentile(_:of:tail:)``
    /// does.
    public static func quantile(_ data: [Double], _ p: Double) -> Double {
        precondition(!data.isEmpty, "quantile of an empty sample")
        precondition((0...1).contains(p), "quantile p must be in [0, 1], got \(p)")
        return GSL.quantile(sorted: GSL.sorted(data), p)
    }

    /// The percentile p (in percent, e.g. 99 for p99), only when ``Validity`` says the
    /// sample has at least `tail` observations beyond it.
    public static func percentile(_ p: Double, of data: [Double], tail: Int = Validity.defaultTail) -> Reported<Double> {
        if let reason = SampleCheck.reason([data], minimumCount: 1) { return .insufficient(reason) }
        guard Validity.supports(percentile: p, samples: data.count, tail: tail) else {
            return .insufficient(Validity.reason(percentile: p, samples: data.count, tail: tail))
        }
        return .value(quantile(data, p / 100))
    }

    /// `gsl_stats_min`; data non-empty.
    public static func min(_ data: [Double]) -> Double {
        precondition(!data.isEmpty, "min of an empty sample")
        return data.withUnsafeBufferPointer { gsl_stats_min($0.baseAddress, 1, $0.count) }
    }

    /// `gsl_stats_max`; data non-empty.
    public static func max(_ data: [Double]) -> Double {
        precondition(!data.isEmpty, "max of an empty sample")
        return data.withUnsafeBufferPointer { gsl_stats_max($0.baseAddress, 1, $0.count) }
    }

    /// The summary a report prints for one metric; insufficient for an empty sample or
    /// one with non-finite values.
    public static func summary(_ data: [Double], tail: Int = Validity.defaultTail) -> Reported<Summary> {
        check(data, minimum: 1).map { data in
            let sorted = GSL.sorted(data)
            func tailPercentile(_ p: Double) -> Reported<Double> {
                Validity.supports(percentile: p, samples: sorted.count, tail: tail)
                    ? .value(GSL.quantile(sorted: sorted, p / 100))
                    : .insufficient(Validity.reason(percentile: p, samples: sorted.count, tail: tail))
            }
            return Summary(
                count: sorted.count,
                mean: GSL.mean(sorted),
                standardDeviation: standardDeviation(sorted),
                min: sorted[0],
                median: GSL.median(sorted: sorted),
                max: sorted[sorted.count - 1],
                p90: tailPercentile(90), p99: tailPercentile(99), p999: tailPercentile(99.9)
            )
        }
    }

    private static func check(_ data: [Double], minimum: Int) -> Reported<[Double]> {
        if let reason = SampleCheck.reason([data], minimumCount: minimum) { return .insufficient(reason) }
        return .value(data)
    }
}

/// One metric's sample, summarised. Tail percentiles follow the ``Validity`` rule, so a
/// p99 of 120 observations is `.insufficient`, not a number.
public struct Summary: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// Insufficient when n = 1.
    public let standardDeviation: Reported<Double>
    public let min: Double
    public let median: Double
    public let max: Double
    public let p90: Reported<Double>
    public let p99: Reported<Double>
    public let p999: Reported<Double>
}
