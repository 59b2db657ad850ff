import ArgumentParser
import ScaleBenchCore
import Evaluation
import Orchestration

// The flags' value types: each parses its text once, where ArgumentParser reads it, and a
// bad value becomes one line naming the flag, the value and what is allowed ("The value
// 'x' is invalid for '--flag <flag>': …", exit 2). Choices read case-insensitively.

extension RunMode: ExpressibleByArgument {}

/// A choice among an enum's raw values, in any case.
protocol CaseInsensitiveChoice: ExpressibleByArgument, CaseIterable, RawRepresentable where RawValue == String {}

extension CaseInsensitiveChoice {
    public init?(argument: String) {
        guard let value = Self.allCases.first(where: { $0.rawValue.lowercased() == argument.trimmingCharacters(in: .whitespaces).lowercased() })
        else { return nil }
        self = value
    }
}

extension TopologyKind: CaseInsensitiveChoice {}
extension PhasePolicy: CaseInsensitiveChoice {}
extension DecodeMode: CaseInsensitiveChoice {}
extension InboxKind: CaseInsensitiveChoice {}
extension SlotPolicy: CaseInsensitiveChoice {}

/// Values that parse with a reason when they do not: read through `@Option(transform:)`,
/// so the reason reaches the message.
enum Parsed {
    static func duration(_ text: String) throws -> Duration { try Duration.parse(text) }
    static func distribution(_ text: String) throws -> ServiceDistribution { try ServiceDistribution.parse(text) }
    static func arrival(_ text: String) throws -> ArrivalProcess { try ArrivalProcess.parse(text) }
    static func scheduling(_ text: String) throws -> SchedulingPolicy { try SchedulingPolicy.parse(text) }
    static func worker(_ text: String) throws -> WorkerSpec { try WorkerSpec.parse(text) }

    static func resolution(_ text: String) throws -> Resolution {
        guard let resolution = Resolution(parsing: text) else {
            throw ParseError("expected \(Resolution.presets.map(\.name).joined(separator: ", ")) or WIDTHxHEIGHT with sides 2–\(Resolution.maximumSide)")
        }
        return resolution
    }

    static func pixelFormat(_ text: String) throws -> PixelFormat {
        guard let format = PixelFormat(userName: text) else { throw ParseError("expected rgb24 or yuv420p") }
        return format
    }

    static func hostProfile(_ text: String) throws -> HostSpec {
        guard let profile = HostProfile.named(text) else {
            let names = HostProfile.all.map(\.name)
            let hint = didYouMean(text, among: names).map { "; did you mean \($0)?" } ?? ""
            throw ParseError("unknown profile (known: \(names.joined(separator: ", ")))\(hint)")
        }
        return profile
    }

    /// `4` or `4,10,32`: stream counts, each in ``RunScenario/streamRange``.
    static func streamCounts(_ text: String) throws -> [Int] {
        let range = RunScenario.streamRange
        let counts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0.map(range.contains) ?? false }) else {
            throw ParseError("expected an integer from \(range.lowerBound) to \(range.upperBound), or a comma-separated list of them")
        }
        return counts.map { $0! }
    }

    /// `A,B,C`: topologies.
    static func topologies(_ text: String) throws -> [TopologyKind] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let kind = TopologyKind(argument: String(part)) else {
                throw ParseError("expected a comma-separated list of \(TopologyKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    static func metric(_ text: String) throws -> Metric {
        guard let metric = Metric.parse(text) else { throw ParseError("expected \(Metric.grammar)") }
        return metric
    }

    /// `KEY=VALUE` with VALUE ≥ 0, a percentage (`15%`) or a number; the key is checked
    /// against the metrics where the gate resolves its settings.
    static func threshold(_ text: String) throws -> Threshold {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = GateCommand.number(parts[1]), value >= 0 else {
            throw ParseError("expected QUANTITY=VALUE or METRIC=VALUE with VALUE ≥ 0, e.g. latency-p99=15%")
        }
        return Threshold(text: text, key: parts[0], value: value)
    }

    /// `i/n` with 1 ≤ i ≤ n.
    static func shard(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count >= 1, (1...count).contains(index) else {
            throw ParseError("expected i/n with 1 ≤ i ≤ n, e.g. 1/4")
        }
        return Shard(index: index, count: count)
    }
}

/// A gate threshold as given, and as read.
struct Threshold: Sendable {
    var text: String
    var key: String
    var value: Double
}

/// Which part of a sweep's matrix this process runs.
struct Shard: Sendable {
    var index: Int
    var count: Int
}
