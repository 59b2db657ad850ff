import ArgumentParser
import Evaluation
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

/// Reading a results database for analysis: it must exist (nothing is created), and a
/// scenario is named or the only one there.
struct AnalysisSource {
    let database: ResultsDatabase
    let path: String

    init(path: String, flag: String = "--db") throws {
        guard FileManager.default.fileExists(atPath: path) else { throw UsageError("\(flag) \(path): no such database") }
        do { database = try ResultsDatabase(path: path) } catch { throw UsageError("\(flag) \(error.description)") }
        self.path = path
    }

    /// The scenario's completed runs; without a name, those of the only scenario.
    func runs(scenario: String?, mode: RunMode, flag: String = "--scenario") throws -> (name: String, runs: [RunRecord]) {
        let names = try database.scenarioNames(mode: mode)
        guard !names.isEmpty else { throw UsageError("\(path): no completed \(mode) runs") }
        let name: String
        if let scenario {
            guard names.contains(scenario) else {
                throw UsageError("\(flag) \(scenario): no completed \(mode) runs of it in \(path) (it has: \(names.joined(separator: ", ")))")
            }
            name = scenario
        } else {
            // A sensitivity analysis's runs belong to their scenario: they do not make a
            // database hold "several".
            let own = names.filter { name in !names.contains { SensitivitySection.assumption(ofStored: name, scenario: $0) != nil } }
            guard own.count == 1 else {
                throw UsageError("\(path) holds several scenarios (\(own.joined(separator: ", "))); name one with \(flag)")
            }
            name = own[0]
        }
        return (name, try database.records(scenario: name, mode: mode))
    }
}

/// Flags shared by compare and report.
struct ComparisonOptions: ParsableArguments {
    @Option(help: "Significance level of every test (after Holm's correction).")
    var alpha: Double = 0.05

    @Option(help: "Confidence level the medians' intervals aim for (from few runs an interval reaches less, and says so).")
    var level: Double = 0.95

    @Flag(name: .customLong("allow-mixed-environments"), help: "Pool runs from different machines or builds.")
    var allowMixedEnvironments = false

    @Option(help: "realtime or simulated runs.")
    var mode: RunMode = .realtime

    func settings() throws -> Comparison.Settings {
        guard alpha > 0, alpha < 1 else { throw UsageError("--alpha \(alpha): expected a number in (0, 1), e.g. 0.05") }
        guard level > 0.5, level < 1 else { throw UsageError("--level \(level): expected a number in (0.5, 1), e.g. 0.95") }
        var settings = Comparison.Settings()
        settings.alpha = alpha
        settings.level = level
        settings.allowMixedEnvironments = allowMixedEnvironments
        return settings
    }
}
