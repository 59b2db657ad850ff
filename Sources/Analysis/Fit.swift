import CGSL
import Foundation
import Random

/// Least-squares fits: a straight line (`gsl_fit_linear`) and a power law y = a·xᵇ fitted
/// as a line in log-log space. Intervals are t-based with n − 2 degrees of freedom, at
/// the level each method is asked for.
public enum Fit {
    /// A fitted value at x with its confidence interval (for the mean response) and
    /// prediction interval (for one new observation).
    public struct Prediction: Sendable, Equatable {
        public let x: Double
        public let value: Double
        public let confidence: ConfidenceInterval
        public let prediction: ConfidenceInterval
    }

    public struct Linear: Sendable, Equatable {
        public let intercept: Double
        public let slope: Double
        public let interceptStandardError: Double
        public let slopeStandardError: Double
        /// 1 − SSR/SST; 1 when y is constant (the line fits exactly).
        public let rSquared: Double
        /// n − 2.
        public let residualDegreesOfFreedom: Int
        /// √(SSR / (n − 2)).
        public let residualStandardError: Double
        // Parameter covariance from GSL, for the intervals of a fitted value.
        let cov00: Double, cov01: Double, cov11: Double

        /// intercept ± t(n − 2)·SE.
        public func interceptInterval(level: Double = 0.95) -> ConfidenceInterval {
            Fit.interval(intercept, interceptStandardError, level: level, dof: residualDegreesOfFreedom)
        }

        /// slope ± t(n − 2)·SE.
        public func slopeInterval(level: Double = 0.95) -> ConfidenceInterval {
            Fit.interval(slope, slopeStandardError, level: level, dof: residualDegreesOfFreedom)
        }

        /// ŷ(x) = intercept + slope·x with
        /// confidence: ŷ ± t·√(cov₀₀ + 2x·cov₀₁ + x²·cov₁₁)   (`gsl_fit_linear_est`),
        /// prediction: ŷ ± t·√(that² + s²), s the residual standard error.
        public func predict(at x: Double, level: Double = 0.95) -> Prediction {
            var value = 0.0, fitError = 0.0
            gsl_fit_linear_est(x, intercept, slope, cov00, cov01, cov11, &value, &fitError)
            let t = Fit.tQuantile(level, Double(residualDegreesOfFreedom))
            let predictionError = (fitError * fitError + residualStandardError * residualStandardError).squareRoot()
            return Prediction(
                x: x, value: value,
                confidence: ConfidenceInterval(lower: value - t * fitError, upper: value + t * fitError, level: level),
                prediction: ConfidenceInterval(lower: value - t * predictionError, upper: value + t * predictionError, level: level))
        }
    }

    /// Needs n ≥ 3 pairs (one residual degree of freedom) and x not all equal.
    public static func linear(_ x: [Double], _ y: [Double]) -> Reported<Linear> {
        precondition(x.count == y.count, "x and y must pair up: \(x.count) vs \(y.count)")
        _ = GSL.prepared
        if let reason = SampleCheck.reason([x, y], minimumCount: 3) { return .insufficient(reason) }
        guard Set(x).count > 1 else { return .insufficient("all x are equal") }
        var c0 = 0.0, c1 = 0.0, cov00 = 0.0, cov01 = 0.0, cov11 = 0.0, ssr = 0.0
        let status = x.withUnsafeBufferPointer { xs in
            y.withUnsafeBufferPointer { ys in
                gsl_fit_linear(xs.baseAddress, 1, ys.baseAddress, 1, xs.count, &c0, &c1, &cov00, &cov01, &cov11, &ssr)
            }
        }
        guard status == GSL_SUCCESS else { return .insufficient("gsl_fit_linear failed (\(status))") }
        let dof = x.count - 2
        let tss = y.withUnsafeBufferPointer { gsl_stats_tss($0.baseAddress, 1, $0.count) }
        return .value(Linear(
            intercept: c0, slope: c1, interceptStandardError: cov00.squareRoot(), slopeStandardError: cov11.squareRoot(),
            rSquared: tss > 0 ? 1 - ssr / tss : 1,
            residualDegreesOfFreedom: dof, residualStandardError: (ssr / Double(dof)).squareRoot(),
            cov00: cov00, cov01: cov01, cov11: cov11))
    }

    /// y = a·xᵇ, fitted as ln y = ln a + b·ln x (so the noise is taken as multiplicative).
    public struct PowerLaw: Sendable, Equatable {
        public let a: Double
        public let b: Double
        /// R² of the log-log line (on the log scale, where the fit is made).
        public let rSquared: Double
        /// The underlying fit of ln y on ln x.
        public let logFit: Linear

        /// exp of the interval for ln a (so not symmetric around a).
        public func aInterval(level: Double = 0.95) -> ConfidenceInterval {
            let i = logFit.interceptInterval(level: level)
            return ConfidenceInterval(lower: exp(i.lower), upper: exp(i.upper), level: level)
        }

        /// The slope's interval of the log-log line.
        public func bInterval(level: Double = 0.95) -> ConfidenceInterval { logFit.slopeInterval(level: level) }

        /// a·xᵇ and its intervals, computed on the log scale and back-transformed with exp:
        /// the value is the fitted *median* of y at x (not the mean), the intervals are
        /// exact images of the log-scale ones. x > 0.
        public func predict(at x: Double, level: Double = 0.95) -> Prediction {
            precondition(x > 0, "power-law predictions need x > 0")
            let p = logFit.predict(at: Foundation.log(x), level: level)
            func back(_ i: ConfidenceInterval) -> ConfidenceInterval {
                ConfidenceInterval(lower: exp(i.lower), upper: exp(i.upper), level: i.level)
            }
            return Prediction(x: x, value: exp(p.value), confidence: back(p.confidence), prediction: back(p.prediction))
        }
    }

    /// Needs n ≥ 3, every x and y > 0, and x not all equal.
    public static func powerLaw(_ x: [Double], _ y: [Double]) -> Reported<PowerLaw> {
        precondition(x.count == y.count, "x and y must pair up: \(x.count) vs \(y.count)")
        guard x.allSatisfy({ $0 > 0 }), y.allSatisfy({ $0 > 0 }) else {
            return .insufficient("a power law needs every x and y > 0")
        }
        return linear(x.map { Foundation.log($0) }, y.map { Foundation.log($0) }).map { fit in
            PowerLaw(a: exp(fit.intercept), b: fit.slope, rSquared: fit.rSquared, logFit: fit)
        }
    }

    /// t quantile for a two-sided interval at `level`.
    static func tQuantile(_ level: Double, _ dof: Double) -> Double {
        precondition(level > 0 && level < 1, "level must be in (0, 1), got \(level)")
        return GSL.tPinv(0.5 + level / 2, dof)
    }

    static func interval(_ estimate: Double, _ standardError: Double, level: Double, dof: Int) -> ConfidenceInterval {
        let t = tQuantile(level, Double(dof))
        return ConfidenceInterval(lower: estimate - t * standardError, upper: estimate + t * standardError, level: level)
    }
}
