import Random

/// A two-sided interval at a confidence level (e.g. 0.95).
public struct ConfidenceInterval: Sendable, Equatable, CustomStringConvertible {
    public let lower: Double
    public let upper: Double
    /// The nominal level asked for (0.95 for a 95 % interval).
    public let level: Double

    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    public var width: Double { upper - lower }

    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    public var description: String { "[\(lower), \(upper)] (\(level * 100) %)" }
}
