import GRDB
import ScaleBenchCore

/// A cell of a matrix that was not run because its models do not fit its devices.
public struct InfeasibleCell: Sendable, Equatable {
    public var topology: TopologyKind
    public var streams: Int
    /// The devices' shortfalls, as `describe` prints them.
    public var reason: String

    public init(topology: TopologyKind, streams: Int, reason: String) {
        self.topology = topology
        self.streams = streams
        self.reason = reason
    }
}

extension ResultsDatabase {
    /// Records that `identity`'s cell cannot run (once per scenario, cell and mode).
    public func recordInfeasible(_ identity: RunIdentity, reasons: [DeviceInfeasibility]) throws {
        let hash = identity.baseHash ?? ContentHash.scenario(identity.scenario).hash
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO infeasible_cell (scenario_name, scenario_hash, topology, streams, mode, reason, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [identity.scenarioName, hash, identity.scenario.topology.rawValue, identity.scenario.streams,
                                 identity.mode.rawValue, reasons.map(\.description).joined(separator: "; "), Self.now()])
        }
    }

    /// The cells of `scenario` recorded as infeasible in `mode`, by stream count and topology.
    public func infeasibleCells(scenario: String, mode: RunMode = .realtime) throws -> [InfeasibleCell] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT DISTINCT topology, streams, reason FROM infeasible_cell WHERE scenario_name = ? AND mode = ?
                ORDER BY streams, topology
                """, arguments: [scenario, mode.rawValue]).compactMap { row in
                TopologyKind(rawValue: row["topology"]).map { InfeasibleCell(topology: $0, streams: row["streams"], reason: row["reason"]) }
            }
        }
    }
}
