import Foundation
import GRDB
import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// A simulation too big for the machine, or too long for its histograms, is refused
/// with the estimate before anything starts.
final class SimulationBudgetTests: TemporaryFolderTestCase {
    private func scenario(streams: Int, kinds: Int, duration: Duration) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = streams
        scenario.workers = try (0..<kinds).map { _ in try WorkerSpec.parse("offload:10ms") }
        scenario.duration = duration
        return scenario
    }

    func testAnEnvironmentLimitLowersTheAvailableMemory() {
        let machine = SimulationBudget.availableMemory(environment: [:])
        XCTAssertGreaterThan(machine, 0)
        XCTAssertEqual(SimulationBudget.availableMemory(environment: ["SCALEBENCH_MEMORY_LIMIT": "0.5"]), min(machine, 536_870_912))
        XCTAssertEqual(SimulationBudget.availableMemory(environment: ["SCALEBENCH_MEMORY_LIMIT": "lots"]), machine, accuracy: machine * 0.05)
    }

    func testTheEstimateCountsRowsHistogramsAndEvents() throws {
        let budget = SimulationBudget(try scenario(streams: 1000, kinds: 2, duration: .seconds(3599)))
        XCTAssertEqual(budget.rows, 2000)
        XCTAssertEqual(budget.workerInstances, 2000)
        XCTAssertEqual(budget.histogramsPerRow, 3)
        XCTAssertEqual(budget.framesPerStream, 108_000, accuracy: 1e-6)  // 30 fps × (1 s + 3599 s)
        XCTAssertEqual(budget.events, 108_000 * 3000, accuracy: 1)       // arrivals + a service end per row
        // Three histograms per row dominate: more than 2000 × 3 × 60 KB.
        XCTAssertGreaterThan(SimulationBudget.histogramBytes, 60_000)
        XCTAssertGreaterThan(budget.bytes, 2000 * 3 * SimulationBudget.histogramBytes)
        XCTAssertLessThan(budget.bytes, 2000 * 3 * SimulationBudget.histogramBytes + 100 * 1_048_576)
        XCTAssertNoThrow(try budget.check(availableBytes: budget.bytes + 1))
    }

    func testMoreRowsThanMemoryAreRefusedWithTheEstimateAndHowManyStreamsFit() throws {
        let budget = SimulationBudget(try scenario(streams: 1000, kinds: 2, duration: .seconds(10)))
        XCTAssertThrowsError(try budget.check(availableBytes: 200 * 1_048_576)) { error in
            let error = error as! ScenarioError
            XCTAssertEqual(error.key, "streams")
            XCTAssertTrue(error.value.hasPrefix("1000 (a simulation needs ≈ 0."), error.value)
            XCTAssertTrue(error.value.contains("2000 stream × worker rows × 3 latency histograms"), error.value)
            XCTAssertTrue(error.value.contains("this machine has 0.2 GB available"), error.value)
            // (200 MB − 64 MB baseline) / (≈ 0.55 MB per stream): about 250 streams.
            let fitting = Int(error.allowed.split(separator: " ")[2])!
            XCTAssertTrue((200...300).contains(fitting), error.allowed)
            XCTAssertTrue(error.allowed.hasSuffix("not with the horizon)"), error.allowed)
        }
    }

    func testAHorizonBeyondWhatAHistogramCountsIsRefused() throws {
        // 30 fps × 4·10⁷ s = 1.2·10⁹ frames per stream fit; 30 fps × 2·10⁸ s do not.
        XCTAssertNoThrow(try SimulationBudget(try scenario(streams: 1, kinds: 1, duration: .seconds(4e7))).check(availableBytes: 1e12))
        let long = SimulationBudget(try scenario(streams: 1, kinds: 1, duration: .seconds(2e8)))
        XCTAssertThrowsError(try long.check(availableBytes: 1e12)) { error in
            let error = error as! ScenarioError
            XCTAssertEqual(error.key, "duration")
            XCTAssertTrue(error.value.contains("≈ 6e+09 frames per stream, ≈ 1.2e+10 events"), error.value)
            XCTAssertTrue(error.allowed.hasPrefix("a horizon under 143165576.5 s at 30 fps"), error.allowed)
        }
    }

    /// Through the CLI: one line, exit 2, and no run row in the database.
    func testTheCommandRefusesBeforeAnythingStartsAndWritesNothing() throws {
        let db = folder.appendingPathComponent("budget.sqlite").path
        let workers = (0..<8).flatMap { _ in ["--worker", "offload:10ms"] }
        // 1000 streams × 8 kinds × 3 histograms: about 2.1 GB, against a 1 GB limit (the
        // limit makes the test the same on any machine; without it, MemAvailable counts).
        let limit = ["SCALEBENCH_MEMORY_LIMIT": "1"]
        let big = try runCLI(["run", "--mode", "simulated", "--db", db, "--streams", "1000", "--duration", "1s"] + workers, environment: limit)
        XCTAssertEqual(big.status, 2, big.stderr)
        XCTAssertTrue(big.stderr.contains("--mode simulated: streams 1000 (a simulation needs ≈ 2.1 GB: 8000 stream × worker rows × 3"), big.stderr)
        XCTAssertTrue(big.stderr.contains("this machine has 1.0 GB available): expected at most "), big.stderr)
        // (1 GB − 64 MB of baseline) / (≈ 2.2 MB per stream of 8 rows): about 450.
        let fitting = big.stderr.components(separatedBy: "expected at most ").last.flatMap { Int($0.prefix { $0.isNumber }) }
        XCTAssertTrue((400...500).contains(fitting ?? 0), big.stderr)
        XCTAssertEqual(big.stderr.split(separator: "\n").count, 1, big.stderr)
        // The same sweep is refused before its first run.
        let sweep = try runCLI(["sweep", "--mode", "simulated", "--db", db, "--streams", "10,1000", "--duration", "1s"] + workers,
                               environment: limit)
        XCTAssertEqual(sweep.status, 2, sweep.stderr)
        XCTAssertTrue(sweep.stderr.contains("streams 1000 (a simulation needs"), sweep.stderr)
        let long = try runCLI(["run", "--mode", "simulated", "--db", db, "--streams", "1", "--duration", "200000000s"])
        XCTAssertEqual(long.status, 2, long.stderr)
        XCTAssertTrue(long.stderr.contains("--mode simulated: duration 200000001 s of warm-up and window"), long.stderr)
        // Refused before the database is opened: not even an empty one is left behind.
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "nothing written")
    }

    /// `bench simulation` times real simulations and refuses what cannot run; its figures
    /// are wall-clock speeds, so only their presence is tested (the values are in Reports).
    func testTheSimulationBenchmarkRunsItsCasesAndRefusesAnInfeasibleOne() throws {
        let nursingHome = Fixtures.repository.appendingPathComponent("Scenarios/nursing-home-32.yaml").path
        let bench = try runCLI(["bench", "simulation", "--frames", "3000", "--repetitions", "2", "--scenario", nursingHome,
                                "--topology", "C", "--duration", "20s"])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let rows = bench.stdout.split(separator: "\n").filter { $0.hasPrefix("| §1") || $0.hasPrefix("| nursing-home-32") }
        XCTAssertEqual(rows.count, 3, bench.stdout)
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertGreaterThan(Int(cells[3]) ?? 0, 0, "events: \(row)")
            XCTAssertTrue(cells[9].hasSuffix(" M"), "events per second: \(row)")
        }
        let infeasible = try runCLI(["bench", "simulation", "--frames", "0", "--scenario", nursingHome, "--topology", "A"])
        XCTAssertEqual(infeasible.status, 2)
        XCTAssertTrue(infeasible.stderr.contains("option A with 32 streams is infeasible: gpu0: needs 256.0 GB"), infeasible.stderr)
    }
}
