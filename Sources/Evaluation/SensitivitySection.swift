import Foundation
import ResultsStore
import ScaleBenchCore

/// Where the checkpoint's recommendation changes as an assumption moves across its range:
/// for each assumption the scenario declares, the choice at each stream count at every
/// value the analysis ran, and the values between which it flips. A pure function of the
/// stored runs: each value's runs are a scenario of their own (``scenarioName(_:_:_:)``),
/// and the value is read back from the stored scenario, not from its name.
public struct SensitivitySection: Sendable {
    public struct Point: Sendable {
        public var value: Double
        /// The choice at each stream count ("C", "B or C", "none").
        public var choices: [Int: String]

        public init(value: Double, choices: [Int: String]) {
            self.value = value
            self.choices = choices
        }
    }

    /// The choice at `streams` goes from `from` (at `below` and under) to `to` (at `above`
    /// and over): the recommendation flips somewhere in between.
    public struct Flip: Sendable {
        public var streams: Int
        public var from: String
        public var to: String
        public var below: Double
        public var above: Double
    }

    public struct Line: Sendable {
        public var sensitivity: Sensitivity
        /// The scenario's own value, when the runs' base scenario has one.
        public var baseline: Double?
        public var points: [Point]
        public var counts: [Int]

        public var flips: [Flip] { SensitivitySection.flips(points, counts: counts) }

        public init(sensitivity: Sensitivity, baseline: Double?, points: [Point], counts: [Int]) {
            self.sensitivity = sensitivity
            self.baseline = baseline
            self.points = points.sorted { $0.value < $1.value }
            self.counts = counts
        }
    }

    public var scenario: String
    public var lines: [Line]

    public init(scenario: String, lines: [Line]) {
        self.scenario = scenario
        self.lines = lines
    }

    /// The stored scenario name of `scenario`'s runs with `assumption` at `value`.
    public static func scenarioName(_ scenario: String, _ assumption: Sensitivity.Assumption, _ value: Double) -> String {
        "\(scenario) \(marker)\(assumption) = \(String(format: "%.6g", value))"
    }

    static let marker = "sensitivity: "

    /// Which assumption a stored scenario name varies, if it is one of `scenario`'s.
    public static func assumption(ofStored name: String, scenario: String) -> Sensitivity.Assumption? {
        let prefix = "\(scenario) \(marker)"
        guard name.hasPrefix(prefix), let equals = name.range(of: " = ", options: .backwards) else { return nil }
        return Sensitivity.Assumption.parse(String(name[name.index(name.startIndex, offsetBy: prefix.count)..<equals.lowerBound]))
    }

    /// The recommendation at each stream count of a set of runs (one scenario, one mode).
    public static func choices(runs: [RunRecord], infeasible: [InfeasibleCell], settings: Comparison.Settings) -> [Int: String] {
        guard let comparison = try? Comparison.make(scenario: runs.first?.scenarioName ?? "", runs: runs, settings: settings),
              let checkpoint = DecisionCheckpoint.make(runs: runs, comparison: comparison, settings: settings, infeasible: infeasible)
        else { return [:] }
        var choices: [Int: String] = [:]
        for recommendation in checkpoint.recommendations { for streams in recommendation.streams { choices[streams] = recommendation.choice } }
        return choices
    }

    /// Per stream count, neighbouring values whose choices differ.
    public static func flips(_ points: [Point], counts: [Int]) -> [Flip] {
        var flips: [Flip] = []
        for streams in counts {
            for (low, high) in zip(points, points.dropFirst()) {
                guard let from = low.choices[streams], let to = high.choices[streams], from != to else { continue }
                flips.append(Flip(streams: streams, from: from, to: to, below: low.value, above: high.value))
            }
        }
        return flips
    }

    /// `stored`: every stored scenario of the database in this mode, by name, with its
    /// runs and infeasible cells. Nil when none varies one of `base`'s assumptions.
    public static func make(scenario: String, base: RunScenario?, stored: [String: (runs: [RunRecord], infeasible: [InfeasibleCell])],
                            settings: Comparison.Settings) -> SensitivitySection? {
        let declared = base?.checkpoint?.sensitivity ?? []
        var lines: [Line] = []
        for sensitivity in declared {
            var points: [Point] = []
            for (name, entry) in stored where assumption(ofStored: name, scenario: scenario) == sensitivity.assumption {
                guard let stored = entry.runs.first?.scenario, let value = sensitivity.assumption.value(in: stored) else { continue }
                points.append(Point(value: value, choices: choices(runs: entry.runs, infeasible: entry.infeasible, settings: settings)))
            }
            guard !points.isEmpty else { continue }
            let counts = points.flatMap(\.choices.keys).uniqued().sorted()
            lines.append(Line(sensitivity: sensitivity, baseline: base.flatMap { sensitivity.assumption.value(in: $0) },
                              points: points, counts: counts))
        }
        return lines.isEmpty ? nil : SensitivitySection(scenario: scenario, lines: lines)
    }

    /// What `database` holds of `scenario`'s sensitivity runs (simulated), as a section.
    public static func load(scenario: String, base: RunScenario?, database: ResultsDatabase, settings: Comparison.Settings) throws -> SensitivitySection? {
        guard base?.checkpoint?.sensitivity.isEmpty == false else { return nil }
        var stored: [String: (runs: [RunRecord], infeasible: [InfeasibleCell])] = [:]
        for name in try database.scenarioNames(mode: .simulated) where assumption(ofStored: name, scenario: scenario) != nil {
            stored[name] = (try database.records(scenario: name, mode: .simulated), try database.infeasibleCells(scenario: name, mode: .simulated))
        }
        return make(scenario: scenario, base: base, stored: stored, settings: settings)
    }

    /// One sentence per stream count: the choice across the range and where it changes.
    public func sentences(_ line: Line) -> [String] {
        let assumption = line.sensitivity.assumption
        return line.counts.map { streams in
            let flips = line.flips.filter { $0.streams == streams }
            let first = line.points.first { $0.choices[streams] != nil }?.choices[streams] ?? "none"
            guard !flips.isEmpty, let lowest = line.points.first?.value, let highest = line.points.last?.value else {
                return "\(streams) rooms: \(Self.phrase(first)) across the whole range of \(assumption.label) tried (\(assumption.text(line.points.first?.value ?? 0)) – \(assumption.text(line.points.last?.value ?? 0)))"
            }
            // Each stretch of one choice, from its first value to its last.
            func stretch(_ choice: String, _ from: Double, _ to: Double) -> String {
                from == to ? "\(Self.phrase(choice)) at \(assumption.text(from))"
                    : "\(Self.phrase(choice)) from \(assumption.text(from)) to \(assumption.text(to))"
            }
            var parts: [String] = []
            var start = lowest
            var current = first
            for flip in flips {
                parts.append(stretch(current, start, flip.below))
                current = flip.to
                start = flip.above
            }
            parts.append(stretch(current, start, highest))
            let between = flips.map { "between \(assumption.text($0.below)) and \(assumption.text($0.above))" }.joined(separator: " and ")
            return "\(streams) rooms: " + parts.joined(separator: "; ") + " — the recommendation changes \(between) of \(assumption.label)"
        }
    }

    static func phrase(_ choice: String) -> String { choice == "none" ? "no option meets the service levels" : "option \(choice)" }

    public func markdown() -> String {
        var out = "## Sensitivity: what would change the recommendation\n\n"
        out += "Each assumption the checkpoint declares was moved across its range with everything else as the scenario says, "
        out += "the checkpoint answered again in simulated time at each value, and the values where the answer changes were "
        out += "narrowed by bisection. A flip lies between the two values named; a value where the runs could not choose "
        out += "between options shows both (\"B or C\").\n\n"
        for line in lines {
            let assumption = line.sensitivity.assumption
            out += "### \(assumption.label)\n\n"
            out += "Range \(assumption.text(line.sensitivity.low)) – \(assumption.text(line.sensitivity.high))"
            out += line.baseline.map { "; the scenario says \(assumption.text($0))" } ?? ""
            out += ".\n\n"
            for sentence in sentences(line) { out += "- \(sentence).\n" }
            out += "\n| \(assumption.label) | " + line.counts.map { "\($0) rooms" }.joined(separator: " | ") + " |\n"
            out += "|---:|" + line.counts.map { _ in "---|" }.joined() + "\n"
            for point in line.points {
                let mark = line.baseline.map { abs($0 - point.value) <= 1e-9 * max(1, abs($0)) } == true ? " (scenario)" : ""
                out += "| \(assumption.text(point.value))\(mark) | " + line.counts.map { point.choices[$0] ?? "–" }.joined(separator: " | ") + " |\n"
            }
            out += "\n![\(assumption.label): the recommendation across its range](\(Self.chartFolderToken)/\(chartID(line)).svg)\n\n"
        }
        return out
    }

    /// Replaced by the report's chart folder.
    static let chartFolderToken = "{charts}"

    public func chartID(_ line: Line) -> String {
        "sensitivity-" + line.sensitivity.assumption.description.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }

    public var chartFiles: [(name: String, svg: String)] { lines.map { ("\(chartID($0)).svg", SensitivityChart(line: $0).render()) } }

    public func chart(id: String) -> String? { lines.first { chartID($0) == id }.map { SensitivityChart(line: $0).render() } }
}
