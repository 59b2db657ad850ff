import Foundation
import Orchestration
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// docs/queueing.md §7's argument for sharing, in virtual time: how often a pool is
/// offered more than it serves, against the closed form; and the report's sweep, where at
/// equal instances the pools win under independent bursts and lose under a storm.
final class PoolOverloadTests: XCTestCase {
    /// 32 rooms idling at 0.5 fps and alarming at 5 fps a fifth of the time, 6 shared
    /// instances of 100 ms (60 fps): overloaded while 0.5·32 + 4.5·a > 60, a > 9.78 alarmed.
    func rooms(storms: [Storm] = [], seconds: Double) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 32
        scenario.topology = .hybrid
        scenario.fps = 1
        scenario.load = LoadProfile(states: [
            .init(name: "idle", fps: 0.5, dwell: .exponential(mean: .seconds(80))),
            .init(name: "alert", fps: 5, dwell: .exponential(mean: .seconds(20))),
        ])
        scenario.storms = storms
        let worker = try WorkerSpec.parse("offload:constant(100ms)")
        scenario.workers = [worker]
        scenario.sharedWorkers = [worker.name]
        scenario.sharedInstances = 6
        scenario.duration = .seconds(seconds)
        return scenario
    }

    func testTheOverloadOfAPoolOfIndependentRoomsIsTheBinomialTail() throws {
        let pool = try XCTUnwrap(PoolResult.pools(instances: RunInstances(scenario: rooms(seconds: 400_000))).first)
        XCTAssertEqual(pool.instances, 6)
        XCTAssertEqual(try XCTUnwrap(pool.capacityFPS), 60, accuracy: 1e-9)
        let binomial = (10...32).reduce(0.0) { $0 + choose(32, $1) * pow(0.2, Double($1)) * pow(0.8, Double(32 - $1)) }
        XCTAssertEqual(try XCTUnwrap(pool.closedForm), binomial, accuracy: 1e-9, "the exact convolution of two-state rooms is the binomial tail")
        // The number alarmed decorrelates in about 1/(1/80 + 1/20) = 16 s: some 12,000
        // independent looks in 400,000 s.
        let sigma = (binomial * (1 - binomial) / 12_000).squareRoot()
        print(String(format: "§7 pool of 6 × 100 ms for 32 independent rooms: overloaded %.4f of the time, binomial tail %.4f", pool.overloadFraction, binomial))
        XCTAssertEqual(pool.overloadFraction, binomial, accuracy: 4 * sigma)
        XCTAssertEqual(pool.offeredFPS, 32 * (0.8 * 0.5 + 0.2 * 5), accuracy: 0.02 * 32 * 1.4)
    }

    /// A service's host cost (pre- and post-processing, half on each side of the
    /// accelerator's part) is part of its length once, not once a side.
    func testAHostCostLengthensEachServiceOnce() throws {
        var scenario = try rooms(seconds: 10)
        scenario.workers[0].hostCost = .milliseconds(20)
        let pool = try XCTUnwrap(PoolResult.pools(instances: RunInstances(scenario: scenario)).first)
        XCTAssertEqual(try XCTUnwrap(pool.capacityFPS), 6 / 0.120, accuracy: 1e-9, "6 instances of 100 + 20 ms")
    }

    /// Events every 2,000 s on average (exponential gaps, so they overlap), lasting 200 s,
    /// each room joining each with probability 1/2: the tail is the mixture over the number
    /// of events on (Poisson, mean 0.1), and much fatter than without storms.
    func testAStormFattensTheOverloadAsTheMixtureSays() throws {
        let storm = Storm(every: .exponential(mean: .seconds(2000)), lasts: .constant(.seconds(200)), rooms: 0.5, state: "alert")
        let calm = try XCTUnwrap(PoolResult.pools(instances: RunInstances(scenario: rooms(seconds: 1_000_000))).first)
        let stormy = try XCTUnwrap(PoolResult.pools(instances: RunInstances(scenario: rooms(storms: [storm], seconds: 1_000_000))).first)
        let closed = try XCTUnwrap(stormy.closedForm)
        print(String(format: "§7 pool with storms: overloaded %.4f measured, %.4f closed form; %.4f without storms", stormy.overloadFraction, closed, calm.overloadFraction))
        XCTAssertGreaterThan(stormy.overloadFraction, 1.5 * calm.overloadFraction, "correlation fattens the tail")
        // About 500 storms in the window: the storm part's relative error is about 1/√500.
        XCTAssertEqual(stormy.overloadFraction, closed, accuracy: 0.1 * closed)
    }

    /// The report's sweep (benchmarks/pooling-*.yaml), 4 h a side: 8 rooms, 8 heavy
    /// instances in every option. Independent bursts: an alarming room of option A drops
    /// what its one worker cannot serve (1 − 2.86/5), the pools drop almost nothing. A storm
    /// that alarms six rooms at once: the pools drop less than A still, but the quiet rooms
    /// wait behind the alarming ones, and only A keeps their p99 under 600 ms.
    func testPoolsWinUnderIndependentBurstsAndOnlyIsolationHoldsTheQuietRoomsInAStorm() throws {
        func run(_ name: String, _ topology: TopologyKind) throws -> [String: StateResult] {
            let file = try ScenarioFile.load(path: Fixtures.repository.appendingPathComponent("benchmarks/pooling-\(name).yaml").path)
            var scenario = file.scenario(streams: 8, topology: topology)
            scenario.duration = .seconds(4 * 3600)
            let result = try VirtualExecutor(scenario: scenario).run()
            return Dictionary(uniqueKeysWithValues: result.states.filter { $0.stream == StateResult.allStreams }.map { ($0.state, $0) })
        }
        let burstsA = try run("bursts", .independentPipelines), burstsC = try run("bursts", .hybrid)
        let stormA = try run("storm", .independentPipelines), stormC = try run("storm", .hybrid)
        func p99(_ row: StateResult?) -> Double { row?.latencyMs.p99 ?? .nan }
        print(String(format: "pooling sweep: bursts alert drop A %.3f C %.3f, idle p99 A %.0f C %.0f ms; storm alert drop A %.3f C %.3f, idle p99 A %.0f C %.0f ms",
                     burstsA["alert"]?.dropFraction ?? .nan, burstsC["alert"]?.dropFraction ?? .nan, p99(burstsA["idle"]), p99(burstsC["idle"]),
                     stormA["alert"]?.dropFraction ?? .nan, stormC["alert"]?.dropFraction ?? .nan, p99(stormA["idle"]), p99(stormC["idle"])))
        XCTAssertEqual(try XCTUnwrap(burstsA["alert"]?.dropFraction), 1 - (1 / 0.35) / 5, accuracy: 0.03, "A's room worker saturates in alert")
        XCTAssertLessThan(try XCTUnwrap(burstsC["alert"]?.dropFraction), 0.1, "the pool serves an alarming room from idle instances")
        XCTAssertLessThan(p99(burstsC["idle"]), 600)
        XCTAssertLessThan(p99(stormA["idle"]), 600, "A's quiet rooms never wait for another room")
        XCTAssertGreaterThan(p99(stormC["idle"]), 600, "in a storm the quiet rooms wait behind the alarming ones")
        XCTAssertLessThan(try XCTUnwrap(stormC["alert"]?.dropFraction), try XCTUnwrap(stormA["alert"]?.dropFraction))
        XCTAssertGreaterThan(try XCTUnwrap(stormC["alert"]?.dropFraction), 0.1, "and the pool cannot serve six alarms at once")
    }

    private func choose(_ n: Int, _ k: Int) -> Double {
        (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
    }
}
