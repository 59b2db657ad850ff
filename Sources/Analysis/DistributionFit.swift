import CGSL
import Foundation
import Random

/// Maximum-likelihood fits of positive durations (service times) to the lognormal and
/// gamma families, and the Kolmogorov–Smirnov distance of each fit to the data, so a
/// calibration can say which family describes a worker and how well.
public enum DistributionFit {
    public enum Family: String, Sendable, Codable { case lognormal, gamma }

    public struct Result: Sendable, Equatable {
        public let family: Family
        /// lognormal: ζ (mean of ln x) and σ (MLE sd of ln x); gamma: shape k and scale θ.
        public let first: Double
        public let second: Double
        /// The fitted distribution's mean and standard deviation, in the data's unit.
        public let mean: Double
        public let standardDeviation: Double
        /// sup |F_n − F| over the data.
        public let ksDistance: Double
        /// The Kolmogorov distribution's tail at that distance. With parameters fitted to
        /// the same data it is conservative (Lilliefors): a small value is a real misfit.
        public let ksPValue: Double
        public let count: Int
    }

    /// Lognormal MLE: ζ = mean of ln x, σ² = mean of (ln x − ζ)² (population form).
    public static func lognormal(_ data: [Double]) -> Reported<Result> {
        if let reason = check(data) { return .insufficient(reason) }
        _ = GSL.prepared
        let logs = data.map { log($0) }
        let zeta = logs.reduce(0, +) / Double(logs.count)
        let sigma = (logs.reduce(0) { $0 + ($1 - zeta) * ($1 - zeta) } / Double(logs.count)).squareRoot()
        guard sigma > 1e-12 else { return .insufficient("all values equal") }
        let mean = exp(zeta + sigma * sigma / 2)
        let sd = mean * (exp(sigma * sigma) - 1).squareRoot()
        let d = ksDistance(data) { gsl_cdf_lognormal_P($0, zeta, sigma) }
        return .value(Result(family: .lognormal, first: zeta, second: sigma, mean: mean, standardDeviation: sd,
                             ksDistance: d, ksPValue: kolmogorovQ(d, data.count), count: data.count))
    }

    /// Gamma MLE: the shape k solves ln k − ψ(k) = ln(mean x) − mean(ln x) (Newton's
    /// method from the Choi–Wette start, with ψ and ψ′ from GSL); θ = mean / k.
    public static func gamma(_ data: [Double]) -> Reported<Result> {
        if let reason = check(data) { return .insufficient(reason) }
        _ = GSL.prepared
        let n = Double(data.count)
        let mean = data.reduce(0, +) / n
        let s = log(mean) - data.reduce(0) { $0 + log($1) } / n
        // Equal values give s = 0 up to rounding: no spread to fit.
        guard s > 1e-12 else { return .insufficient("all values equal") }
        var k = (3 - s + ((s - 3) * (s - 3) + 24 * s).squareRoot()) / (12 * s)
        for _ in 0..<50 {
            let f = log(k) - gsl_sf_psi(k) - s
            let step = f / (1 / k - gsl_sf_psi_1(k))
            k = max(k - step, k / 10)
            if abs(step) < 1e-12 * k { break }
        }
        let theta = mean / k
        let d = ksDistance(data) { gsl_cdf_gamma_P($0, k, theta) }
        return .value(Result(family: .gamma, first: k, second: theta, mean: k * theta, standardDeviation: k.squareRoot() * theta,
                             ksDistance: d, ksPValue: kolmogorovQ(d, data.count), count: data.count))
    }

    /// Fewer values than this are not fitted.
    public static let minimumSamples = 10

    /// Both families, the one with the smaller KS distance first.
    public static func best(_ data: [Double]) -> [Result] {
        [lognormal(data).valueOrNil, gamma(data).valueOrNil].compactMap { $0 }.sorted { $0.ksDistance < $1.ksDistance }
    }

    private static func check(_ data: [Double]) -> String? {
        if data.count < minimumSamples { return "n = \(data.count); a fit needs at least \(minimumSamples) values" }
        if data.contains(where: { !($0 > 0) || !$0.isFinite }) { return "values must be positive and finite" }
        return nil
    }

    /// sup over the sorted sample of |i/n − F(x_i)| and |F(x_i) − (i−1)/n|.
    static func ksDistance(_ data: [Double], cdf: (Double) -> Double) -> Double {
        let sorted = GSL.sorted(data)
        let n = Double(sorted.count)
        var d = 0.0
        for (index, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, Double(index + 1) / n - f, f - Double(index) / n)
        }
        return d
    }

    /// P(D_n > d) by the Kolmogorov limit with Stephens' small-sample correction:
    /// 2 Σ (−1)^(j−1) exp(−2 j² λ²), λ = (√n + 0.12 + 0.11/√n) d. GSL has no Kolmogorov
    /// distribution, so this series is written here.
    static func kolmogorovQ(_ d: Double, _ count: Int) -> Double {
        let root = Double(count).squareRoot()
        let lambda = (root + 0.12 + 0.11 / root) * d
        guard lambda > 0.2 else { return 1 }
        var sum = 0.0
        for j in 1...100 {
            let term = exp(-2 * Double(j * j) * lambda * lambda)
            sum += (j % 2 == 1 ? 1 : -1) * term
            if term < 1e-16 { break }
        }
        return min(1, max(0, 2 * sum))
    }
}
