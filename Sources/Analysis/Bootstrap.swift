import Random

/// Bootstrap confidence intervals: percentile and BCa, following
/// `scipy.stats.bootstrap` (Efron & Tibshirani ch. 14.3, eq. 15.36) step for step, so the
/// two agree up to Monte Carlo error; with the same bootstrap distribution they agree to
/// rounding (the reference tests replay GSLRandom's draws in NumPy to check that).
///
/// Resampling draws from the project's seeded ``GSLRandom`` (`uniformInt(below:)`): the
/// same seed gives the same interval on every machine. For each resample the samples are
/// drawn in order (x's n_x indices, then y's), each with replacement, independently —
/// scipy's `paired=False`.
///
/// Statistics are plain functions of a resample, e.g. `Descriptive.median` or
/// `{ Descriptive.quantile($0, 0.99) }`; resamples are never empty (n ≥ 2 is required).
/// Cost: `resamples` statistic calls on resamples of full size, plus n jackknife calls
/// per sample for BCa.
public enum Bootstrap {
    public enum Method: String, Sendable {
        /// Quantiles α/2 and 1 − α/2 of the bootstrap distribution.
        case percentile
        /// Bias-corrected and accelerated: quantiles shifted by z₀ (median bias of the
        /// bootstrap distribution) and a (acceleration, from the jackknife).
        case bca
    }

    /// Interval for `statistic(data)`. Needs n ≥ 2.
    public static func interval(
        _ data: [Double], statistic: ([Double]) -> Double, level: Double = 0.95,
        resamples: Int = 10_000, method: Method = .bca, seed: UInt64
    ) -> Reported<ConfidenceInterval> {
        run([data], statistic: { statistic($0[0]) }, level: level, resamples: resamples, method: method, seed: seed)
    }

    /// Interval for a statistic of two independent samples, each resampled on its own.
    public static func interval(
        _ x: [Double], _ y: [Double], statistic: ([Double], [Double]) -> Double, level: Double = 0.95,
        resamples: Int = 10_000, method: Method = .bca, seed: UInt64
    ) -> Reported<ConfidenceInterval> {
        run([x, y], statistic: { statistic($0[0], $0[1]) }, level: level, resamples: resamples, method: method, seed: seed)
    }

    /// Interval for statistic(y) / statistic(x) — "C's p99 is 0.59× A's [0.53, 0.65]",
    /// i.e. 41 % lower [35 %, 47 %]. Insufficient when a resample's denominator is 0.
    public static func ratioInterval(
        _ x: [Double], _ y: [Double], statistic: ([Double]) -> Double, level: Double = 0.95,
        resamples: Int = 10_000, method: Method = .bca, seed: UInt64
    ) -> Reported<ConfidenceInterval> {
        interval(x, y, statistic: { statistic($1) / statistic($0) }, level: level,
                 resamples: resamples, method: method, seed: seed)
    }

    /// Interval for statistic(y) − statistic(x).
    public static func differenceInterval(
        _ x: [Double], _ y: [Double], statistic: ([Double]) -> Double, level: Double = 0.95,
        resamples: Int = 10_000, method: Method = .bca, seed: UInt64
    ) -> Reported<ConfidenceInterval> {
        interval(x, y, statistic: { statistic($1) - statistic($0) }, level: level,
                 resamples: resamples, method: method, seed: seed)
    }

    // MARK: - The engine, for any number of independent samples

    static func run(
        _ samples: [[Double]], statistic: ([[Double]]) -> Double, level: Double,
        resamples: Int, method: Method, seed: UInt64
    ) -> Reported<ConfidenceInterval> {
        precondition(level > 0 && level < 1, "level must be in (0, 1), got \(level)")
        precondition(resamples >= 1, "resamples must be ≥ 1")
        _ = GSL.prepared
        if let reason = SampleCheck.reason(samples, minimumCount: 2) { return .insufficient(reason) }

        let random = GSLRandom(seed: seed)
        var buffers = samples.map { [Double](repeating: 0, count: $0.count) }
        var distribution = [Double]()
        distribution.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for (j, sample) in samples.enumerated() {
                let n = UInt64(sample.count)
                for i in 0..<sample.count { buffers[j][i] = sample[Int(random.uniformInt(below: n))] }
            }
            let theta = statistic(buffers)
            guard theta.isFinite else { return .insufficient("the statistic is not finite on a resample") }
            distribution.append(theta)
        }
        let sorted = GSL.sorted(distribution)
        let alpha = (1 - level) / 2

        let probabilities: (Double, Double)
        switch method {
        case .percentile:
            probabilities = (alpha, 1 - alpha)
        case .bca:
            guard let shifted = bcaProbabilities(samples, statistic: statistic, sortedDistribution: sorted, alpha: alpha) else {
                return .insufficient("BCa undefined: the estimate lies outside the bootstrap distribution")
            }
            probabilities = shifted
        }
        return .value(ConfidenceInterval(
            lower: GSL.quantile(sorted: sorted, probabilities.0),
            upper: GSL.quantile(sorted: sorted, probabilities.1),
            level: level))
    }

    /// The BCa quantile levels (α₁, α₂), as scipy's `_bca_interval`; nil when z₀ is
    /// infinite (every bootstrap value on one side of the estimate).
    private static func bcaProbabilities(
        _ samples: [[Double]], statistic: ([[Double]]) -> Double, sortedDistribution sorted: [Double], alpha: Double
    ) -> (Double, Double)? {
        let estimate = statistic(samples)
        guard estimate.isFinite else { return nil }
        // Bias correction: the share of the bootstrap distribution below the estimate,
        // ties counted half (scipy's percentileofscore kind='mean').
        let below = sorted.partitioningIndex { $0 >= estimate }
        let atOrBelow = sorted.partitioningIndex { $0 > estimate }
        let share = Double(below + atOrBelow) / Double(2 * sorted.count)
        guard share > 0, share < 1 else { return nil }
        let z0 = GSL.normalPinv(share)

        // Acceleration from the jackknife of each sample in turn (the others whole):
        // U = (n − 1)(θ̄₍.₎ − θ₍ᵢ₎); a = Σⱼ ΣU³/n³ / (6 (Σⱼ ΣU²/n²)^{3/2}).
        var numerator = 0.0, denominator = 0.0
        for j in samples.indices {
            let n = samples[j].count
            var leaveOneOut = samples
            let jackknife: [Double] = (0..<n).map { i in
                var reduced = samples[j]
                reduced.remove(at: i)
                leaveOneOut[j] = reduced
                return statistic(leaveOneOut)
            }
            guard jackknife.allSatisfy(\.isFinite) else { return nil }
            let jackknifeMean = GSL.mean(jackknife)
            let nn = Double(n)
            var cubes = 0.0, squares = 0.0
            for theta in jackknife {
                let u = (nn - 1) * (jackknifeMean - theta)
                cubes += u * u * u
                squares += u * u
            }
            numerator += cubes / (nn * nn * nn)
            denominator += squares / (nn * nn)
        }
        // A statistic the jackknife cannot move (e.g. identical values) has no skew to
        // correct: a = 0 rather than 0/0.
        let acceleration = denominator > 0 ? numerator / 6 / (denominator * denominator.squareRoot()) : 0

        let zAlpha = GSL.normalPinv(alpha)
        func shifted(_ z: Double) -> Double {
            let sum = z0 + z
            return GSL.normalP(z0 + sum / (1 - acceleration * sum))
        }
        return (shifted(zAlpha), shifted(-zAlpha))
    }
}

extension Array where Element == Double {
    /// First index whose element satisfies `predicate`, for an array partitioned so that
    /// all non-matching elements come first (binary search over sorted data).
    fileprivate func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
