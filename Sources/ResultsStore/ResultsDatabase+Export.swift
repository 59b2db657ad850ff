import Foundation
import GRDB

extension ResultsDatabase {
    /// `run_summary` rows (optionally of one scenario), as columns and text values.
    public func runSummary(scenario: String? = nil) throws -> (columns: [String], rows: [[String?]]) {
        try pool.read { db in
            let sql = "SELECT * FROM run_summary" + (scenario == nil ? "" : " WHERE scenario_name = ?") + " ORDER BY started_at, id"
            let statement = try db.makeStatement(sql: sql)
            let rows = try Row.fetchAll(statement, arguments: scenario.map { [$0] } ?? [])
            let columns = statement.columnNames
            return (columns, rows.map { row in
                columns.indices.map { index -> String? in
                    let value: DatabaseValue = row[index]
                    switch value.storage {
                    case .null: return nil
                    case .int64(let v): return String(v)
                    case .double(let v): return String(v)
                    case .string(let v): return v
                    case .blob(let v): return v.base64EncodedString()
                    }
                }
            })
        }
    }
}
