#if canImport(Glibc)
import Glibc
#endif
import Random

/// A distribution of durations in nanoseconds: a worker's service time, or a jitter.
///
/// Parameters are given as the user thinks of them (mean and standard deviation), and
/// converted to each family's own parameters when drawing.
public enum ServiceDistribution: Sendable, Equatable, Codable, CustomStringConvertible {
    case constant(Duration)
    case uniform(low: Duration, high: Duration)
    case exponential(mean: Duration)
    case lognormal(mean: Duration, sd: Duration)
    case gamma(mean: Duration, sd: Duration)
    /// Measured durations drawn uniformly: a calibration's fallback when no family fits
    /// (`empirical(D1,D2,…)` in a scenario). Stored with every value.
    case empirical(samples: [UInt64])
    /// Measured durations drawn in their order (`sequence(D1,D2,…)`): a calibration of
    /// services whose demand came in spells (a slow one followed by slow ones), which
    /// independent draws would break up. A kind's instances take turns along it from one
    /// start (``SequencePosition``), as the measured services came from all of them.
    case sequence(samples: [UInt64])

    public var meanNanos: Double {
        switch self {
        case .constant(let d): return Double(d.nanoseconds)
        case .uniform(let lo, let hi): return (Double(lo.nanoseconds) + Double(hi.nanoseconds)) / 2
        case .exponential(let mean), .lognormal(let mean, _), .gamma(let mean, _): return Double(mean.nanoseconds)
        case .empirical(let samples), .sequence(let samples):
            return samples.isEmpty ? 0 : samples.reduce(0.0) { $0 + Double($1) } / Double(samples.count)
        }
    }

    /// Draws one duration in nanoseconds (never negative). A worker drawing per frame
    /// keeps a ``Sampler`` instead, which derives the parameters once.
    public func sample(_ random: GSLRandom) -> UInt64 { Sampler(self).sample(random) }

    /// A distribution with its parameters derived once — a lognormal's ζ and σ (a `log`,
    /// a `log1p` and a square root), a gamma's shape and scale — for drawing per frame.
    /// The draws are those of ``ServiceDistribution/sample(_:)``, bit for bit.
    public struct Sampler: Sendable {
        private enum Form: Sendable {
            case fixed(UInt64)
            case uniform(low: Double, high: Double)
            case exponential(mean: Double)
            case lognormal(zeta: Double, sigma: Double)
            case gamma(shape: Double, scale: Double)
            case empirical([UInt64])
            case sequence([UInt64], SequenceCursor)
        }

        private let form: Form

        /// `position`: where a `sequence` starts and how far it moves a draw, for this
        /// instance (ignored by the other distributions).
        public init(_ distribution: ServiceDistribution, position: SequencePosition = SequencePosition()) {
            switch distribution {
            case .constant(let d):
                form = .fixed(d.nanoseconds)
            case .uniform(let lo, let hi):
                form = .uniform(low: Double(lo.nanoseconds), high: Double(hi.nanoseconds))
            case .exponential(let mean):
                form = .exponential(mean: Double(mean.nanoseconds))
            case .lognormal(let mean, let sd):
                // For mean m and sd s: σ² = ln(1 + s²/m²), ζ = ln m − σ²/2.
                let m = Double(mean.nanoseconds), s = Double(sd.nanoseconds)
                let sigma2 = log1p((s * s) / (m * m))
                form = .lognormal(zeta: log(m) - sigma2 / 2, sigma: sigma2.squareRoot())
            case .gamma(let mean, let sd):
                // Shape k = m²/s², scale θ = s²/m.
                let m = Double(mean.nanoseconds), s = Double(sd.nanoseconds)
                form = .gamma(shape: (m * m) / (s * s), scale: (s * s) / m)
            case .empirical(let samples):
                form = .empirical(samples)
            case .sequence(let samples):
                form = .sequence(samples, SequenceCursor(position, count: samples.count))
            }
        }

        /// The constant duration, nil when the distribution draws.
        public var constant: UInt64? {
            if case .fixed(let nanos) = form { return nanos }
            return nil
        }

        public func sample(_ random: GSLRandom) -> UInt64 {
            let value: Double
            switch form {
            case .fixed(let nanos): return nanos
            case .uniform(let low, let high): value = random.flat(low, high)
            case .exponential(let mean): value = random.exponential(mean: mean)
            case .lognormal(let zeta, let sigma): value = random.lognormal(zeta: zeta, sigma: sigma)
            case .gamma(let shape, let scale): value = random.gamma(shape: shape, scale: scale)
            case .empirical(let samples):
                guard !samples.isEmpty else { return 0 }
                return samples[Int(random.uniformInt(below: UInt64(samples.count)))]
            case .sequence(let samples, let cursor):
                guard !samples.isEmpty else { return 0 }
                return samples[cursor.advance()]
            }
            return value.isFinite && value > 0 ? value.roundedNanoseconds : 0
        }

        /// Fills `buffer` with draws, in order: the same as calling ``sample(_:)`` for each
        /// element, with the family chosen once for the batch rather than once a draw.
        public func fill(_ buffer: UnsafeMutableBufferPointer<UInt64>, from random: GSLRandom) {
            switch form {
            case .lognormal(let zeta, let sigma):
                for index in buffer.indices {
                    let value = random.lognormal(zeta: zeta, sigma: sigma)
                    buffer[index] = value.isFinite && value > 0 ? value.roundedNanoseconds : 0
                }
            default:
                for index in buffer.indices { buffer[index] = sample(random) }
            }
        }
    }

    public var description: String {
        switch self {
        case .constant(let d): return d.description
        case .uniform(let lo, let hi): return "uniform(\(lo),\(hi))"
        case .exponential(let mean): return "exponential(\(mean))"
        case .lognormal(let mean, let sd): return "lognormal(\(mean),\(sd))"
        case .gamma(let mean, let sd): return "gamma(\(mean),\(sd))"
        case .empirical(let samples): return "empirical(\(samples.count) samples, mean \(Duration(nanoseconds: UInt64(meanNanos.rounded()))))"
        case .sequence(let samples): return "sequence(\(samples.count) samples, mean \(Duration(nanoseconds: UInt64(meanNanos.rounded()))))"
        }
    }

    /// What ``parse(_:)`` accepts, for error messages.
    public static let grammar = "DURATION | constant(D) | uniform(LOW,HIGH) | exponential(MEAN) | lognormal(MEAN,SD) | gamma(MEAN,SD) | empirical(D1,D2,…) | sequence(D1,D2,…), durations like 50ms, 1.5s, 200us"

    /// The form stored in JSON: the description, except that a distribution of measured
    /// values lists every value (its description only summarises them), so that it reads
    /// back whole and a scenario's identity covers its values.
    var storedText: String {
        switch self {
        case .empirical(let samples): return "empirical(" + samples.map { "\($0)ns" }.joined(separator: ",") + ")"
        case .sequence(let samples): return "sequence(" + samples.map { "\($0)ns" }.joined(separator: ",") + ")"
        default: return description
        }
    }

    /// Parses `50ms`, `constant(50ms)`, `uniform(10ms,30ms)`, `exponential(20ms)`,
    /// `lognormal(20ms,5ms)`, `gamma(20ms,5ms)`.
    public static func parse(_ text: String) throws(ParseError) -> ServiceDistribution {
        let trimmed = text.trimmingCharacters(in: " ")
        guard let open = trimmed.firstIndex(of: "(") else {
            return .constant(try Duration.parse(trimmed))
        }
        guard trimmed.last == ")" else { throw ParseError("missing ')' in '\(text)'") }
        let family = String(trimmed[..<open]).lowercased()
        let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        let arguments = try inner.split(separator: ",", omittingEmptySubsequences: false)
            .map { (piece) throws(ParseError) -> Duration in try Duration.parse(String(piece).trimmingCharacters(in: " ")) }
        func expect(_ count: Int) throws(ParseError) {
            guard arguments.count == count else {
                throw ParseError("\(family) takes \(count) duration\(count == 1 ? "" : "s"), got \(arguments.count) in '\(text)'")
            }
        }
        switch family {
        case "constant":
            try expect(1)
            return .constant(arguments[0])
        case "uniform":
            try expect(2)
            guard arguments[0] <= arguments[1] else { throw ParseError("uniform needs LOW ≤ HIGH in '\(text)'") }
            return .uniform(low: arguments[0], high: arguments[1])
        case "exponential", "exp":
            try expect(1)
            guard arguments[0].nanoseconds > 0 else { throw ParseError("exponential needs a mean > 0 in '\(text)'") }
            return .exponential(mean: arguments[0])
        case "empirical", "sequence":
            guard !arguments.isEmpty else { throw ParseError("\(family) takes one or more durations in '\(text)'") }
            return family == "empirical" ? .empirical(samples: arguments.map(\.nanoseconds)) : .sequence(samples: arguments.map(\.nanoseconds))
        case "lognormal", "gamma":
            try expect(2)
            guard arguments[0].nanoseconds > 0, arguments[1].nanoseconds > 0 else {
                throw ParseError("\(family) needs MEAN > 0 and SD > 0 in '\(text)'")
            }
            return family == "gamma" ? .gamma(mean: arguments[0], sd: arguments[1]) : .lognormal(mean: arguments[0], sd: arguments[1])
        default:
            throw ParseError("unknown distribution '\(family)' in '\(text)'")
        }
    }
}

/// Where one instance reads a `sequence` distribution: the index of its first draw and
/// how far each draw moves. Instance `j` of a kind's `n` instances starts at the run's
/// offset plus `j` and moves `n`, so that together they walk the measured order at the
/// pace it was measured at, each at the place in it its turn comes to.
public struct SequencePosition: Sendable, Equatable {
    public var start: Int
    public var stride: Int

    public init(start: Int = 0, stride: Int = 1) {
        self.start = start
        self.stride = max(stride, 1)
    }
}

/// One instance's place in a `sequence`: a reference, so that the sampler that holds it
/// can be copied (a batch of draws ahead) and still move one cursor. Each instance has its
/// own, read only on its own thread.
final class SequenceCursor: @unchecked Sendable {
    private var next: Int
    private let stride: Int
    private let count: Int

    init(_ position: SequencePosition, count: Int) {
        self.count = max(count, 1)
        next = ((position.start % self.count) + self.count) % self.count
        stride = position.stride % self.count
    }

    /// The index of this draw; moves on by the stride.
    func advance() -> Int {
        let index = next
        next = (next + stride) % count
        return index
    }
}

/// A problem with something the user wrote; the message says what was wrong.
public struct ParseError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var slice = Substring(self)
        while slice.first == set { slice = slice.dropFirst() }
        while slice.last == set { slice = slice.dropLast() }
        return String(slice)
    }
}
