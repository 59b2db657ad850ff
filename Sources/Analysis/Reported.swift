import Random

/// A number a report may print, or the reason it must not.
///
/// Principle 7 of the design: where the data cannot support a claim the report says
/// "insufficient data", never a p-value from n = 1. Every routine in this module that
/// needs more data than it was given returns `.insufficient` instead of NaN or a
/// meaningless number, and a report prints ``description`` (or ``formatted(_:)``).
public enum Reported<Value> {
    case value(Value)
    /// Why there is no value, short enough to print in parentheses, e.g. "n = 1".
    case insufficient(String)

    /// The value, or nil when insufficient.
    public var valueOrNil: Value? {
        if case .value(let value) = self { return value }
        return nil
    }

    public var isInsufficient: Bool { valueOrNil == nil }

    public func map<T>(_ transform: (Value) throws -> T) rethrows -> Reported<T> {
        switch self {
        case .value(let value): return .value(try transform(value))
        case .insufficient(let reason): return .insufficient(reason)
        }
    }

    public func flatMap<T>(_ transform: (Value) throws -> Reported<T>) rethrows -> Reported<T> {
        switch self {
        case .value(let value): return try transform(value)
        case .insufficient(let reason): return .insufficient(reason)
        }
    }

    /// The value as `format` renders it, or "insufficient data (reason)".
    public func formatted(_ format: (Value) -> String) -> String {
        switch self {
        case .value(let value): return format(value)
        case .insufficient(let reason): return "insufficient data (\(reason))"
        }
    }
}

extension Reported: Sendable where Value: Sendable {}
extension Reported: Equatable where Value: Equatable {}

extension Reported: CustomStringConvertible {
    public var description: String { formatted { "\($0)" } }
}

extension Reported {
    /// "n = 1", or "n = 1 and 12" for two samples: the reason a report prints.
    static func tooFew(_ counts: [Int]) -> Reported {
        .insufficient("n = " + counts.map(String.init).joined(separator: " and "))
    }
}
