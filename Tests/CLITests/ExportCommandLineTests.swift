import Foundation
import GRDB
import TestSupport
import XCTest

/// `scalebench export --format perfetto | openmetrics`, the real binary on a database its
/// own runs wrote: the same scenario traced in real time and in simulated time.
final class ExportCommandLineTests: TemporaryFolderTestCase {
    /// 3 rooms at 10 fps: a heavy kind shared by two instances (option C) and a light one per room.
    private func scenario() throws -> String {
        let file = path("timeline.yaml")
        try """
        name: timeline
        streams: 3
        topology: C
        duration: 2s
        warmup: 500ms
        capture: {fps: 10, phase: random}
        workers:
          - {kind: "offload:lognormal(70ms,10ms)", name: heavy, shared: true}
          - {kind: "offload:10ms", name: light}
        options: {shared-instances: 2, scheduling: round-robin}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    /// Runs the scenario traced in both modes; returns the database and the two run ids.
    private func tracedRuns() throws -> (db: String, realtime: String, simulated: String) {
        let db = path("runs.sqlite"), file = try scenario()
        for mode in ["realtime", "simulated"] {
            let outcome = try runCLI(["run", file, "--mode", mode, "--trace", "--db", db])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
        }
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { db in
            (path("runs.sqlite"),
             try XCTUnwrap(try String.fetchOne(db, sql: "SELECT id FROM run WHERE mode = 'realtime'")),
             try XCTUnwrap(try String.fetchOne(db, sql: "SELECT id FROM run WHERE mode = 'simulated'")))
        }
    }

    /// Frames the run's workers processed, as its accounting counts them.
    private func processedFrames(_ db: String, run: String) throws -> Int {
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: "SELECT sum(output) FROM accounting WHERE run_id = ? AND stage = 'worker'", arguments: [run]) ?? -1 }
    }

    func testTimelinesOfARealTimeAndASimulatedRunAreWellFormedAndHoldEveryProcessedFrame() throws {
        let (db, realtime, simulated) = try tracedRuns()
        for (mode, run) in [("realtime", realtime), ("simulated", simulated)] {
            let file = path("\(mode).json")
            let outcome = try runCLI(["export", "--format", "perfetto", String(run.prefix(8)), "--db", db, "-o", file])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            let timeline = try TraceEventFile(contentsOf: file)
            let services = timeline.slices.filter { $0.category == "service" }
            XCTAssertEqual(services.reduce(0) { $0 + $1.frames }, try processedFrames(db, run: run), "\(mode): every processed frame in a service slice")
            // A track per worker instance: two heavy ones shared by the rooms, a light one per room.
            XCTAssertEqual(Set(services.map(\.track)).count, 5, mode)
            XCTAssertEqual(timeline.threadNames.values.filter { $0.hasPrefix("heavy ") }.count, 2, mode)
            XCTAssertEqual(timeline.processNames.values.filter { $0.hasPrefix("stream ") }.sorted(), ["stream 0", "stream 1", "stream 2"], mode)
            // Each processed frame waited in its slot or frame-buffer on its room's track for its kind.
            XCTAssertGreaterThan(timeline.slices.filter { $0.category == "wait" }.count, services.count * 9 / 10, mode)
            if mode == "realtime" {
                XCTAssertFalse(timeline.slices.filter { $0.category == "capture" }.isEmpty, "real time traces each production")
            }
        }
    }

    func testAWindowAndAStreamFilterBoundTheTimeline() throws {
        let (db, _, simulated) = try tracedRuns()
        let file = path("window.json")
        let outcome = try runCLI(["export", "--format", "perfetto", simulated, "--db", db, "--window", "1s..2s", "--streams", "1", "-o", file])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let timeline = try TraceEventFile(contentsOf: file)
        let services = timeline.slices.filter { $0.category == "service" }
        XCTAssertFalse(services.isEmpty)
        for service in services {
            XCTAssertEqual(service.streams, [1])
            XCTAssertGreaterThanOrEqual(service.ts + service.dur, 1e6 - 1e-3)
            XCTAssertLessThan(service.ts + service.dur, 2e6)
        }
        XCTAssertEqual(timeline.processNames.values.filter { $0.hasPrefix("stream ") }, ["stream 1"])
    }

    func testOpenMetricsParseWithThePrometheusClient() throws {
        let (db, _, _) = try tracedRuns()
        let file = path("metrics.txt")
        let outcome = try runCLI(["export", "--format", "openmetrics", "--db", db, "-o", file])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let python = Fixtures.repository.appendingPathComponent(".build-venv/bin/python3").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            return XCTFail("\(python) is missing: `make deps` installs the Prometheus client it parses with")
        }
        let parsed = try Fixtures.run(python, ["-c", """
            import json, sys
            from prometheus_client.openmetrics.parser import text_string_to_metric_families
            families = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                families[family.name] = [dict(labels=s.labels, value=s.value) for s in family.samples]
            print(json.dumps(families))
            """, file])
        let families = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as? [String: [[String: Any]]])
        // 2 runs × 3 rooms × 2 kinds per-room samples; one window sample per run.
        let served = try XCTUnwrap(families["scalebench_served_fps"])
        XCTAssertEqual(served.count, 12)
        XCTAssertEqual(families["scalebench_measured_window_seconds"]?.count, 2)
        let labels = try XCTUnwrap(served.first?["labels"] as? [String: String])
        XCTAssertEqual(Set(labels.keys), ["scenario", "topology", "streams", "mode", "repetition", "run", "worker", "stream"])
        XCTAssertEqual(Set(served.compactMap { ($0["labels"] as? [String: String])?["mode"] }), ["realtime", "simulated"])
        // The light kind serves every frame of its room: 10 fps.
        for sample in served where (sample["labels"] as? [String: String])?["worker"] == "light" {
            XCTAssertEqual(sample["value"] as? Double ?? 0, 10, accuracy: 0.7)
        }
    }

    func testBadExportsGetOneLineAndExitStatus2() throws {
        let (db, realtime, _) = try tracedRuns()
        let untraced = try runCLI(["run", try scenario(), "--mode", "simulated", "--db", db])
        XCTAssertEqual(untraced.status, 0, untraced.stderr)
        let queue = try DatabaseQueue(path: db)
        let plain = try queue.read { try String.fetchOne($0, sql: "SELECT r.id FROM run r WHERE NOT EXISTS (SELECT 1 FROM frame_trace f WHERE f.run_id = r.id)") }
        try queue.close()
        let cases: [([String], String)] = [
            (["export", "--format", "perfetto", "feedface", "--db", db], "no run in"),
            (["export", "--format", "perfetto", try XCTUnwrap(plain), "--db", db], "has no frame trace"),
            (["export", "--format", "perfetto", realtime, "--db", db, "--window", "50s..60s"], "outside run"),
            (["export", "--format", "perfetto", realtime, "--db", db, "--window", "5s..2s"], "FROM..TO"),
            (["export", "--format", "perfetto", "--db", db], "needs a RUN"),
            (["export", "--format", "csv", realtime, "--db", db], "--format perfetto"),
            (["export", "--format", "svg", "--db", db], "svg"),
        ]
        for (arguments, expected) in cases {
            let outcome = try runCLI(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(expected), "\(arguments): \(outcome.stderr)")
            XCTAssertTrue(outcome.stdout.isEmpty, "\(arguments) wrote \(outcome.stdout)")
        }
    }
}

/// A Chrome trace event file, checked against the format as it is read: every event has
/// the fields its phase requires, every track is named, and slices on one track never
/// overlap (the exporter never nests them).
struct TraceEventFile {
    struct Slice {
        var category: String
        var track: String
        var ts: Double
        var dur: Double
        var frames: Int
        var streams: [Int]
    }

    var slices: [Slice] = []
    var processNames: [Int: String] = [:]
    var threadNames: [String: String] = [:]

    init(contentsOf path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        let document = try XCTUnwrap(object as? [String: Any], "a trace is a JSON object", file: file, line: line)
        let events = try XCTUnwrap(document["traceEvents"] as? [[String: Any]], "traceEvents is an array of objects", file: file, line: line)
        XCTAssertEqual(document["displayTimeUnit"] as? String, "ms", file: file, line: line)
        for event in events {
            let phase = try XCTUnwrap(event["ph"] as? String, "\(event)", file: file, line: line)
            let pid = try XCTUnwrap(event["pid"] as? Int, "pid: \(event)", file: file, line: line)
            let name = try XCTUnwrap(event["name"] as? String, "name: \(event)", file: file, line: line)
            switch phase {
            case "M":
                let value = try XCTUnwrap((event["args"] as? [String: Any])?["name"] as? String, "\(event)", file: file, line: line)
                if name == "process_name" {
                    processNames[pid] = value
                } else {
                    XCTAssertEqual(name, "thread_name", file: file, line: line)
                    threadNames["\(pid)/\(try XCTUnwrap(event["tid"] as? Int, file: file, line: line))"] = value
                }
            case "X":
                let tid = try XCTUnwrap(event["tid"] as? Int, "tid: \(event)", file: file, line: line)
                let ts = try XCTUnwrap(event["ts"] as? Double, "ts: \(event)", file: file, line: line)
                let dur = try XCTUnwrap(event["dur"] as? Double, "dur: \(event)", file: file, line: line)
                XCTAssertGreaterThanOrEqual(ts, 0, file: file, line: line)
                XCTAssertGreaterThanOrEqual(dur, 0, file: file, line: line)
                let args = try XCTUnwrap(event["args"] as? [String: Any], "args: \(event)", file: file, line: line)
                slices.append(Slice(category: try XCTUnwrap(event["cat"] as? String, file: file, line: line), track: "\(pid)/\(tid)",
                                    ts: ts, dur: dur, frames: args["frames"] as? Int ?? 0, streams: args["streams"] as? [Int] ?? []))
            default:
                XCTFail("unexpected phase \(phase)", file: file, line: line)
            }
        }
        for track in Set(slices.map(\.track)) {
            XCTAssertNotNil(threadNames[track], "track \(track) has a thread_name", file: file, line: line)
            XCTAssertNotNil(processNames[Int(track.split(separator: "/")[0])!], "process of \(track) is named", file: file, line: line)
            let ordered = slices.filter { $0.track == track }.sorted { $0.ts < $1.ts }
            for (previous, next) in zip(ordered, ordered.dropFirst()) {
                // JSON carries microseconds with nanosecond decimals: allow their rounding.
                XCTAssertGreaterThanOrEqual(next.ts, previous.ts + previous.dur - 1e-3, "overlap on \(track)", file: file, line: line)
            }
        }
    }
}
