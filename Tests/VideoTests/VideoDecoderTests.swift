import Foundation
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// Real decoding of the committed fixtures, checked against ffprobe run in the test.
final class VideoDecoderTests: XCTestCase {
    func testEveryFixtureDecodesToFFprobesFrameCountInPresentationOrder() throws {
        for name in Fixtures.valid {
            let expected = try Fixtures.ffprobe(name)
            for format in PixelFormat.allCases {
                let decoder = try VideoDecoder(url: Fixtures.path(name), options: .init(format: format))
                XCTAssertEqual(decoder.outputWidth, expected.width, name)
                XCTAssertEqual(decoder.outputHeight, expected.height, name)
                let buffer = PixelBuffer(layout: decoder.outputLayout)
                var times: [Double] = []
                while case .frame(let pts) = try decoder.decode(into: buffer) { times.append(pts) }
                XCTAssertEqual(times.count, expected.frames, "\(name) \(format): frames decoded vs ffprobe -count_frames")
                XCTAssertEqual(times, times.sorted(), "\(name): presentation order")
                XCTAssertEqual(decoder.corruptPackets, 0, name)
            }
        }
    }

    func testConvertedPixelsMatchFFmpegsOwnConversion() throws {
        // The first frame as RGB24 from the ffmpeg CLI, compared with ours (same bilinear
        // scaler, same size): identical bytes.
        let name = "corridor-640x360.mp4"
        let reference = FileManager.default.temporaryDirectory.appendingPathComponent("frame0-\(getpid()).rgb")
        defer { try? FileManager.default.removeItem(at: reference) }
        _ = try Fixtures.run("ffmpeg", ["-v", "error", "-y", "-i", Fixtures.path(name), "-frames:v", "1",
                                        "-sws_flags", "bilinear", "-pix_fmt", "rgb24", "-f", "rawvideo", reference.path])
        let expected = try Data(contentsOf: reference)
        let decoder = try VideoDecoder(url: Fixtures.path(name), options: .init(format: .rgb24))
        let buffer = PixelBuffer(layout: decoder.outputLayout)
        _ = try decoder.decode(into: buffer)
        let ours = buffer.packedBytes()
        XCTAssertEqual(expected.count, ours.count)
        let differing = zip(expected, ours).filter { abs(Int($0) - Int($1)) > 2 }.count
        XCTAssertLessThan(Double(differing) / Double(expected.count), 0.001, "RGB conversion agrees with ffmpeg's")
    }

    func testEveryFixtureRewindsForLooping() throws {
        for name in Fixtures.valid {
            let decoder = try VideoDecoder(url: Fixtures.path(name))
            let buffer = PixelBuffer(layout: decoder.outputLayout)
            var passes: [Int] = []
            for pass in 0..<2 {
                if pass > 0 { try decoder.rewind() }
                var frames = 0
                while case .frame = try decoder.decode(into: buffer) { frames += 1 }
                passes.append(frames)
            }
            XCTAssertEqual(passes[0], passes[1], "\(name): the second pass decodes the same frames")
        }
    }

    func testScalesToATargetSizeAndRewindsForLooping() throws {
        let decoder = try VideoDecoder(url: Fixtures.path("corridor-640x360.mp4"),
                                       options: .init(format: .yuv420p, size: Resolution(width: 320, height: 180)))
        XCTAssertEqual(decoder.outputLayout.pixelBytes, 320 * 180 * 3 / 2)
        let buffer = PixelBuffer(layout: decoder.outputLayout)
        var first = 0
        while case .frame = try decoder.decode(into: buffer) { first += 1 }
        try decoder.rewind()
        var second = 0
        while case .frame = try decoder.decode(into: buffer) { second += 1 }
        XCTAssertEqual(first, second, "a rewound file decodes the same frames again")
    }

    func testMalformedFilesFailWithFFmpegsReason() {
        let expectations: [String: String] = [
            "empty.mp4": "Invalid data",
            "truncated-moov.mp4": "",
            "not-a-video.mp4": "Invalid data",
            "audio-only.mp4": "no video stream",
            "missing.mp4": "No such file or directory",
        ]
        for (name, reason) in expectations {
            XCTAssertThrowsError(try VideoDecoder(url: Fixtures.path(name)), name) { error in
                guard let error = error as? VideoError else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue(error.url.hasSuffix(name))
                XCTAssertFalse(error.reason.isEmpty)
                if !reason.isEmpty { XCTAssertTrue(error.reason.contains(reason), "\(name): \(error.reason)") }
            }
        }
    }

    func testACorruptPacketIsConcealedByDefaultAndFatalWhenAsked() throws {
        let path = Fixtures.path("corrupted-packet.mp4")
        let tolerant = try VideoDecoder(url: path)
        let buffer = PixelBuffer(layout: tolerant.outputLayout)
        var frames = 0
        while case .frame = try tolerant.decode(into: buffer) { frames += 1 }
        XCTAssertGreaterThan(frames, 0)

        let strict = try VideoDecoder(url: path, options: .init(fatalErrors: true))
        XCTAssertThrowsError(try { while case .frame = try strict.decode(into: buffer) {} }()) { error in
            XCTAssertEqual((error as? VideoError)?.category, .codec, "\(error)")
        }
    }

    func testTruncatedDataEndsEarlyWithoutCrashing() throws {
        let decoder = try VideoDecoder(url: Fixtures.path("truncated-data.mp4"))
        let buffer = PixelBuffer(layout: decoder.outputLayout)
        var frames = 0
        do {
            while case .frame = try decoder.decode(into: buffer) { frames += 1 }
        } catch {
            XCTAssertFalse(error.reason.isEmpty)
        }
        XCTAssertLessThan(frames, try Fixtures.ffprobe("corridor-640x360.mp4").frames)
    }

    /// 1000 failed opens of every malformed file: no crash and no leak (RSS stays flat).
    func testRepeatedFailedOpensDoNotLeak() {
        func attempt() {
            for name in Fixtures.malformed + ["missing.mp4"] { _ = try? VideoDecoder(url: Fixtures.path(name)) }
        }
        for _ in 0..<50 { attempt() }  // warm caches and allocator pools
        // Live heap, not RSS: under AddressSanitizer (where this test runs in CI) freed
        // blocks sit in its quarantine and RSS grows without a leak.
        let before = ProcessResources.liveHeapBytes
        for _ in 0..<1000 { attempt() }
        let grown = Int64(ProcessResources.liveHeapBytes) - Int64(before)
        XCTAssertLessThan(grown, 1 << 20, "live heap grew by \(grown) bytes over 5000 failed opens")
    }

    func testProbeReportsTheStreamAndAStableWarmUp() throws {
        let report = try SourceProbe.probe(Fixtures.path("corridor-640x360.mp4"), warmup: .seconds(5), window: .seconds(1))
        XCTAssertEqual(report.codec, "h264")
        XCTAssertEqual(report.width, 640)
        XCTAssertEqual(report.frames, try Fixtures.ffprobe("corridor-640x360.mp4").frames)
        XCTAssertEqual(try XCTUnwrap(report.nominalFPS), 15, accuracy: 0.01)
        let warmup = try XCTUnwrap(report.warmup)
        XCTAssertTrue(warmup.stable)
        XCTAssertEqual(warmup.fpsMean, 15, accuracy: 0.1)
    }
}
