import ArgumentParser
import Evaluation
import Foundation
import ResultsStore
import ScaleBenchCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export runs: summaries as CSV or JSON, metrics as OpenMetrics, a traced run's timeline for Perfetto.",
        discussion: """
        csv, json: the run_summary view. openmetrics: every completed run's per-room figures \
        (served fps, drops, latency p50/p99, processed frames) and CPU, labelled by scenario, \
        topology, streams, worker, stream, mode and repetition. perfetto: RUN's traced frames \
        (a run stored with --trace, real-time or simulated) as Chrome trace event JSON, one \
        track per worker instance and per stream; --window and --streams bound it.
        Example: scalebench export --format perfetto 3f2a --window 5s..8s --streams 0,1 -o run.json
        """)

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case csv, json, openmetrics, perfetto
    }

    @Argument(help: ArgumentHelp("The run to export as a timeline (perfetto): its id or the id's first characters.", valueName: "run"))
    var runID: String?

    @Option(help: "csv, json, openmetrics or perfetto.")
    var format: Format = .csv

    @Option(help: "Only runs of this scenario name (csv, json, openmetrics).")
    var scenario: String?

    @Option(help: "perfetto: the frames whose service ended FROM..TO after the run's first traced capture, e.g. 5s..8s.",
            transform: Parsed.window)
    var window: PerfettoTrace.Window?

    @Option(help: "perfetto: only these streams, e.g. 0,1.", transform: Parsed.streamIDs)
    var streams: [Int]?

    @Option(help: "Results database.")
    var db: String = StoreOptions.defaultPath

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if format == .perfetto && runID == nil {
            throw ValidationError("--format perfetto needs a RUN: the id of a run stored with --trace (or its first characters)")
        }
        if format != .perfetto {
            if runID != nil { throw ValidationError("a RUN is exported as a timeline only: add --format perfetto") }
            if window != nil || streams != nil { throw ValidationError("--window and --streams bound a timeline: add --format perfetto RUN") }
        }
    }

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw UsageError("--db \(db): no such database") }
        let database: ResultsDatabase
        do { database = try ResultsDatabase(path: db) } catch { throw UsageError("--db \(error.description)") }
        let data: Data
        switch format {
        case .csv, .json: data = try summaries(database)
        case .openmetrics:
            let runs = try RunMode.allCases.flatMap { try database.records(scenario: scenario, mode: $0) }
            if let scenario, runs.isEmpty {
                throw UsageError("--scenario \(scenario): no completed runs of it in \(db) (it has: \(try database.scenarioNames().joined(separator: ", ")))")
            }
            data = Data(OpenMetrics.text(runs).utf8)
        case .perfetto: data = try timeline(database, run: runID!)
        }
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do { try writeAtomically(data, to: output) } catch { throw UsageError("-o \(output): cannot write the file (\(error))") }
    }

    private func summaries(_ database: ResultsDatabase) throws -> Data {
        let (columns, rows) = try database.runSummary(scenario: scenario)
        if format == .csv {
            func field(_ value: String?) -> String {
                guard let value else { return "" }
                return value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                    ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
            }
            return Data((([columns.joined(separator: ",")] + rows.map { $0.map { field($0.text) }.joined(separator: ",") })
                .joined(separator: "\n") + "\n").utf8)
        }
        let objects = rows.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row.map(\.json))) }
        return try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys]) + Data("\n".utf8)
    }

    private func timeline(_ database: ResultsDatabase, run prefix: String) throws -> Data {
        let traced: ResultsDatabase.TracedRun
        do {
            guard let found = try database.tracedRun(matching: prefix) else {
                throw UsageError("RUN \(prefix): no run in \(db) has an id starting so (list them: scalebench export --format csv --db \(db))")
            }
            traced = found
        } catch let error as StoreError {
            throw UsageError("RUN \(prefix): \(error.reason)")
        }
        guard traced.traceRows > 0, let origin = traced.originNanos, let last = traced.lastEndNanos else {
            throw UsageError("RUN \(prefix): run \(traced.id) has no frame trace; run it again with --trace (real time or --mode simulated)")
        }
        let span = Double(last - origin) / 1e9
        var from = origin, to = UInt64.max
        if let window {
            guard window.from < span, window.to > 0 else {
                throw UsageError("--window \(format3(window.from))s..\(format3(window.to))s: outside run \(traced.id), whose traced frames end \(format3(span)) s after its first capture (allowed: a window overlapping 0..\(format3(span))s)")
            }
            from = origin + UInt64(max(window.from, 0) * 1e9)
            to = origin + UInt64(min(window.to, span + 1) * 1e9)
        }
        let records = try database.frameTrace(run: traced.id, from: from, to: to, streams: streams.map(Set.init))
        guard !records.isEmpty else {
            throw UsageError("--streams \(streams!.map(String.init).joined(separator: ",")): run \(traced.id) traced no frame of them (its streams: 0–\(traced.streams - 1))")
        }
        return try PerfettoTrace.json(runID: traced.id, scenario: traced.scenarioName, topology: traced.topology, mode: traced.mode,
                                      records: records, origin: origin)
    }
}

extension Parsed {
    /// `FROM..TO` durations, FROM < TO, e.g. `5s..8s`.
    static func window(_ text: String) throws -> PerfettoTrace.Window {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let from = try? Duration.parse(parts[0]), let to = try? Duration.parse(parts[1]), from.seconds < to.seconds else {
            throw ParseError("expected FROM..TO with two durations, FROM before TO, e.g. 5s..8s")
        }
        return PerfettoTrace.Window(from: from.seconds, to: to.seconds)
    }

    /// `0,1,5`: stream ids (≥ 0).
    static func streamIDs(_ text: String) throws -> [Int] {
        let ids = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !ids.isEmpty, ids.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw ParseError("expected stream ids ≥ 0, comma-separated, e.g. 0,1") }
        return ids.map { $0! }
    }
}
