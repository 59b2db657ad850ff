import Foundation
import GRDB
import TestSupport
import XCTest

/// Simulated runs in the results database: the same seed gives the same rows, bit for
/// bit; another seed gives results within sampling error.
final class SimulatedStoreTests: TemporaryFolderTestCase {
    private func simulate(_ db: String, seed: Int) throws {
        let outcome = try runCLI(["run", "--mode", "simulated", "--db", db, "--streams", "3", "--fps", "30", "--arrival", "poisson",
                                  "--worker", "offload:exponential(40ms)", "--worker", "cpu:lognormal(20ms,5ms)", "--topology", "C",
                                  "--shared", "offload:exponential(40ms)", "--duration", "200s", "--warmup", "5s", "--seed", "\(seed)",
                                  "--resolution", "160x120"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
    }

    /// Every metric row of the run, without the run's id, as text.
    private func rows(_ db: String) throws -> [String] {
        let queue = try DatabaseQueue(path: db)
        return try queue.read { db in
            var rows: [String] = []
            for table in ["worker_metrics", "stream_metrics", "accounting", "fairness"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") {
                    rows.append(table + ": " + row.columnNames.filter { $0 != "run_id" }.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " "))
                }
            }
            return rows
        }
    }

    func testTheSameSeedGivesIdenticalRowsAndAnotherSeedAgreesWithinSamplingError() throws {
        try simulate(path("a.sqlite"), seed: 11)
        try simulate(path("b.sqlite"), seed: 11)
        try simulate(path("c.sqlite"), seed: 12)
        let a = try rows(path("a.sqlite")), b = try rows(path("b.sqlite")), c = try rows(path("c.sqlite"))
        XCTAssertGreaterThan(a.count, 10)
        XCTAssertEqual(a, b, "same seed, same rows")
        XCTAssertNotEqual(a, c, "another seed draws other arrivals")
        // Another seed: the shared worker's drop fraction within sampling error. About
        // 3 × 30 × 200 = 18,000 frames reach its slots: a standard error near 0.004.
        func drop(_ db: String) throws -> Double {
            try DatabaseQueue(path: db).read { db in
                try Double.fetchOne(db, sql: "SELECT sum(slot_drops) * 1.0 / sum(delivered) FROM worker_metrics WHERE worker = 'offload:exponential(40ms)'") ?? -1
            }
        }
        XCTAssertEqual(try drop(path("a.sqlite")), try drop(path("c.sqlite")), accuracy: 0.02)
    }
}
