import Foundation
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// docs/queueing.md §7 in virtual time: streams whose rate moves between states with long
/// dwell times behave, state by state, as stationary streams at the state's rate.
final class LoadProfileTests: XCTestCase {
    func profile(low: Double, high: Double, dwell: String) throws -> LoadProfile {
        LoadProfile(states: [
            .init(name: "idle", fps: low, dwell: try ServiceDistribution.parse(dwell)),
            .init(name: "alert", fps: high, dwell: try ServiceDistribution.parse(dwell)),
        ])
    }

    /// Time in each state over `[start, end)`, replaying the stream's schedule (pure and
    /// seeded: the very segments the run drew).
    func timeInStates(_ capture: RunInstances.Capture, from start: UInt64, to end: UInt64) -> [Double] {
        var schedule = LoadSchedule(profile: capture.load!, seed: capture.loadSeed)
        var time = [Double](repeating: 0, count: capture.load!.states.count)
        var at = start
        while at < end {
            let segment = schedule.segment(at: at)
            let until = min(segment.end, end)
            time[segment.state] += Double(until - at)
            at = until
        }
        return time.map { $0 / Double(end - start) }
    }

    /// One stream, Poisson arrivals at 2 or 20 fps (dwell 200 s in each), one latest-frame
    /// worker of constant 100 ms: X = Σ π_s · X(λ_s) with §1's X(λ) = 1 / (d + e^(−λd)/λ),
    /// D = 1 − X / Σ π_s λ_s, π_s the time the run spent in each state.
    func testQuasiStaticLoadIsTheTimeWeightedMixOfStationaryStates() throws {
        var scenario = RunScenario()
        scenario.streams = 1
        scenario.fps = 2
        scenario.arrival = .poisson
        scenario.load = try profile(low: 2, high: 20, dwell: "exponential(200s)")
        scenario.workers = [try WorkerSpec.parse("offload:100ms")]
        scenario.warmup = .seconds(10)
        scenario.duration = .seconds(40_000)
        scenario.seed = 11
        let instances = RunInstances(scenario: scenario)
        let fractions = timeInStates(instances.captures[0], from: instances.windowStart, to: instances.windowEnd)
        XCTAssertGreaterThan(fractions.min() ?? 0, 0.3, "both states visited at length: \(fractions)")
        let d = 0.1
        func throughput(_ lambda: Double) -> Double { 1 / (d + exp(-lambda * d) / lambda) }
        let expectedX = fractions[0] * throughput(2) + fractions[1] * throughput(20)
        let offered = fractions[0] * 2 + fractions[1] * 20

        let result = try VirtualExecutor(scenario: scenario).run()
        let row = try XCTUnwrap(result.workers.first)
        XCTAssertEqual(result.streams[0].realFPS, offered, accuracy: 0.01 * offered, "frames arrive at the states' rates")
        XCTAssertEqual(row.processedFPS, expectedX, accuracy: 0.01 * expectedX, "§7: X = Σ π_s X(λ_s), π = \(fractions)")
        let drop = Double(row.drops) / Double(row.delivered)
        print(String(format: "§7 quasi-static: π = %.3f / %.3f, offered %.3f fps, X %.4f measured / %.4f closed form, D %.4f / %.4f",
                     fractions[0], fractions[1], result.streams[0].realFPS, row.processedFPS, expectedX, drop, 1 - expectedX / offered))
        XCTAssertEqual(drop, 1 - expectedX / offered, accuracy: 0.01, "D = 1 − X / Σ π_s λ_s")
        // Per state: §1 at the state's rate, the time in it as the schedule says.
        for (index, lambda) in [2.0, 20.0].enumerated() {
            let name = index == 0 ? "idle" : "alert"
            let state = try XCTUnwrap(result.states.first { $0.stream == 0 && $0.state == name })
            XCTAssertEqual(state.seconds, fractions[index] * 40_000, accuracy: 1e-6, name)
            XCTAssertEqual(try XCTUnwrap(state.servedFPS), throughput(lambda), accuracy: 0.01 * throughput(lambda), "\(name): X(\(lambda))")
            XCTAssertEqual(try XCTUnwrap(state.dropFraction), 1 - throughput(lambda) / lambda, accuracy: 0.01, name)
            XCTAssertEqual(Double(state.offered) / state.seconds, lambda, accuracy: 0.01 * lambda, "\(name): arrivals at λ")
        }
    }

    /// Periodic arrivals restart at each change of state: within a state the gaps are the
    /// state's period exactly.
    func testPeriodicArrivalsKeepEachStatesPeriod() throws {
        let load = try profile(low: 1, high: 10, dwell: "constant(5s)")
        var schedule = ArrivalSchedule(fps: 1, process: .periodic, phaseNanos: 0, seed: 1,
                                       load: LoadSchedule(profile: load, seed: 3))
        var replay = LoadSchedule(profile: load, seed: 3)
        var previous: UInt64?
        for _ in 0..<500 {
            let arrival = schedule.next()
            let segment = replay.segment(at: arrival)
            let period = UInt64(1e9 / load.states[segment.state].fps)
            if let previous, previous >= segment.start {
                XCTAssertEqual(arrival - previous, period, "gap inside a state at \(arrival)")
            } else {
                XCTAssertEqual(arrival, segment.start, "the first arrival of a state at its start (phase 0)")
            }
            previous = arrival
        }
    }

    /// The long-run fractions of a semi-Markov chain: embedded-chain visits × mean dwell.
    /// idle → active; active → idle 0.8, alert 0.2; alert → active: visits 0.4, 0.5, 0.1;
    /// with dwells 60, 20 and 10 s, fractions 24 : 10 : 1 of 35.
    func testTimeFractionsWeighVisitsByDwell() throws {
        let load = LoadProfile(states: [
            .init(name: "idle", fps: 0.5, dwell: .exponential(mean: .seconds(60)), next: ["active": 1]),
            .init(name: "active", fps: 2, dwell: .exponential(mean: .seconds(20)), next: ["idle": 0.8, "alert": 0.2]),
            .init(name: "alert", fps: 5, dwell: .exponential(mean: .seconds(10)), next: ["active": 1]),
        ])
        let fractions = load.timeFractions
        for (got, expected) in zip(fractions, [24.0 / 35, 10.0 / 35, 1.0 / 35]) { XCTAssertEqual(got, expected, accuracy: 1e-9) }
        let meanFPS: Double = (24 * 0.5 + 10 * 2 + 1 * 5) / 35
        XCTAssertEqual(load.meanFPS, meanFPS, accuracy: 1e-9)
        // And a schedule spends those fractions of a long horizon in each state.
        var schedule = LoadSchedule(profile: load, seed: 5)
        var time = [Double](repeating: 0, count: 3)
        var at: UInt64 = 0
        let horizon: UInt64 = 2_000_000 * 1_000_000_000  // 2·10⁶ s: about 23,000 visits of idle
        while at < horizon {
            let segment = schedule.segment(at: at)
            time[segment.state] += Double(min(segment.end, horizon) - at)
            at = min(segment.end, horizon)
        }
        for (got, expected) in zip(time.map { $0 / Double(horizon) }, fractions) { XCTAssertEqual(got, expected, accuracy: 0.01) }
    }

    /// Independent rooms: the number in the high state at a time is Binomial(N, π_h), so
    /// the time a shared pool sized for k high rooms is overloaded is the binomial tail
    /// P(a > k) — what option A never pays for and B and C accept (§7).
    func testIndependentRoomsInTheHighStateFollowTheBinomialTail() throws {
        var scenario = RunScenario()
        scenario.streams = 32
        scenario.fps = 1
        scenario.load = LoadProfile(states: [
            .init(name: "idle", fps: 0.5, dwell: .exponential(mean: .seconds(80))),
            .init(name: "alert", fps: 5, dwell: .exponential(mean: .seconds(20))),
        ])
        scenario.workers = [try WorkerSpec.parse("offload:10ms")]
        scenario.duration = .seconds(200_000)
        let instances = RunInstances(scenario: scenario)
        var schedules = instances.captures.map { LoadSchedule(profile: $0.load!, seed: $0.loadSeed) }
        // Time with more than k = 10 rooms alarmed, on a 1 s grid.
        let k = 10, steps = 200_000
        var over = 0
        for step in 0..<steps {
            let at = UInt64(step) * 1_000_000_000
            let high = schedules.indices.reduce(0) { $0 + (schedules[$1].segment(at: at).state == 1 ? 1 : 0) }
            if high > k { over += 1 }
        }
        let p = 0.2
        var tail = 0.0
        for a in (k + 1)...32 { tail += binomial(32, a) * pow(p, Double(a)) * pow(1 - p, Double(32 - a)) }
        let measured = Double(over) / Double(steps)
        print(String(format: "§7 overload of a pool sized for %d alarmed rooms of 32: %.4f of the time against the binomial tail %.4f", k, measured, tail))
        // Grid points 1 s apart are correlated over a dwell (20–80 s): about 2,000
        // independent looks, so the sampling error is about √(t(1−t)/2000).
        XCTAssertEqual(measured, tail, accuracy: 4 * (tail * (1 - tail) / 2000).squareRoot(),
                       "P(a > \(k)) = \(tail) for a ~ Binomial(32, 0.2)")
    }

    /// A storm that puts half the rooms in alert for 200 s, about every 2,000 s, fattens
    /// the tail: the time over k is the mixture (1 − q)·P(Bin(N, π) > k) + q·P(Bin(N, ½ +
    /// ½π) > k), q the time a storm is on — measured, for the same events, by a room that
    /// joins every storm into a state of its own.
    func testAStormFattensTheTailAsTheMixtureSays() throws {
        let rooms = LoadProfile(states: [
            .init(name: "idle", fps: 0.5, dwell: .exponential(mean: .seconds(80))),
            .init(name: "alert", fps: 5, dwell: .exponential(mean: .seconds(20))),
        ])
        var witness = rooms
        witness.states[0].next = ["alert": 1]
        witness.states[1].next = ["idle": 1]
        witness.states.append(.init(name: "storm", fps: 5, dwell: .constant(.seconds(1)), next: ["idle": 1]))
        let storm = Storm(every: .exponential(mean: .seconds(2000)), lasts: .constant(.seconds(200)), rooms: 0.5, state: "alert")
        var all = storm
        all.rooms = 1
        all.state = "storm"
        let stormSeed: UInt64 = 77
        var schedules = (0..<32).map { LoadSchedule(profile: rooms, seed: 1000 + UInt64($0), storms: [storm], stormSeed: stormSeed, stream: $0) }
        var storming = LoadSchedule(profile: witness, seed: 9, storms: [all], stormSeed: stormSeed, stream: 99)
        let k = 10, steps = 500_000
        var over = 0, on = 0
        for step in 0..<steps {
            let at = UInt64(step) * 2_000_000_000
            let high = schedules.indices.reduce(0) { $0 + (schedules[$1].segment(at: at).state == 1 ? 1 : 0) }
            if high > k { over += 1 }
            if storming.segment(at: at).state == 2 { on += 1 }
        }
        func tail(_ p: Double) -> Double {
            ((k + 1)...32).reduce(0.0) { $0 + binomial(32, $1) * pow(p, Double($1)) * pow(1 - p, Double(32 - $1)) }
        }
        let q = Double(on) / Double(steps), measured = Double(over) / Double(steps)
        let mixture = (1 - q) * tail(0.2) + q * tail(0.5 + 0.5 * 0.2)
        print(String(format: "§7 storm: on %.4f of the time; over %d of 32 alarmed %.4f measured, %.4f mixture, %.4f independent", q, k, measured, mixture, tail(0.2)))
        XCTAssertGreaterThan(q, 0.07, "storms were on")
        XCTAssertGreaterThan(measured, 2 * tail(0.2), "correlation fattens the tail")
        XCTAssertEqual(measured, mixture, accuracy: 0.1 * mixture)
    }

    private func binomial(_ n: Int, _ k: Int) -> Double {
        (0..<k).reduce(1.0) { $0 * Double(n - $1) / Double($1 + 1) }
    }

    /// Groups: the first streams take the group's capture, the rest the scenario's.
    func testGroupsGiveStreamsTheirOwnRates() throws {
        var scenario = RunScenario()
        scenario.streams = 8
        scenario.fps = 10
        scenario.captureGroups = [CaptureGroup(size: .share(0.25), fps: 2), CaptureGroup(size: .count(1), fps: 30, arrival: .poisson)]
        scenario.workers = [try WorkerSpec.parse("offload:10ms")]
        scenario.duration = .seconds(100)
        try scenario.validate()
        XCTAssertEqual(scenario.streamCaptures.map(\.fps), [2, 2, 30, 10, 10, 10, 10, 10])
        let result = try VirtualExecutor(scenario: scenario).run()
        for (stream, expected) in [2.0, 2, 30, 10, 10, 10, 10, 10].enumerated() {
            XCTAssertEqual(result.streams[stream].realFPS, expected, accuracy: 0.05 * expected, "stream \(stream)")
        }
        scenario.captureGroups = [CaptureGroup(size: .count(6)), CaptureGroup(size: .share(0.5))]
        XCTAssertThrowsError(try scenario.validate()) { error in
            XCTAssertTrue("\(error)".contains("groups that fit the 8 streams"), "\(error)")
        }
    }
}
