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

