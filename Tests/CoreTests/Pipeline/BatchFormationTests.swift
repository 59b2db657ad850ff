@testable import ScaleBenchCore
import XCTest

/// The pure batching policy without a clock: when a batch launches, and how long each
/// frame of it waited for it (docs/queueing.md §8), as both executors use it.
final class BatchFormationTests: XCTestCase {
    let ms: UInt64 = 1_000_000

    func testAFullBatchLaunchesAtOnceAndAPartialOneAtTheOldestFramesLimit() {
        var formation = BatchFormation(spec: BatchSpec(max: 3, wait: .milliseconds(40)), slots: 4)
        XCTAssertEqual(formation.decide(waiting: 0, now: 0), .idle)
        formation.stored(slot: 0, at: 10 * ms)
        formation.stored(slot: 1, at: 20 * ms)
        XCTAssertEqual(formation.decide(waiting: 2, now: 30 * ms), .wait(until: 50 * ms), "the oldest frame's limit")
        XCTAssertEqual(formation.decide(waiting: 2, now: 50 * ms), .launch(2))
        formation.stored(slot: 2, at: 30 * ms)
        XCTAssertEqual(formation.decide(waiting: 3, now: 30 * ms), .launch(3), "a full batch does not wait")
    }

    /// An overwrite keeps the stream's place for the limit, but the frame that rides the
    /// batch waited only from its own arrival; an instance that freed late starts the wait
    /// then; a launch at or before either is no wait.
    func testEachFrameWaitsFromItsArrivalOrTheInstancesFreeingWhicheverIsLater() {
        var formation = BatchFormation(spec: BatchSpec(max: 4, wait: .milliseconds(50)), slots: 2)
        formation.stored(slot: 0, at: 100 * ms)
        formation.replaced(slot: 0, at: 130 * ms)
        XCTAssertEqual(formation.decide(waiting: 1, now: 140 * ms), .wait(until: 150 * ms), "the place counts from 100 ms")
        XCTAssertEqual(formation.wait(slot: 0, launchedAt: 150 * ms, freeSince: 0), 20 * ms, "the newer frame arrived at 130 ms")
        XCTAssertEqual(formation.wait(slot: 0, launchedAt: 150 * ms, freeSince: 140 * ms), 10 * ms, "the instance freed at 140 ms")
        XCTAssertEqual(formation.wait(slot: 0, launchedAt: 150 * ms, freeSince: 150 * ms), 0, "taken as the instance frees")
        formation.emptied(slot: 0)
        // A lone frame on an idle instance waits the limit.
        formation.stored(slot: 1, at: 200 * ms)
        guard case .wait(let until) = formation.decide(waiting: 1, now: 200 * ms) else { return XCTFail("a lone frame waits") }
        XCTAssertEqual(formation.wait(slot: 1, launchedAt: until, freeSince: 160 * ms), 50 * ms, "τ")
    }

    /// §8's closed forms as the report uses them: S = 500 ms, δ = 25 ms, B = 4.
    func testTheClosedFormsOfSaturatedStreams() throws {
        var vlm = WorkerSpec(name: "vlm", cost: .offload(.lognormal(mean: .milliseconds(500), sd: .milliseconds(100))))
        XCTAssertEqual(try XCTUnwrap(vlm.saturatedServedFPS(streams: 10)), 1 / (10 * 0.5), accuracy: 1e-12, "1/(N·S)")
        vlm.batch = BatchSpec(max: 4, wait: .milliseconds(100), time: .linear(extra: .milliseconds(25)))
        XCTAssertEqual(try XCTUnwrap(vlm.saturatedServedFPS(streams: 3)), 1 / 0.55, accuracy: 1e-12, "1/L(3)")
        XCTAssertEqual(try XCTUnwrap(vlm.saturatedServedFPS(streams: 32)), 4 / (32 * 0.575), accuracy: 1e-12, "B/(N·L(B))")
        vlm.batch!.time = .curve([1, 1.5, 1.8, 2])
        XCTAssertEqual(try XCTUnwrap(vlm.saturatedServedFPS(streams: 8)), 4 / (8 * 1.0), accuracy: 1e-12, "L(4) = 2·S")
        XCTAssertEqual(try XCTUnwrap(vlm.saturatedServedFPS(streams: 8, speed: 0.5)), 4 / (8 * 2.0), accuracy: 1e-12, "at half speed")
        XCTAssertNil(WorkerSpec(name: "motion", cost: .pixels).saturatedServedFPS(streams: 4))
    }
}
