import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// A cost metric against stream count for one option, fitted linear (y = a + b·N) and as
/// a power law (y = a·N^b, a line in log-log), each run one point; extrapolated to the
/// counts nobody measured, with prediction intervals that say how far to trust it.
///
/// CPU is fitted only through runs below their CPU ceiling (``CPUCeiling``): a saturated
/// run measured the box, not the option's cost, and a curve through it would extrapolate
/// the ceiling.
public struct ScalingFit: Sendable {
    public enum Model: String, Sendable { case linear, powerLaw = "power-law" }

    public var option: String
    public var metric: Metric
    public var model: Model
    public var points: Int
    /// The stream counts the fitted runs span: the curve is data within them, a model beyond.
    public var streams: ClosedRange<Int>
    /// Runs left out for being at their CPU ceiling.
    public var saturatedLeftOut: Int
    /// Intercept and slope (linear) or a and b (power law), with their CIs.
    public var first: (value: Double, interval: ConfidenceInterval)
    public var second: (value: Double, interval: ConfidenceInterval)
    public var rSquared: Double
    /// Predictions at 64 and 128 streams, with prediction intervals.
    public var extrapolations: [(streams: Int, value: Double, interval: ConfidenceInterval)]
    let predictor: @Sendable (Double) -> Double?

    public func predict(_ streams: Double) -> Double? { predictor(streams) }

    public static let extrapolateTo = [64, 128]

    /// Fits of every option with at least three runs over at least two stream counts.
    static func make(runs: [RunRecord], metrics: [Metric], level: Double) -> [ScalingFit] {
        var fits: [ScalingFit] = []
        for option in runs.map(\.option).uniqued().sorted() {
            for metric in metrics {
                let mine = runs.filter { $0.option == option && metric.value(in: $0) != nil }
                let fitted = metric == Metric(.processCores) ? mine.filter { !CPUCeiling.isSaturated($0) } : mine
                let points = fitted.compactMap { run in metric.value(in: run).map { (Double(run.streams), $0) } }
                guard points.count >= 3, Set(points.map(\.0)).count >= 2 else { continue }
                let counts = fitted.map(\.streams)
                let x = points.map(\.0), y = points.map(\.1)
                func add(_ model: Model, _ first: (Double, ConfidenceInterval), _ second: (Double, ConfidenceInterval), _ rSquared: Double,
                         _ predict: @escaping @Sendable (Double) -> Fit.Prediction) {
                    fits.append(ScalingFit(
                        option: option, metric: metric, model: model, points: points.count, streams: counts.min()!...counts.max()!,
                        saturatedLeftOut: mine.count - fitted.count, first: first, second: second, rSquared: rSquared,
                        extrapolations: extrapolateTo.map { n in let p = predict(Double(n)); return (n, p.value, p.prediction) },
                        predictor: { predict($0).value }))
                }
                if case .value(let fit) = Fit.linear(x, y) {
                    add(.linear, (fit.intercept, fit.interceptInterval(level: level)), (fit.slope, fit.slopeInterval(level: level)),
                        fit.rSquared) { fit.predict(at: $0, level: level) }
                }
                if y.allSatisfy({ $0 > 0 }), case .value(let fit) = Fit.powerLaw(x, y) {
                    add(.powerLaw, (fit.a, fit.aInterval(level: level)), (fit.b, fit.bInterval(level: level)),
                        fit.rSquared) { fit.predict(at: $0, level: level) }
                }
            }
        }
        return fits
    }

    /// Why an option's CPU has no fit when saturated runs were left out of it (nil: it has
    /// one, or it never had runs enough to fit).
    static func unfittedForSaturation(option: String, runs: [RunRecord]) -> String? {
        let mine = runs.filter { $0.option == option && $0.processCores != nil }
        let fitted = mine.filter { !CPUCeiling.isSaturated($0) }
        guard mine.count >= 3, Set(mine.map(\.streams)).count >= 2, fitted.count < mine.count,
              fitted.count < 3 || Set(fitted.map(\.streams)).count < 2 else { return nil }
        let ceilings = mine.compactMap(CPUCeiling.init).map(\.what).uniqued().joined(separator: ", ")
        let counts = Set(fitted.map(\.streams)).count
        return "\(mine.count - fitted.count) of its \(mine.count) runs are at their CPU ceiling (\(ceilings)); "
            + "the other \(fitted.count) span \(counts == 1 ? "one stream count" : "\(counts) stream counts"), and a fit needs 3 runs over 2"
    }
}
