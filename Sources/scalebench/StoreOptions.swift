import ArgumentParser
import Foundation
import ResultsStore
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import Orchestration

/// Where results go: `--db`, `--no-store`, `--trace`.
struct StoreOptions: ParsableArguments {
    static let defaultPath = "Reports/results.sqlite"

    @Option(help: "Results database (SQLite; created if missing).")
    var db: String = StoreOptions.defaultPath

    @Flag(name: .customLong("no-store"), help: "Do not store the run in the results database.")
    var noStore = false

    @Flag(help: "Also store every processed frame's timestamps (frame_trace table).")
    var trace = false

    /// The opened database, or nil with --no-store; refusals are bad input.
    func open() throws -> ResultsDatabase? {
        guard !noStore else { return nil }
        // The default location is created on first use; a chosen one must exist.
        if db == Self.defaultPath {
            try? FileManager.default.createDirectory(atPath: "Reports", withIntermediateDirectories: true)
        }
        do {
            return try ResultsDatabase(path: db)
        } catch {
            throw UsageError("--db \(error.description)")
        }
    }
}
