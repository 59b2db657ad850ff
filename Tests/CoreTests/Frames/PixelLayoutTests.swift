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

/// Every reader and writer of pixels honours each plane's stride: rows start at aligned
/// offsets, nothing is written into row padding, and what is read back equals what was
/// meant, at sizes whose rows are not a multiple of the alignment.
final class PixelLayoutTests: XCTestCase {
    static let awkwardSizes = [(2, 2), (3, 5), (33, 17), (328, 186), (424, 186), (641, 7), (4095, 3)]

    func testPlanesAreAlignedPaddedAndHoldTheirPixels() {
        for (width, height) in Self.awkwardSizes {
            for format in PixelFormat.allCases {
                let layout = PixelLayout(format: format, width: width, height: height)
                XCTAssertEqual(layout.pixelBytes, format.byteCount(width: width, height: height), "\(layout)")
                var end = 0
                for plane in layout.planes {
                    XCTAssertEqual(plane.offset % PixelLayout.alignment, 0, "\(layout)")
                    XCTAssertEqual(plane.stride % PixelLayout.alignment, 0, "\(layout)")
                    XCTAssertGreaterThanOrEqual(plane.stride, plane.rowBytes, "\(layout)")
                    XCTAssertGreaterThanOrEqual(plane.offset, end, "planes do not overlap: \(layout)")
                    end = plane.offset + plane.stride * plane.rows
                }
                XCTAssertEqual(layout.byteCount, end + PixelLayout.padding, "tail padding after the last plane: \(layout)")
            }
        }
        let rgb = PixelLayout(format: .rgb24, width: 328, height: 186)
        XCTAssertEqual(rgb.planes[0].rowBytes, 984)
        XCTAssertEqual(rgb.planes[0].stride, 1024, "984 bytes of pixels, padded to 16 × 64")
    }

    func testSyntheticFramesWriteOnlyPixelsAndReadBackAsPackedImages() {
        for (width, height) in Self.awkwardSizes {
            for format in PixelFormat.allCases {
                var pattern = SyntheticPattern(resolution: Resolution(width: width, height: height), format: format, streamID: 1)
                // Two renders at different times: the incremental repaint walks the same strides.
                _ = pattern.render(timeNanos: 0, capturedAt: 0)
                let frame = pattern.render(timeNanos: 1_700_000_000, capturedAt: 0)
                let layout = frame.pixels.layout, bytes = frame.pixels.bytes
                for (index, plane) in layout.planes.enumerated() {
                    for row in 0..<plane.rows {
                        let padding = (layout.offset(plane: index, row: row) + plane.rowBytes)..<(layout.offset(plane: index, row: row) + plane.stride)
                        XCTAssertTrue(bytes[padding].allSatisfy { $0 == 0 }, "\(layout) plane \(index) row \(row): row padding untouched")
                    }
                }
                XCTAssertTrue(bytes[(layout.byteCount - PixelLayout.padding)...].allSatisfy { $0 == 0 }, "\(layout): tail untouched")
                let packed = frame.pixels.packedBytes()
                XCTAssertEqual(packed.count, layout.pixelBytes)
                if format == .rgb24, width > 16 {
                    // The background gradient: red follows x, green follows y (away from the box).
                    let y = height - 1, x = 0
                    let p = (y * width + x) * 3
                    XCTAssertEqual(packed[p + 1], UInt8(y * 255 / max(height - 1, 1)), "\(layout): green of the last row")
                }
            }
        }
    }

    func testMotionIsScoredOnTheStridedLumaPlane() {
        // A frame moved against itself scores above zero, the same frame twice scores zero,
        // at a width whose rows are padded.
        for format in PixelFormat.allCases {
            var pattern = SyntheticPattern(resolution: Resolution(width: 330, height: 186), format: format, streamID: 0)
            let first = pattern.render(timeNanos: 0, capturedAt: 0)
            var scorer = MotionScorer()
            XCTAssertEqual(scorer.score(first), 0, "the first frame has nothing to compare with")
            XCTAssertEqual(scorer.score(first), 0, "\(format): the same pixels do not move")
            let moved = pattern.render(timeNanos: 2_000_000_000, capturedAt: 0)
            XCTAssertGreaterThan(scorer.score(moved), 0.001, "\(format): the box moved")
        }
    }

    func testDecodedPixelsEqualFFmpegsOwnConversionAtAPaddedWidth() throws {
        // The width of the heap corruption: rows of 984 bytes in buffers of 1024-byte rows.
        let clip = Fixtures.folder.appendingPathComponent("video-fuzz/regressions/h264-328x186.mp4").path
        for (format, name) in [(PixelFormat.rgb24, "rgb24"), (.yuv420p, "yuv420p")] {
            let reference = FileManager.default.temporaryDirectory.appendingPathComponent("frame-\(getpid())-\(name).raw")
            defer { try? FileManager.default.removeItem(at: reference) }
            _ = try Fixtures.run("ffmpeg", ["-v", "error", "-y", "-i", clip, "-frames:v", "1", "-sws_flags", "bilinear",
                                            "-pix_fmt", name, "-f", "rawvideo", reference.path])
            let expected = [UInt8](try Data(contentsOf: reference))
            let decoder = try VideoDecoder(url: clip, options: .init(format: format))
            let buffer = PixelBuffer(layout: decoder.outputLayout)
            _ = try decoder.decode(into: buffer)
            let ours = buffer.packedBytes()
            XCTAssertEqual(ours.count, expected.count, name)
            let differing = zip(expected, ours).filter { abs(Int($0) - Int($1)) > 2 }.count
            XCTAssertLessThan(Double(differing) / Double(max(expected.count, 1)), 0.001, "\(name): our conversion agrees with ffmpeg's")
        }
    }
}
