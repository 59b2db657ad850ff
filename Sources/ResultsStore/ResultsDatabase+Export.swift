import Foundation
import GRDB
import ScaleBenchCore

extension ResultsDatabase {
    /// `run_summary` rows (optionally of one scenario), as columns and values.
    public func runSummary(scenario: String? = nil) throws -> (columns: [String], rows: [[ExportValue]]) {
        try pool.read { db in
            let sql = "SELECT * FROM run_summary" + (scenario == nil ? "" : " WHERE scenario_name = ?") + " ORDER BY started_at, id"
            let statement = try db.makeStatement(sql: sql)
            let rows = try Row.fetchAll(statement, arguments: scenario.map { [$0] } ?? [])
            let columns = statement.columnNames
            return (columns, rows.map { row in
                columns.indices.map { index -> ExportValue in
                    let value: DatabaseValue = row[index]
                    switch value.storage {
                    case .null: return .null
                    case .int64(let v): return .integer(v)
                    case .double(let v): return .real(v)
                    case .string(let v): return .text(v)
                    case .blob(let v): return .text(v.base64EncodedString())
                    }
                }
            })
        }
    }
}

/// One exported value, keeping SQLite's type so JSON gets numbers as numbers.
public enum ExportValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// The CSV form (empty for null).
    public var text: String? {
        switch self {
        case .null: return nil
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v): return v
        }
    }

    /// The JSON form.
    public var json: Any {
        switch self {
        case .null: return NSNull()
        case .integer(let v): return v
        case .real(let v): return v
        case .text(let v): return v
        }
    }
}
