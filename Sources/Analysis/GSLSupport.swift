import CGSL
import Random

/// Small helpers around GSL's C API shared by the routines in this module.
enum GSL {
    /// GSL's default error handler aborts the process (e.g. a CDF asked for an
    /// out-of-range probability). This module checks its inputs instead, so the handler
    /// is switched off once, before the first GSL call, as `GSLRandom` does.
    static let prepared: Void = { gsl_set_error_handler_off() }()

    /// A sorted copy (`gsl_sort`, in place on the copy).
    static func sorted(_ data: [Double]) -> [Double] {
        var copy = data
        copy.withUnsafeMutableBufferPointer { gsl_sort($0.baseAddress, 1, $0.count) }
        return copy
    }

    static func mean(_ data: [Double]) -> Double {
        data.withUnsafeBufferPointer { gsl_stats_mean($0.baseAddress, 1, $0.count) }
    }

    /// Sample variance (n − 1 denominator); n ≥ 2.
    static func variance(_ data: [Double]) -> Double {
        data.withUnsafeBufferPointer { gsl_stats_variance($0.baseAddress, 1, $0.count) }
    }

    /// Linear-interpolation quantile of sorted data, f in [0, 1] (numpy's default method).
    static func quantile(sorted: [Double], _ f: Double) -> Double {
        sorted.withUnsafeBufferPointer { gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, f) }
    }

    static func median(sorted: [Double]) -> Double {
        sorted.withUnsafeBufferPointer { gsl_stats_median_from_sorted_data($0.baseAddress, 1, $0.count) }
    }

    /// The permutation that sorts `data` ascending (`gsl_sort_index`).
    static func sortIndex(_ data: [Double]) -> [Int] {
        var permutation = [Int](repeating: 0, count: data.count)
        permutation.withUnsafeMutableBufferPointer { p in
            data.withUnsafeBufferPointer { d in
                gsl_sort_index(p.baseAddress, d.baseAddress, 1, d.count)
            }
        }
        return permutation
    }

    // Standard normal and Student t / chi-squared tails (gsl_cdf_*).
    static func normalP(_ z: Double) -> Double { _ = prepared; return gsl_cdf_ugaussian_P(z) }
    static func normalQ(_ z: Double) -> Double { _ = prepared; return gsl_cdf_ugaussian_Q(z) }
    static func normalPinv(_ p: Double) -> Double { _ = prepared; return gsl_cdf_ugaussian_Pinv(p) }
    static func tP(_ t: Double, _ df: Double) -> Double { _ = prepared; return gsl_cdf_tdist_P(t, df) }
    static func tQ(_ t: Double, _ df: Double) -> Double { _ = prepared; return gsl_cdf_tdist_Q(t, df) }
    static func tPinv(_ p: Double, _ df: Double) -> Double { _ = prepared; return gsl_cdf_tdist_Pinv(p, df) }
    static func chiSquaredQ(_ x: Double, _ df: Double) -> Double { _ = prepared; return gsl_cdf_chisq_Q(x, df) }
}

/// Input checks shared by the tests: the reason a sample cannot support the routine,
/// or nil when it can.
enum SampleCheck {
    static func reason(_ samples: [[Double]], minimumCount: Int) -> String? {
        if samples.contains(where: { $0.count < minimumCount }) {
            return "n = " + samples.map { String($0.count) }.joined(separator: " and ")
        }
        if samples.contains(where: { $0.contains { !$0.isFinite } }) {
            return "non-finite values in the sample"
        }
        return nil
    }
}
