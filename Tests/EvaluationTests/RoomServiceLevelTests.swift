import Analysis
@testable import Evaluation
@testable import ResultsStore
import Random
import ScaleBenchCore
import XCTest

/// Must show: a service level on a figure each room has holds for the worst room (or the
/// stated share of rooms), so a configuration that starves one room misses it even where
/// the mean over rooms passes; the look gap, pose and the alert chain as levels.
final class RoomServiceLevelTests: XCTestCase {
    /// A kind's row at one room over a 100 s window: fps × 100 frames, all at `latencyMs`.
    func room(_ kind: String, _ stream: Int, fps: Double, latencyMs: Double = 100, seconds: Double = 100,
              drops: Double = 0, state: String? = nil) -> RunRecord.RoomRecord {
        var latency = LatencyHistogram()
        let frames = Int((fps * seconds).rounded())
        for _ in 0..<frames { latency.record(UInt64(latencyMs * 1e6)) }
        return RunRecord.RoomRecord(worker: kind, stream: stream, state: state, seconds: seconds, servedFPS: fps, dropFraction: drops,
                                    processed: Int64(frames), latency: latency)
    }

    /// Three runs of option C whose rooms are `rooms`; the run-level kind rows average them,
    /// as the store's do.
    func runs(_ rooms: [RunRecord.RoomRecord], chain: [String] = []) -> [RunRecord] {
        var scenario = RunScenario()
        scenario.checkpoint = Checkpoint(alertChain: chain)
        return RunFactory.runs(3, option: "C", medianMs: 100, seed: 3).map { run in
            var run = run
            run.scenario = scenario
            run.rooms = rooms
            run.kinds = rooms.map(\.worker).uniqued().map { kind in
                let mine = rooms.filter { $0.worker == kind && $0.state == nil }
                var pooled = LatencyHistogram()
                for room in mine { pooled.add(room.latency) }
                return KindRecord(worker: kind, latency: pooled, meanDropFraction: mine.map { $0.dropFraction ?? 0 }.reduce(0, +) / Double(mine.count),
                                  meanServedFPS: mine.map { $0.servedFPS ?? 0 }.reduce(0, +) / Double(mine.count),
                                  processed: mine.map(\.processed).reduce(0, +))
            }
            return run
        }
    }

    /// Four rooms, one of them starved by the shared VLM: a look every 50 s there.
    func starved() -> [RunRecord] {
        runs([room("vlm", 0, fps: 1), room("vlm", 1, fps: 1), room("vlm", 2, fps: 1), room("vlm", 3, fps: 0.02)])
    }

    func testAWorstRoomLevelFailsWhereTheMeanPasses() throws {
        let runs = starved()
        let served = Checkpoint.ServiceLevel(metric: Metric(.servedFPS, "vlm"), min: 0.05)
        // The mean over rooms, as the run-level figure holds it, passes …
        let means = Comparison.values(served.metric, runs)
        XCTAssertEqual(means.count, 3)
        for mean in means { XCTAssertEqual(mean, 0.755, accuracy: 1e-12) }
        XCTAssertTrue(served.isMet(by: Descriptive.median(means)))
        // … the worst room does not.
        let (status, evidence) = DecisionCheckpoint.judge(runs, levels: [served], alertChain: [])
        XCTAssertEqual(status, .notMet)
        XCTAssertEqual(evidence, ["vlm fps per stream ≥ 0.05 fps in every room: NOT met (3 of 4 rooms meet it; worst: room 3, 0.020 fps; each room over 3 runs)"])

        // The same as the time between looks at a room.
        let gap = Checkpoint.ServiceLevel(metric: Metric(.lookGap, "vlm"), max: 20)
        XCTAssertEqual(DecisionCheckpoint.judge(runs, levels: [gap], alertChain: []).1,
                       ["gap between vlm looks ≤ 20 s in every room: NOT met (3 of 4 rooms meet it; worst: room 3, 50.00 s; each room over 3 runs)"])
        XCTAssertEqual(Metric(.lookGap, "vlm").value(in: runs[0]), 50, "a run's look gap is its worst room's")

        // A stated share of rooms: 75 % of 4 rooms is 3, and three rooms are served.
        let share = Checkpoint.ServiceLevel(metric: Metric(.lookGap, "vlm"), max: 20, acrossRooms: .percentile(75))
        XCTAssertEqual(DecisionCheckpoint.judge(runs, levels: [share], alertChain: []).1,
                       ["gap between vlm looks ≤ 20 s in at least 75 % of rooms: met (3 of 4 rooms meet it, 3 needed; worst: room 3, 50.00 s; each room over 3 runs)"])
        let most = Checkpoint.ServiceLevel(metric: Metric(.lookGap, "vlm"), max: 20, acrossRooms: .percentile(80))
        XCTAssertEqual(DecisionCheckpoint.judge(runs, levels: [most], alertChain: []).0, .notMet, "80 % of 4 rooms rounds up to all 4")
    }

    /// A room with no look in any run has a gap longer than its runs: that decides a level
    /// below the runs' length, and leaves one above it open.
    func testARoomNeverServedHasAGapLongerThanItsRuns() {
        let runs = runs([room("vlm", 0, fps: 1, seconds: 12), room("vlm", 1, fps: 0, seconds: 12)])
        let short = DecisionCheckpoint.judge(runs, levels: [.init(metric: Metric(.lookGap, "vlm"), max: 10)], alertChain: [])
        XCTAssertEqual(short.0, .notMet)
        XCTAssertEqual(short.1, ["gap between vlm looks ≤ 10 s in every room: NOT met (1 of 2 rooms meet it; worst known: room 0, 1.00 s; "
                                 + "1 room had no look in any run: a gap longer than 12.00 s; each room over 3 runs)"])
        let long = DecisionCheckpoint.judge(runs, levels: [.init(metric: Metric(.lookGap, "vlm"), max: 20)], alertChain: [])
        XCTAssertEqual(long.0, .insufficient, "no look in 12 s: the gap may still be under 20 s")
        XCTAssertNil(Metric(.lookGap, "vlm").value(in: runs[0]), "a run with an unseen room has no worst gap to compare")
    }

    /// A latency percentile per room, each room's frames pooled over the runs: one slow
    /// room with under 1 % of the frames hides in the pooled p99 but not room by room.
    func testALatencyPercentileIsJudgedRoomByRoom() throws {
        let rooms = (0..<3).map { room("pose", $0, fps: 200, latencyMs: 100) } + [room("pose", 3, fps: 5.1, latencyMs: 2500)]
        let runs = runs(rooms)
        let level = Checkpoint.ServiceLevel(metric: Metric(.latencyP99, "pose"), max: 2000)
        let pooled = PooledLatency(runs, kind: "pose").milliseconds(atPercentile: 99)
        XCTAssertLessThan(try XCTUnwrap(pooled), 2000, "the frames pooled over rooms pass")
        let (status, evidence) = DecisionCheckpoint.judge(runs, levels: [level], alertChain: [])
        XCTAssertEqual(status, .notMet)
        XCTAssertTrue(evidence[0].hasPrefix("pose latency p99 ≤ 2000 ms in every room: NOT met (3 of 4 rooms meet it; worst: room 3, 25"), evidence[0])

        // A room with too few frames for a p99 is unknown: insufficient data, unless the
        // rooms known to meet it already decide.
        let thin = self.runs((0..<3).map { room("pose", $0, fps: 200) } + [room("pose", 3, fps: 1)])
        let unknown = DecisionCheckpoint.judge(thin, levels: [level], alertChain: [])
        XCTAssertEqual(unknown.0, .insufficient)
        XCTAssertTrue(unknown.1[0].contains("1 room with too few frames for a p99 (≥ 500 each, the fewest 300)"), unknown.1[0])
        let share = Checkpoint.ServiceLevel(metric: Metric(.latencyP99, "pose"), max: 2000, acrossRooms: .percentile(75))
        XCTAssertEqual(DecisionCheckpoint.judge(thin, levels: [share], alertChain: []).0, .met, "3 of 4 rooms known to meet it are enough")
    }

    /// The alert chain at each room: Σ (gap + mean latency) over its kinds, the worst room.
    func testTheAlertLatencyAddsTheChainAtEachRoom() throws {
        let rooms = [room("person-detector", 0, fps: 10, latencyMs: 30), room("pose", 0, fps: 5, latencyMs: 60),
                     room("person-detector", 1, fps: 10, latencyMs: 30), room("pose", 1, fps: 1, latencyMs: 60),
                     room("vlm", 0, fps: 0.1), room("vlm", 1, fps: 0.1)]
        let chain = ["person-detector", "pose"]
        let runs = runs(rooms, chain: chain)
        let figures = try XCTUnwrap(RoomFigures.figures(Metric(.alertLatency), runs, alertChain: chain))
        // Room 0: 100 + 30 + 200 + 60 ms; room 1: 100 + 30 + 1000 + 60 ms (the histograms'
        // mean is within their 3 significant digits).
        guard case .value(let first) = figures[0], case .value(let second) = figures[1] else { return XCTFail("\(figures)") }
        XCTAssertEqual(first, 390, accuracy: 0.5)
        XCTAssertEqual(second, 1190, accuracy: 0.5)
        let level = Checkpoint.ServiceLevel(metric: Metric(.alertLatency), max: 1000)
        let (status, evidence) = DecisionCheckpoint.judge(runs, levels: [level], alertChain: chain)
        XCTAssertEqual(status, .notMet)
        XCTAssertTrue(evidence[0].hasPrefix("alert latency ≤ 1000 ms in every room: NOT met (1 of 2 rooms meet it; worst: room 1, 1190 ms"), evidence[0])

        XCTAssertEqual(DecisionCheckpoint.judge(runs, levels: [level], alertChain: []).1,
                       ["alert latency ≤ 1000 ms in every room: insufficient data (the checkpoint declares no alert-chain)"])
        XCTAssertEqual(Metric(.alertLatency).value(in: runs[0]) ?? 0, 1190, accuracy: 0.5, "a run's figure: its worst room, by its own chain")
    }

    /// A level at a load state reads each room's rows in that state; a room never in it
    /// has no figure there.
    func testALevelAtALoadStateReadsEachRoomInThatState() {
        let rooms = [room("detector", 0, fps: 2), room("detector", 1, fps: 2), room("detector", 2, fps: 2),
                     room("detector", 0, fps: 7, seconds: 20, state: "alert"), room("detector", 1, fps: 4, seconds: 10, state: "alert")]
        let level = Checkpoint.ServiceLevel(metric: Metric(.servedFPS, "detector", state: "alert"), min: 6)
        let (status, evidence) = DecisionCheckpoint.judge(runs(rooms), levels: [level], alertChain: [])
        XCTAssertEqual(status, .notMet)
        XCTAssertEqual(evidence, ["detector fps per stream in alert ≥ 6 fps in every room: NOT met (1 of 2 rooms meet it; worst: room 1, 4.00 fps; each room over 3 runs)"])
    }
}
