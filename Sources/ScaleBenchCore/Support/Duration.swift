import Random

/// A non-negative span of time in integer nanoseconds, as users write it: `50ms`,
/// `1.5s`, `200us`, `2m`, `750ns`.
public struct Duration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static func milliseconds(_ value: Double) -> Duration { Duration(nanoseconds: UInt64(value * 1e6)) }
    public static func seconds(_ value: Double) -> Duration { Duration(nanoseconds: UInt64(value * 1e9)) }

    public var seconds: Double { Double(nanoseconds) / 1e9 }

    public static func < (a: Duration, b: Duration) -> Bool { a.nanoseconds < b.nanoseconds }

    private static let units: [(suffix: String, nanos: Double)] = [
        ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    public static let grammar = "a number with a unit: ns, us, ms, s, m or h (e.g. 50ms, 1.5s)"

    public static func parse(_ text: String) throws(ParseError) -> Duration {
        let lowered = text.lowercased()
        // Longest suffix first, so "ms" is not read as "s".
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where lowered.hasSuffix(unit.suffix) {
            let number = lowered.dropLast(unit.suffix.count)
            guard let value = Double(number), value.isFinite else { break }
            guard value >= 0 else { throw ParseError("'\(text)' is negative; a duration must be ≥ 0") }
            let nanos = value * unit.nanos
            guard nanos < 1e18 else { throw ParseError("'\(text)' is too long") }
            return Duration(nanoseconds: UInt64(nanos.rounded()))
        }
        throw ParseError("'\(text)' is not a duration; expected \(grammar)")
    }

    /// The largest unit that states the value exactly with at most three decimals, so
    /// the text parses back to the same nanoseconds.
    public var description: String {
        if nanoseconds == 0 { return "0s" }
        let n = Double(nanoseconds)
        if nanoseconds >= 1_000_000_000 && nanoseconds % 1_000_000 == 0 { return format3(n / 1e9) + "s" }
        if nanoseconds >= 1_000_000 && nanoseconds % 1_000 == 0 { return format3(n / 1e6) + "ms" }
        if nanoseconds >= 1_000 { return format3(n / 1e3) + "us" }
        return "\(nanoseconds)ns"
    }
}

/// Up to three decimals, trailing zeros removed, without Foundation's formatter.
public func format3(_ value: Double) -> String {
    let scaled = (value * 1000).rounded() / 1000
    var text = "\(scaled)"
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}
