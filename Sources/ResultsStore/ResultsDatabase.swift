import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif
import ScaleBenchCore

/// One results database: every run with its scenario, environment and metrics.
///
/// Owns a WAL-mode `DatabasePool` and migrates it when opened. Each method is one
/// transaction that leaves the database consistent: a run is inserted as `running` when
/// it starts and its metrics are committed together with its final status when it ends,
/// so a crash leaves at most a `running` row, which the next open marks `aborted`.
/// Several processes may write to one database: writers wait (busy timeout) and retry.
public final class ResultsDatabase: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) and migrates the database at `path`. A path that cannot
    /// be written, a file that is not SQLite, or a database of a newer schema is refused
    /// with a ``StoreError`` and left untouched.
    public init(path: String) throws(StoreError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw StoreError(path: path, reason: "its folder \(folder) does not exist")
        }
        let exists = FileManager.default.fileExists(atPath: path)
        guard exists ? access(path, R_OK | W_OK) == 0 : access(folder, W_OK) == 0 else {
            throw StoreError(path: path, reason: exists ? "the file is not readable and writable" : "the folder \(folder) is not writable")
        }
        if exists { try Self.checkExisting(path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        // Processes opening one database at once take turns creating and migrating it, with
        // an flock on a sidecar file. Not on the database file itself: closing any
        // descriptor of that file would drop the fcntl locks SQLite holds on it.
        let lock = open(path + ".lock", O_RDWR | O_CREAT, 0o644)
        guard lock >= 0 else { throw StoreError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(lock) }
        flock(lock, LOCK_EX)
        defer { flock(lock, LOCK_UN) }
        do {
            pool = try Self.retryingWhileContended { try DatabasePool(path: path, configuration: configuration) }
            try Self.retryingWhileContended { try Migrations.migrator.migrate(pool) }
            try markStaleRunsAborted()
        } catch let error as DatabaseError {
            throw StoreError(path: path, reason: error.message ?? "\(error)")
        } catch {
            throw StoreError(path: path, reason: "\(error)")
        }
    }

    /// Retries, for 30 s, what another process opening or closing the same database at
    /// that moment can cause: two processes creating one database contend for the switch to
    /// WAL mode, which SQLite reports as busy without waiting on the busy timeout; and
    /// GRDB's set-up of WAL mode sees the `-wal` file exist, then reads its size, while a
    /// reader in another process closing as the WAL's last user deletes it in between (a
    /// sweep polled by a reader while it created its database failed so in 2 of 60 tries).
    private static func retryingWhileContended<T>(_ body: () throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(30)
        while true {
            do {
                return try body()
            } catch where isTransient(error) && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    /// What ``retryingWhileContended(_:)`` retries: busy or locked, or the `-wal` file gone.
    static func isTransient(_ error: Error) -> Bool {
        if let error = error as? DatabaseError { return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED }
        let error = error as NSError
        return error.domain == NSCocoaErrorDomain && error.code == CocoaError.fileReadNoSuchFile.rawValue
            && (error.userInfo[NSFilePathErrorKey] as? String)?.hasSuffix("-wal") == true
    }

    /// Refuses, without writing, a file that is not SQLite or whose schema is newer.
    private static func checkExisting(_ path: String) throws(StoreError) {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(30)
            let queue = try retryingWhileContended { try DatabaseQueue(path: path, configuration: configuration) }
            try retryingWhileContended { try queue.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                if try Migrations.migrator.hasBeenSuperseded(db) {
                    let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                    throw StoreError(path: path, reason: "it was written by a newer scalebench (schema \(applied.last ?? "?")); this one knows up to \(Migrations.migrator.migrations.last ?? "?")")
                }
            } }
            try queue.close()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(path: path, reason: error.resultCode == .SQLITE_NOTADB ? "the file is not an SQLite database" : (error.message ?? "\(error)"))
        } catch {
            throw StoreError(path: path, reason: "\(error)")
        }
    }

    /// `running` rows of processes on this host that no longer exist: a killed run.
    private func markStaleRunsAborted() throws {
        let host = ProcessInfo.processInfo.hostName
        try pool.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, pid FROM run WHERE status = 'running' AND host = ?", arguments: [host])
            for row in rows {
                let pid: Int32 = row["pid"]
                if kill(pid, 0) != 0 && errno == ESRCH {
                    try db.execute(sql: "UPDATE run SET status = 'aborted', error = ?, ended_at = ? WHERE id = ?",
                                   arguments: ["the process (pid \(pid)) ended while the run was in progress", Self.now(), row["id"] as String])
                }
            }
        }
    }

    /// UTC with milliseconds, so runs started within one second still sort in order.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    // MARK: - Runs

    /// Inserts a run as `running` and returns its id (a UUID, unique across databases).
    public func begin(_ run: RunIdentity, provenance: Provenance) throws -> String {
        let id = UUID().uuidString.lowercased()
        let (json, hash) = ContentHash.scenario(run.scenario)
        try pool.write { db in
            let environment = try environmentID(db, provenance)
            try db.execute(sql: """
                INSERT INTO run (id, sweep_key, scenario_name, scenario_hash, scenario_json, topology, variant, streams, repetition,
                                 seed, mode, status, started_at, warmup_seconds, measured_seconds, host, pid, environment_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
                """, arguments: [id, run.sweepKey, run.scenarioName, run.baseHash ?? hash, json, run.scenario.topology.rawValue,
                                 run.variant, run.scenario.streams, run.repetition, Int64(bitPattern: run.scenario.seed),
                                 run.mode.rawValue, Self.now(), run.scenario.warmup.seconds, run.scenario.duration.seconds,
                                 provenance.machine.hostName, Int(getpid()), environment])
        }
        return id
    }

    private func environmentID(_ db: Database, _ p: Provenance) throws -> Int64 {
        let fingerprint = p.fingerprint
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM environment WHERE fingerprint = ?", arguments: [fingerprint]) {
            return id
        }
        let m = p.machine
        try db.execute(sql: """
            INSERT INTO environment (fingerprint, host, cpu_model, cores, memory_bytes, os, kernel, swift_version,
                                     build_configuration, git_commit, git_dirty, ffmpeg_version, gsl_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [fingerprint, m.hostName, m.cpuModel, m.logicalCores, Int64(m.memoryBytes), m.os, m.kernel,
                             m.swiftVersion, m.buildConfiguration, p.gitCommit, p.gitDirty, p.ffmpegVersion, p.gslVersion])
        return db.lastInsertedRowID
    }

    /// Commits a run's metrics and final status in one transaction.
    public func finish(_ id: String, result: RunResult, status: RunStatus, error: String? = nil, trace: [FrameTraceRecord] = []) throws {
        try pool.write { db in
            try MetricRows.insert(result, runID: id, db: db)
            try MetricRows.insertTrace(trace, runID: id, db: db)
            try db.execute(sql: """
                UPDATE run SET status = ?, error = ?, ended_at = ?, measured_seconds = ?, peak_rss_bytes = ?, rss_bytes = ?,
                               frame_pool_bytes = ?, preloaded_clip_bytes = ?
                WHERE id = ?
                """, arguments: [status.rawValue, error, Self.now(), result.measuredSeconds,
                                 Int64(result.memory.peakRSSBytes), Int64(result.memory.rssAtEndOfWindowBytes),
                                 Int64(result.memory.framePoolBytes), Int64(result.memory.preloadedClipBytes), id])
        }
    }

    /// Marks a run that produced no result as failed.
    public func fail(_ id: String, error: String) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE run SET status = 'failed', error = ?, ended_at = ? WHERE id = ?",
                           arguments: [error, Self.now(), id])
        }
    }

    /// Sweep keys of completed runs, for resuming a sweep.
    /// The cells `scenario` already has completed. Only its own runs count: the same
    /// settings under another name (a sensitivity analysis at the scenario's own value,
    /// say) are that name's runs, and do not stand in for these.
    public func completedSweepKeys(scenario: String) throws -> Set<String> {
        try pool.read { db in
            Set(try String.fetchAll(db, sql: "SELECT sweep_key FROM run WHERE status = 'completed' AND scenario_name = ?", arguments: [scenario]))
        }
    }

    /// Content hashes under which `name` already has runs (to refuse resuming a changed scenario).
    public func scenarioHashes(named name: String) throws -> Set<String> {
        try pool.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT scenario_hash FROM run WHERE scenario_name = ?", arguments: [name])) }
    }

    public func runs() throws -> [StoredRun] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, sweep_key, scenario_name, topology, streams, repetition, seed, status, error FROM run ORDER BY started_at, rowid")
                .map { row in
                    StoredRun(id: row["id"], sweepKey: row["sweep_key"], scenarioName: row["scenario_name"], topology: row["topology"],
                              streams: row["streams"], repetition: row["repetition"], seed: UInt64(bitPattern: row["seed"] as Int64),
                              status: RunStatus(rawValue: row["status"]) ?? .failed, error: row["error"])
                }
        }
    }

    /// Runs a read-only query, for tests and export.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }
}

public enum RunStatus: String, Sendable, Codable {
    case running, completed, aborted, failed
}

/// What a run is before it runs: its resolved scenario and its place in a sweep.
public struct RunIdentity: Sendable {
    public var scenarioName: String
    public var scenario: RunScenario
    public var variant: String
    public var repetition: Int
    public var mode: RunMode
    /// The sweep's base scenario hash (all cells of one sweep share it); nil for a single run.
    public var baseHash: String?

    public init(scenarioName: String, scenario: RunScenario, variant: String? = nil, repetition: Int = 0,
                mode: RunMode = .realtime, baseHash: String? = nil) {
        self.scenarioName = scenarioName
        self.scenario = scenario
        self.variant = variant ?? Self.variant(of: scenario)
        self.repetition = repetition
        self.mode = mode
        self.baseHash = baseHash
    }

    /// What distinguishes runs of one topology: B's inbox, C's slot policy and scheduling.
    public static func variant(of scenario: RunScenario) -> String {
        switch scenario.topology {
        case .independentPipelines: return ""
        case .globalPipeline: return "\(scenario.inbox.rawValue)/\(scenario.scheduling)"
        case .hybrid: return "\(scenario.frameBufferSlot.rawValue)/\(scenario.scheduling)"
        }
    }

    /// Identifies the cell of a sweep matrix, so a resumed sweep skips what is done.
    public var sweepKey: String {
        "\(baseHash ?? ContentHash.scenario(scenario).hash)/\(scenario.topology.rawValue)\(variant.isEmpty ? "" : ":" + variant)/\(scenario.streams)/\(repetition)/\(mode)"
    }
}

public struct StoredRun: Sendable, Equatable {
    public var id: String
    public var sweepKey: String
    public var scenarioName: String
    public var topology: String
    public var streams: Int
    public var repetition: Int
    public var seed: UInt64
    public var status: RunStatus
    public var error: String?
}

/// A database that cannot be used: names the file and why; nothing was written to it.
public struct StoreError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

extension ResultsDatabase {
    /// Removes a run that never started (its source was refused before any thread ran).
    public func discard(_ id: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id]) }
    }

    /// Appends raw per-frame records to a run in one transaction (the `--trace` path).
    public func insertTrace(_ records: [FrameTraceRecord], runID: String) throws {
        try pool.write { db in try MetricRows.insertTrace(records, runID: runID, db: db) }
    }
}
