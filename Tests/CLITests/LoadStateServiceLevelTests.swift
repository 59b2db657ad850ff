import Foundation
import GRDB
import TestSupport
import XCTest

/// Service levels judged at a load state, from a simulated capacity search's stored
/// figures. Kept apart from the store's bit-identity tests, which also run under the
/// AddressSanitizer: this one's 300 s runs only lengthen that part.
final class LoadStateServiceLevelTests: TemporaryFolderTestCase {
    /// Service levels at a load state: the capacity search judges the detector's fps and
    /// p99 among frames that arrived in alert, room by room from the stored figures by
    /// state (each room's histograms pooled over the runs for the percentile, which needs
    /// 500 of its alert frames: 300 s runs); a state the load profile lacks is refused.
    /// At 11 rooms the mean over rooms met the fps level (the capacity was 11 when it was
    /// judged so); two rooms do not.
    func testServiceLevelsAtALoadStateAreJudgedFromTheStore() throws {
        let file = path("rooms.yaml")
        let text = """
        name: rooms-levels
        streams: 4
        duration: 300s
        warmup: 5s
        repetitions: 2
        capture:
          fps: 2
          arrival: poisson
          load:
            - {state: idle, fps: 1, dwell: exponential(30s)}
            - {state: alert, fps: 8, dwell: exponential(10s)}
        host: {cores: 2, memory-gb: 16}
        workers:
          - kind: "cpu:lognormal(60ms,10ms)"
            name: detector
        checkpoint:
          service-levels:
            - {metric: "served-fps:detector@alert", min: 6}
            - {metric: "latency-p99:detector@alert", max: 400}
        """
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try runCLI(["capacity", file, "--mode", "simulated", "--start", "4", "--max-streams", "16", "--db", path("levels.sqlite"),
                                  "--quiet"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("capacity: 10 streams (11 misses a service level)"), outcome.stdout)
        let eleven = try XCTUnwrap(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("  11 streams") }, outcome.stdout)
        XCTAssertTrue(eleven.contains("detector fps per stream in alert ≥ 6 fps in every room: NOT met (9 of 11 rooms meet it; worst: room 0, 5.71 fps; each room over 2 runs)"),
                      String(eleven))
        XCTAssertTrue(eleven.contains("detector latency p99 in alert ≤ 400 ms in every room: met (11 of 11 rooms meet it"), String(eleven))
        // Each room's own detector is a pool of one: 1 / 60 ms = 16.7 fps, never offered more
        // than its alert's 8 fps; the time-average offered rate is the profile's, 2.75 fps.
        let pools = try DatabaseQueue(path: path("levels.sqlite")).read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.* FROM pool_metrics p JOIN run r ON r.id = p.run_id WHERE r.streams = 12 ORDER BY p.run_id, p.pool
                """)
        }
        XCTAssertEqual(pools.count, 2 * 12, "a pool per room, per run")
        for pool in pools {
            XCTAssertEqual(pool["worker"] as String, "detector")
            XCTAssertEqual(pool["streams"] as Int, 1)
            XCTAssertEqual(pool["capacity_fps"] as Double, 1 / 0.06, accuracy: 1e-6)
            XCTAssertEqual(pool["overload_fraction"] as Double, 0)
            XCTAssertEqual(pool["closed_form"] as Double, 0)
        }
        let offered = pools.map { $0["offered_fps"] as Double }.reduce(0, +) / Double(pools.count)
        XCTAssertEqual(offered, 0.75 * 1 + 0.25 * 8, accuracy: 0.5, "the profile's mean rate, 300 s a room")

        try text.replacingOccurrences(of: "detector@alert\", min", with: "detector@alarm\", min").write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try runCLI(["capacity", file, "--mode", "simulated", "--db", path("levels.sqlite")])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("unknown load state \"alarm\" (known: idle, alert)"), refused.stderr)
    }
}
