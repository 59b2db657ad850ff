import Foundation
import GRDB
import ResultsStore
#if canImport(FoundationXML)
import FoundationXML
#endif
import TestSupport
import XCTest

/// compare, report and gate on real databases written by real sweeps.
final class AnalysisCommandLineTests: TemporaryFolderTestCase {
    /// A small sweep: B and C at 2 and 3 streams × 3 repetitions, short offload runs.
    private func sweep(_ db: String, heavy: String = "offload:60ms", repetitions: Int = 3, streams: String = "2,3",
                       topologies: String = "B,C", seed: String = "1") throws {
        let outcome = try runCLI(["sweep", "--db", db, "--name", "small", "--topologies", topologies, "--streams", streams,
                                  "--repetitions", "\(repetitions)", "--duration", "700ms", "--warmup", "100ms", "--fps", "20",
                                  "--resolution", "160x120", "--worker", "offload:5ms", "--worker", heavy, "--shared", heavy,
                                  "--seed", seed, "--quiet"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
    }

    func testCompareAndReportWriteEveryPartFromTheDatabase() throws {
        let db = path("r.sqlite")
        try sweep(db)
        let compare = try runCLI(["compare", "--db", db])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertTrue(compare.stdout.hasPrefix("scalebench compare small · 12 runs"), compare.stdout)
        XCTAssertTrue(compare.stdout.contains("2 streams"))
        XCTAssertTrue(compare.stdout.contains("C vs B:"), compare.stdout)

        let report = try runCLI(["report", "--db", db, "--out", folder.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let markdown = try String(contentsOfFile: path("small.md"), encoding: .utf8)
        for section in ["# small: scalebench report", "## Options side by side", "### 2 streams", "### 3 streams", "## Charts",
                        "## Scaling fits", "## Environment", "## Methodology"] {
            XCTAssertTrue(markdown.contains(section), section)
        }
        let html = try String(contentsOfFile: path("small.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"), "no network needed")
        XCTAssertFalse(html.contains("<script"))
        // Every chart parses as XML and draws data.
        let charts = try FileManager.default.contentsOfDirectory(atPath: path("small")).filter { $0.hasSuffix(".svg") }
        XCTAssertGreaterThanOrEqual(charts.count, 8)
        // Runs of 0.7 s cannot support a p99 (≥ 500 frames): those charts are named, not drawn.
        XCTAssertTrue(markdown.contains("Not drawn: ") && markdown.contains("offload:60ms latency p99 vs streams (median"), markdown)
        XCTAssertFalse(charts.contains { $0.hasPrefix("latency-p99") })
        for chart in charts {
            let svg = try String(contentsOfFile: path("small/\(chart)"), encoding: .utf8)
            XCTAssertNoThrow(try XMLDocument(xmlString: svg), chart)
            XCTAssertTrue(svg.contains("class=\"mark\""), "\(chart) has data")
            XCTAssertFalse(svg.contains("no data") || svg.contains("insufficient data"), chart)
            XCTAssertTrue(html.contains(svg.trimmingCharacters(in: .whitespacesAndNewlines).prefix(80)), "\(chart) inline in the HTML")
        }
    }

    /// Must show (bad input): an empty database, an absent scenario, a missing database.
    func testBadInputIsOneLineAndExitStatus2() throws {
        let empty = path("empty.sqlite")
        XCTAssertEqual(try runCLI(["export", "--db", empty]).status, 2, "export does not create it either")
        _ = try runCLI(["run", "--db", empty, "--streams", "1", "--duration", "100ms", "--warmup", "0s", "--fps", "10", "--stress",
                        "--resolution", "160x120", "--worker", "offload:1ms", "--name", "x"])
        let fresh = path("fresh.sqlite")
        _ = try ResultsDatabase(path: fresh)
        let cases: [([String], String)] = [
            (["compare", "--db", fresh], "scalebench: error: \(fresh): no completed realtime runs\n"),
            (["report", "--db", fresh, "--out", folder.path], "scalebench: error: \(fresh): no completed realtime runs\n"),
            (["compare", "--db", path("none.sqlite")], "scalebench: error: --db \(path("none.sqlite")): no such database\n"),
            (["compare", "--db", empty, "nope"], "scalebench: error: scenario nope: no completed realtime runs of it in \(empty) (it has: x)\n"),
            (["report", "--db", empty, "--out", path("missing")], "scalebench: error: --out \(path("missing")): no such folder\n"),
            (["compare", "--db", empty, "--metric", "speed"], "scalebench: error: The value 'speed' is invalid for '--metric <metric>': expected latency-p99:KIND, latency-p50:KIND, drop-fraction:KIND, served-fps:KIND, look-gap:KIND (each also KIND@STATE for a load state), alert-latency, cpu-cores, peak-rss or model-memory:DEVICE\n"),
            (["gate", "--baseline", empty, "--candidate", path("none.sqlite")], "scalebench: error: --candidate \(path("none.sqlite")): no such database\n"),
        ]
        for (arguments, expected) in cases {
            let outcome = try runCLI(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments)")
            XCTAssertEqual(outcome.stderr, expected)
            XCTAssertEqual(outcome.stdout, "")
        }
    }

    /// The gate end to end: the same configuration with other seeds passes; a 30 %
    /// slower heavy worker fails (exit 1), named in the JUnit file and the summary. On
    /// simulated sweeps: the gate reads either mode's runs alike, and real-time sweeps are
    /// stored and read by the other tests here.
    func testTheGateCatchesASlowerHeavyWorkerAndPassesOtherSeeds() throws {
        func scenario(_ name: String, service: String, seed: Int) throws -> String {
            let file = path("\(name).yaml")
            try """
            name: gate-test
            streams: 2
            topology: C
            repetitions: 5
            duration: 1500ms
            warmup: 100ms
            seed: \(seed)
            capture: {fps: 20, resolution: 160x120}
            workers:
              - {kind: offload:5ms, name: detector}
              - {kind: "offload:constant(\(service))", name: vlm, shared: true}
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let outcome = try runCLI(["sweep", file, "--db", path("\(name).sqlite"), "--mode", "simulated", "--quiet"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            return path("\(name).sqlite")
        }
        // 2 streams share one VLM of 40 ms (12.5 fps each); the slower one takes 52 ms.
        let baseline = try scenario("baseline", service: "40ms", seed: 1)
        let same = try scenario("same", service: "40ms", seed: 2)
        let slower = try scenario("slower", service: "52ms", seed: 3)
        let metrics = ["--mode", "simulated", "--metric", "latency-p50:vlm", "--metric", "latency-p50:detector", "--metric", "served-fps:vlm"]

        let pass = try runCLI(["gate", "--baseline", "\(baseline)#gate-test", "--candidate", same] + metrics)
        XCTAssertEqual(pass.status, 0, pass.stdout + pass.stderr)
        XCTAssertTrue(pass.stdout.hasPrefix("gate: pass"), pass.stdout)

        let junit = path("gate.xml"), summary = path("summary.md")
        let fail = try runCLI(["gate", "--baseline", baseline, "--candidate", slower, "--junit", junit, "--summary", summary] + metrics)
        XCTAssertEqual(fail.status, 1, fail.stdout + fail.stderr)
        XCTAssertTrue(fail.stdout.hasPrefix("gate: REGRESSION"), fail.stdout)
        XCTAssertTrue(fail.stdout.contains("✗ latency-p50:vlm at 2 streams, option C: regression: vlm latency p50 +"), fail.stdout)
        XCTAssertFalse(fail.stdout.contains("✗ latency-p50:detector"), "the light worker did not change")
        let document = try XMLDocument(contentsOf: URL(fileURLWithPath: junit))
        XCTAssertGreaterThanOrEqual(try document.nodes(forXPath: "//failure").count, 1)
        XCTAssertTrue(try String(contentsOfFile: summary, encoding: .utf8).contains("| ✗ | latency-p50:vlm | 2 | C |"))
    }

    /// Capacity: one shared 50 ms worker serves 20 frames/s; at ≥ 4.5 fps per stream the
    /// search must land on 4 streams (5 gives 4.0), probing 1, 2, 4, 8, 6, 5. In simulated
    /// time: the search and its resumption do not depend on the mode its probes run in.
    func testCapacityFindsTheLargestCountMeetingTheServiceLevels() throws {
        let file = path("cap.yaml")
        try """
        name: cap
        streams: 1
        topology: C
        duration: 4s
        warmup: 500ms
        capture: {fps: 30, resolution: 160x120}
        workers:
          - {kind: "offload:constant(50ms)", name: vlm, shared: true}
        checkpoint:
          service-levels:
            - {metric: "served-fps:vlm", min: 4.5}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let db = path("cap.sqlite")
        let outcome = try runCLI(["capacity", file, "--db", db, "--mode", "simulated", "--max-streams", "8", "--quiet"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.hasSuffix("capacity: 4 streams (5 misses a service level)\n"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("  5 streams: not met: vlm fps per stream ≥ 4.5 fps in every room: NOT met (0 of 5 rooms meet it; worst: room 0, 4.00 fps; each room over 1 run)"), outcome.stdout)
        let probed = outcome.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { Int($0.split(separator: " ")[0])! }
        XCTAssertEqual(probed, [1, 2, 4, 5, 6, 8])
        // Resumes: a second search reuses the stored runs and answers the same.
        let again = try runCLI(["capacity", file, "--db", db, "--mode", "simulated", "--max-streams", "8"])
        XCTAssertEqual(again.stdout, outcome.stdout)
        XCTAssertFalse(again.stderr.contains("run 1/1"), "nothing runs again: \(again.stderr)")
        let noLevels = try runCLI(["capacity", path("nope.yaml")])
        XCTAssertEqual(noLevels.status, 2)
    }

    /// Calibration: a traced real-time run's service times fitted and stored, then used
    /// by a simulation of the same scenario.
    func testCalibrateFitsATracedRunAndASimulationUsesTheFits() throws {
        let file = path("cal.yaml"), db = path("cal.sqlite")
        try """
        name: cal
        streams: 2
        topology: C
        duration: 3s
        warmup: 300ms
        capture: {fps: 20, resolution: 160x120}
        workers:
          - {kind: "offload:gamma(60ms,15ms)", name: vlm, shared: true}
          - {kind: offload:5ms, name: light}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runCLI(["run", file, "--db", db, "--trace"]).status, 0)
        let queue = try DatabaseQueueReader(path: db)
        let traced = try queue.string("SELECT id FROM run WHERE scenario_name = 'cal'")
        // A second repetition the calibration never sees: the held-out one.
        XCTAssertEqual(try runCLI(["run", file, "--db", db]).status, 0)
        XCTAssertEqual(try runCLI(["run", file, "--db", db, "--name", "untraced"]).status, 0)
        let untraced = try queue.string("SELECT id FROM run WHERE scenario_name = 'untraced'")

        let calibrate = try runCLI(["calibrate", String(traced.prefix(8)), "--db", db])
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        // The chosen fit is a worker's first row. Its note varies with the machine's load (the
        // suite's other half runs beside it): "chosen", or the closest family when the KS
        // test fails, and a measured host cost when the thread's CPU per service shows one.
        let vlm = try XCTUnwrap(calibrate.stdout.split(separator: "\n").first { $0.hasPrefix("vlm") }, calibrate.stdout)
        XCTAssertTrue(vlm.contains("chosen") || vlm.contains("closest family"), String(vlm))
        let columns = vlm.split(separator: " ", omittingEmptySubsequences: true)
        XCTAssertEqual(columns[1], "accelerator", "an offload worker's accelerator part: wall time less its CPU time")
        let mean = try XCTUnwrap(Double(columns[3]))
        XCTAssertEqual(mean, 60, accuracy: 6, "the fitted mean of a 60 ms service: \(vlm)")

        let simulated = try runCLI(["run", file, "--db", db, "--mode", "simulated", "--calibrated", String(traced.prefix(8)), "--json"])
        XCTAssertEqual(simulated.status, 0, simulated.stderr)
        XCTAssertTrue(simulated.stdout.contains("\"cost\" : \"offload:lognormal(") || simulated.stdout.contains("\"cost\" : \"offload:gamma("), simulated.stdout)
        XCTAssertFalse(simulated.stdout.contains("offload:gamma(60ms,15ms)"), "the scenario's own distribution was replaced")
        // The report scores the calibrated simulation against the run it came from and
        // against the held-out repetition.
        XCTAssertEqual(try runCLI(["report", "cal", "--db", db, "--out", folder.path]).status, 0)
        let report = try String(contentsOfFile: path("cal.md"), encoding: .utf8)
        XCTAssertTrue(report.contains("### Calibrated simulations: prediction error"), report)
        let row = try XCTUnwrap(report.split(separator: "\n").first { $0.hasPrefix("| 2 | C | vlm fps per stream | \(traced.prefix(8)) |") },
                                report)
        let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        func percent(_ cell: String) throws -> Double { try XCTUnwrap(Double(cell.replacingOccurrences(of: " %", with: "")), cell) }
        // Columns: streams, option, metric, source, its value, simulated median, error, same
        // seed, error, held-out median (runs), error, same seed vs each held-out run.
        XCTAssertTrue(cells[9].hasSuffix("(1)"), "one held-out repetition: \(row)")
        XCTAssertLessThan(abs(try percent(cells[6])), 15, "against its source run: \(row)")
        XCTAssertLessThan(abs(try percent(cells[8])), 15, "against the simulation of its source run's seed: \(row)")
        XCTAssertLessThan(abs(try percent(cells[10])), 15, "against the held-out repetition: \(row)")
        XCTAssertTrue(cells[11].hasSuffix("(1)"), "the held-out repetition against its seed's simulation: \(row)")

        for (arguments, message) in [
            (["calibrate", untraced, "--db", db], "scalebench: error: \(untraced): the run has no trace; run it again with --trace\n"),
            (["calibrate", "zzzz", "--db", db], "scalebench: error: zzzz: no run with that id in \(db)\n"),
            (["run", file, "--db", db, "--mode", "simulated", "--calibrated", String(untraced.prefix(8))],
             "scalebench: error: --calibrated \(untraced.prefix(8)): the run has no calibration; run `scalebench calibrate \(untraced.prefix(8))` first\n"),
        ] {
            let outcome = try runCLI(arguments)
            XCTAssertEqual(outcome.status, 2, "\(arguments)")
            XCTAssertEqual(outcome.stderr, message)
        }
    }
}

extension AnalysisCommandLineTests {
    /// A kind with too few traced services is not fitted, and says why; a run where no
    /// kind has enough is refused with the counts, and nothing is stored.
    func testCalibrationFromTooFewSamplesSaysSo() throws {
        let file = path("few.yaml"), db = path("few.sqlite")
        try """
        name: few
        streams: 1
        duration: 1s
        warmup: 200ms
        capture: {fps: 20, resolution: 160x120}
        workers:
          - {kind: "offload:lognormal(5ms,1ms)", name: light}
          - {kind: "offload:lognormal(400ms,40ms)", name: heavy}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runCLI(["run", file, "--db", db, "--trace"]).status, 0)
        let queue = try DatabaseQueueReader(path: db)
        let id = try queue.string("SELECT id FROM run")
        let calibrate = try runCLI(["calibrate", id, "--db", db])
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        let heavy = try XCTUnwrap(calibrate.stdout.split(separator: "\n").first { $0.hasPrefix("heavy") }, calibrate.stdout)
        XCTAssertTrue(heavy.contains("not fitted: n = "), String(heavy))
        XCTAssertTrue(heavy.hasSuffix("a fit needs at least 10 values"), String(heavy))
        XCTAssertEqual(try queue.string("SELECT group_concat(DISTINCT worker) FROM calibration"), "capture,light",
                       "the captures' CPU per frame and the light kind")

        // Only the heavy kind, for half a second: nothing to fit at all.
        let sparse = try runCLI(["run", "--db", db, "--name", "sparse", "--trace", "--streams", "1", "--fps", "10", "--duration", "500ms",
                                 "--warmup", "0s", "--resolution", "160x120", "--worker", "offload:lognormal(300ms,30ms)"])
        XCTAssertEqual(sparse.status, 0, sparse.stderr)
        let sparseID = try queue.string("SELECT id FROM run WHERE scenario_name = 'sparse'")
        let refused = try runCLI(["calibrate", sparseID, "--db", db])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.hasPrefix("scalebench: error: \(sparseID): no worker kind has samples enough to fit (capture "), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(", offload:lognormal(300ms,30ms) "), refused.stderr)
        XCTAssertTrue(refused.stderr.hasSuffix("a fit needs at least 10, not all equal); nothing was stored\n"), refused.stderr)
        XCTAssertEqual(refused.stderr.split(separator: "\n").count, 1)
        XCTAssertEqual(try queue.string("SELECT COUNT(*) FROM calibration WHERE run_id = '\(sparseID)'"), "0")
    }

    /// Uniform service times are neither lognormal nor gamma: with a thousand of them the
    /// KS test says so, and the calibration falls back to the measured values.
    func testCalibrationFallsBackToTheMeasuredValuesWhenNoFamilyFits() throws {
        let file = path("uniform.yaml"), db = path("uniform.sqlite")
        try """
        name: uniform
        streams: 4
        duration: 9s
        warmup: 300ms
        capture: {fps: 30, resolution: 160x120}
        workers:
          - {kind: "offload:uniform(10ms,20ms)", name: flat}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runCLI(["run", file, "--db", db, "--trace"]).status, 0)
        let id = try DatabaseQueueReader(path: db).string("SELECT id FROM run")
        let calibrate = try runCLI(["calibrate", id, "--db", db])
        XCTAssertEqual(calibrate.status, 0, calibrate.stderr)
        XCTAssertTrue(calibrate.stdout.contains("closest family, but KS p < 0.05"), calibrate.stdout)
        XCTAssertTrue(calibrate.stdout.split(separator: "\n").contains { $0.hasPrefix("flat") && $0.contains(" empirical ") }, calibrate.stdout)
        let simulated = try runCLI(["run", file, "--db", db, "--mode", "simulated", "--calibrated", id, "--json"])
        XCTAssertEqual(simulated.status, 0, simulated.stderr)
        XCTAssertTrue(simulated.stdout.contains("\"cost\" : \"offload:empirical("), simulated.stdout)
        // Drawing the measured values: the simulated service p50 is the measured one's.
        let data = Data(simulated.stdout.utf8)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let worker = try XCTUnwrap((json["workers"] as? [[String: Any]])?.first)
        let service = try XCTUnwrap((worker["serviceMs"] as? [String: Any])?["p50"] as? Double)
        XCTAssertEqual(service, 15, accuracy: 1.5)
    }
}

/// One-value queries on a results database, for tests.
struct DatabaseQueueReader {
    let queue: DatabaseQueue
    init(path: String) throws { queue = try DatabaseQueue(path: path) }
    func string(_ sql: String) throws -> String { try queue.read { try String.fetchOne($0, sql: sql) ?? "" } }
}
