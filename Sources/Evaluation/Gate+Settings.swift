import ResultsStore
import ScaleBenchCore

extension Gate.Settings {
    /// Sets the threshold of a quantity (`latency-p99`) or of one metric
    /// (`drop-fraction:vlm`); false when `key` names neither.
    public mutating func setThreshold(_ key: String, to value: Double) -> Bool {
        if let quantity = Metric.Quantity(rawValue: key) {
            thresholds[quantity] = value
        } else if let metric = Metric.parse(key) {
            metricThresholds[metric] = value
        } else {
            return false
        }
        return true
    }

    /// The settings a gate over `baseline` uses: the defaults, then the baseline scenario's
    /// `gate:` (its alpha and thresholds), then what the caller gives (flags), in that order.
    public static func resolved(baseline: [RunRecord], alpha: Double?, metrics: [Metric],
                                thresholds: [(key: String, value: Double)]) -> (settings: Gate.Settings, unknown: String?) {
        var settings = Gate.Settings()
        let defaults = baseline.last(where: { $0.scenario?.gate != nil })?.scenario?.gate
        if let value = defaults?.alpha { settings.alpha = value }
        if let alpha { settings.alpha = alpha }
        for (key, value) in defaults?.thresholds ?? [:] { _ = settings.setThreshold(key, to: value) }
        if !metrics.isEmpty { settings.metrics = metrics }
        for (key, value) in thresholds where !settings.setThreshold(key, to: value) {
            return (settings, key)
        }
        return (settings, nil)
    }
}
