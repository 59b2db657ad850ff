@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Recorded video through the realtime executor, in both decode modes.
final class RecordedRunTests: XCTestCase {
    private func scenario(_ decode: DecodeMode, streams: Int = 3, fps: Double? = nil) -> RunScenario {
        var s = RunScenario()
        s.source = .file(Fixtures.path("corridor-640x360.mp4"))
        s.decode = decode
        s.streams = streams
        s.fps = fps
        s.resolution = nil
        s.workers = [WorkerSpec(name: "offload:10ms", cost: .offload(.constant(.milliseconds(10)))),
                     WorkerSpec(name: "pixels", cost: .pixels)]
        s.duration = .seconds(1.5)
        s.warmup = .milliseconds(300)
        return s
    }

    func testLiveDecodingPlaysAtTheFilesRateAndAccountsForEveryFrame() throws {
        let (result, _) = try RealtimeExecutor(scenario: scenario(.live)).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })")
        for stream in result.streams {
            XCTAssertEqual(stream.status, "ok")
            XCTAssertEqual(stream.realFPS, 15, accuracy: 1.5, "the file's native 15 fps")
            XCTAssertGreaterThan(stream.bytesRead, 0)
            XCTAssertGreaterThan(stream.productionMs.count, 0, "decode time measured per frame")
        }
        XCTAssertGreaterThan(result.cpu.capture.seconds, 0, "decoding is capture CPU")
        XCTAssertEqual(result.memory.preloadedClipBytes, 0)
    }

    func testPreloadSharesOneDecodedClipAcrossStreamsAtATargetRate() throws {
        let (result, _) = try RealtimeExecutor(scenario: scenario(.preload, fps: 10)).run()
        XCTAssertTrue(result.accounting.balanced)
        for stream in result.streams {
            XCTAssertEqual(stream.realFPS, 10, accuracy: 1.5)
            XCTAssertGreaterThan(stream.rateControlDrops, 0, "15 → 10 fps drops one frame in three")
        }
        let frames = try Fixtures.ffprobe("corridor-640x360.mp4").frames
        XCTAssertEqual(result.memory.preloadedClipBytes, UInt64(frames * PixelLayout(format: .rgb24, width: 640, height: 360).byteCount),
                       "one copy of the clip, not one per stream")
    }

    /// Groups with their own video: two rooms of synthetic frames at 320×180 under a load
    /// profile, two playing the recorded corridor at 10 fps decoded to 160×90, in one run.
    /// Each producer makes frames of its group's size; the recorded rooms play at their
    /// target rate, the synthetic ones at their states' rates.
    func testGroupsWithTheirOwnSourceAndResolutionRunSideBySide() throws {
        var s = RunScenario()
        s.streams = 4
        s.fps = 2
        s.load = LoadProfile(states: [.init(name: "idle", fps: 2, dwell: .exponential(mean: .seconds(1))),
                                      .init(name: "alert", fps: 5, dwell: .exponential(mean: .seconds(1)))])
        s.captureGroups = [CaptureGroup(size: .count(2), resolution: Resolution(width: 320, height: 180)),
                           CaptureGroup(size: .count(2), fps: 10, source: .file(Fixtures.path("corridor-640x360.mp4")),
                                        resolution: Resolution(width: 160, height: 90))]
        s.workers = [WorkerSpec(name: "offload:10ms", cost: .offload(.constant(.milliseconds(10))))]
        s.duration = .seconds(3)
        s.warmup = .milliseconds(500)
        try s.validate()
        XCTAssertEqual(s.streamCaptures.map { $0.load == nil }, [false, false, true, true], "a group's own video plays at its own times")
        let stop = StopSignal()
        var (producers, clip) = try SourceOpener(scenario: s, captures: RunInstances(scenario: s).captures).open(stop: stop)
        XCTAssertNil(clip)
        var sizes: [String] = []
        for index in producers.indices {
            let frame = try XCTUnwrap(try producers[index].next()).frame
            sizes.append("\(frame.width)x\(frame.height)")
        }
        XCTAssertEqual(sizes, ["320x180", "320x180", "160x90", "160x90"])
        let (result, _) = try RealtimeExecutor(scenario: s).run()
        XCTAssertTrue(result.accounting.balanced, "\(result.accounting.lines.filter { !$0.balanced })")
        for stream in result.streams[2...] {
            XCTAssertEqual(stream.realFPS, 10, accuracy: 1.5, "stream \(stream.stream): the corridor at its target rate")
            XCTAssertGreaterThan(stream.bytesRead, 0)
        }
        XCTAssertEqual(Set(result.states.map(\.stream)), [0, 1, StateResult.allStreams], "only the synthetic rooms have states")
        // The same scenario simulates: the recorded rooms arrive at 10 fps.
        let simulated = try VirtualExecutor(scenario: s).run()
        for stream in simulated.streams[2...] { XCTAssertEqual(stream.realFPS, 10, accuracy: 0.5) }
    }

    func testAFileLoopsSeamlessly() throws {
        var s = scenario(.preload, streams: 1)
        s.source = .file(Fixtures.path("lobby-mjpeg-320x240.avi"))  // 3 s at 10 fps
        s.duration = .seconds(4)
        s.warmup = .zero
        let (result, _) = try RealtimeExecutor(scenario: s).run()
        let stream = try XCTUnwrap(result.streams.first)
        XCTAssertGreaterThanOrEqual(stream.loops, 1)
        XCTAssertEqual(stream.realFPS, 10, accuracy: 1, "no gap or burst at the loop point")
        XCTAssertEqual(stream.captureDrops, 0)
    }

    func testAStreamWhoseSourceFailsMidRunEndsAloneAndTheRunCompletes() throws {
        var s = scenario(.live, streams: 3)
        s.sourceOverrides = [1: .file(Fixtures.path("corrupted-packet.mp4"))]
        s.fatalDecodeErrors = true
        s.duration = .seconds(3)  // the corruption sits about 2.5 s into the clip
        let (result, _) = try RealtimeExecutor(scenario: s).run()
        let failed = result.streams[1]
        XCTAssertEqual(failed.status, "failed")
        XCTAssertEqual(failed.errorCategory, "codec")
        XCTAssertTrue(failed.error?.contains("corrupted-packet.mp4") ?? false, failed.error ?? "")
        for other in [result.streams[0], result.streams[2]] {
            XCTAssertEqual(other.status, "ok")
            XCTAssertEqual(other.realFPS, 15, accuracy: 1.5, "the other streams go on")
        }
        XCTAssertTrue(result.accounting.balanced, "a failed stream's frames are still accounted for")
    }
}

extension Duration {
    static let zero = Duration(nanoseconds: 0)
}
