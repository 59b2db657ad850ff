import ArgumentParser
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Unite results databases (e.g. the shards of a sweep) into one.",
        discussion: """
        Runs keep their ids (UUIDs) and environments; a run already in the output is not
        copied again, so merging the same database twice adds nothing.
        Example: scalebench merge shard1.sqlite shard2.sqlite -o all.sqlite
        """)

    @Argument(help: "Databases to merge.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The database to merge into (created if missing).")
    var output: String

    func run() throws {
        guard !inputs.isEmpty else { throw UsageError("inputs: expected at least one database to merge") }
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            throw UsageError("\(input): no such database")
        }
        let target: ResultsDatabase
        do { target = try ResultsDatabase(path: output) } catch { throw UsageError("-o \(error.description)") }
        for input in inputs {
            do {
                let added = try target.merge(from: input)
                print("\(input): \(added) run\(added == 1 ? "" : "s") added")
            } catch let error as StoreError {
                throw UsageError(error.description)
            }
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export run summaries (the run_summary view) as CSV or JSON.")

    @Option(help: "csv or json.")
    var format: String = "csv"

    @Option(help: "Only runs of this scenario name.")
    var scenario: String?

    @Option(help: "Results database.")
    var db: String = StoreOptions.defaultPath

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() throws {
        guard ["csv", "json"].contains(format) else { throw UsageError("--format \(format): expected csv or json") }
        guard FileManager.default.fileExists(atPath: db) else { throw UsageError("--db \(db): no such database") }
        let database: ResultsDatabase
        do { database = try ResultsDatabase(path: db) } catch { throw UsageError("--db \(error.description)") }
        let (columns, rows) = try database.runSummary(scenario: scenario)
        let text: String
        if format == "csv" {
            func field(_ value: String?) -> String {
                guard let value else { return "" }
                return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            }
            text = ([columns.joined(separator: ",")] + rows.map { $0.map { field($0.text) }.joined(separator: ",") })
                .joined(separator: "\n") + "\n"
        } else {
            let objects = rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row.map(\.json))) }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
            text = String(decoding: data, as: UTF8.self) + "\n"
        }
        guard let output else {
            print(text, terminator: "")
            return
        }
        // Written whole to a temporary file and renamed: never half-written.
        let temporary = output + ".partial"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, output) == 0 else { throw UsageError("-o \(output): cannot write the file") }
    }
}
