import Random

/// Renders a synthetic camera image: a static per-stream gradient with a bright box that
/// moves across it over time, so motion-sensitive workers see real change.
///
/// Rendering is incremental: each pooled buffer remembers where its box was drawn, and a
/// new frame only restores that rectangle and draws the new one, so producing 30 fps of
/// 1080p does not cost a full-frame write each time.
public struct SyntheticPattern {
    struct Box: Equatable { var x, y, width, height: Int }

    public let width: Int
    public let height: Int
    public let format: PixelFormat
    public let streamID: Int
    private var ring: BufferRing<Box?>
    private let box: (width: Int, height: Int)

    public init(resolution: Resolution, format: PixelFormat, streamID: Int) {
        width = resolution.width
        height = resolution.height
        self.format = format
        self.streamID = streamID
        ring = BufferRing(layout: PixelLayout(format: format, width: width, height: height), initialCount: 0) { nil }
        box = (max(width / 6, 2) & ~1, max(height / 6, 2) & ~1)
    }

    /// Pixel buffers allocated so far (the pool grows only when every buffer is in use).
    public var bufferCount: Int { ring.count }
    public var bufferBytes: Int { ring.bytes }

    /// A frame showing the scene at `timeNanos` after the stream's start.
    public mutating func render(timeNanos: UInt64, capturedAt: UInt64) -> Frame {
        let index = ring.acquire()
        let target = boxPosition(at: timeNanos)
        let buffer = ring[index].buffer
        if let previous = ring[index].extra {
            if previous != target { paintBackground(buffer, previous) }
        } else {
            paintBackground(buffer, Box(x: 0, y: 0, width: width, height: height))
        }
        paintBox(buffer, target)
        ring[index].extra = target
        return Frame(streamID: streamID, capturedAt: capturedAt, width: width, height: height,
                     format: format, pixels: buffer)
    }

    /// The box bounces across the image, one width in about four seconds.
    func boxPosition(at timeNanos: UInt64) -> Box {
        let seconds = Double(timeNanos) / 1e9
        func bounce(_ speed: Double, _ span: Int) -> Int {
            guard span > 0 else { return 0 }
            let travel = Int(seconds * speed) % (2 * span)
            return travel < span ? travel : 2 * span - travel
        }
        let x = bounce(Double(width) / 4, width - box.width) & ~1
        let y = bounce(Double(height) / 5, height - box.height) & ~1
        return Box(x: x, y: y, width: box.width, height: box.height)
    }

    private func paintBackground(_ buffer: PixelBuffer, _ area: Box) {
        let bytes = buffer.mutableBytes, layout = buffer.layout
        let tint = UInt8(truncatingIfNeeded: 40 + streamID * 37)
        switch format {
        case .rgb24:
            for y in area.y..<(area.y + area.height) {
                let g = UInt8(y * 255 / max(height - 1, 1))
                var p = layout.offset(plane: 0, row: y, column: area.x * 3)
                for x in area.x..<(area.x + area.width) {
                    bytes[p] = UInt8(x * 255 / max(width - 1, 1))
                    bytes[p + 1] = g
                    bytes[p + 2] = tint
                    p += 3
                }
            }
        case .yuv420p:
            for y in area.y..<(area.y + area.height) {
                let row = layout.offset(plane: 0, row: y)
                for x in area.x..<(area.x + area.width) {
                    bytes[row + x] = UInt8(16 + (x + y) * 200 / max(width + height - 2, 1))
                }
            }
            paintChroma(buffer, area, u: tint, v: 128)
        }
    }

    private func paintBox(_ buffer: PixelBuffer, _ area: Box) {
        let bytes = buffer.mutableBytes, layout = buffer.layout
        switch format {
        case .rgb24:
            for y in area.y..<(area.y + area.height) {
                let start = layout.offset(plane: 0, row: y, column: area.x * 3)
                for p in start..<(start + area.width * 3) { bytes[p] = 235 }
            }
        case .yuv420p:
            for y in area.y..<(area.y + area.height) {
                let row = layout.offset(plane: 0, row: y)
                for x in area.x..<(area.x + area.width) { bytes[row + x] = 235 }
            }
            paintChroma(buffer, area, u: 128, v: 128)
        }
    }

    private func paintChroma(_ buffer: PixelBuffer, _ area: Box, u: UInt8, v: UInt8) {
        let bytes = buffer.mutableBytes, layout = buffer.layout
        let cw = layout.planes[1].rowBytes, ch = layout.planes[1].rows
        for cy in (area.y / 2)..<min((area.y + area.height + 1) / 2, ch) {
            let uRow = layout.offset(plane: 1, row: cy), vRow = layout.offset(plane: 2, row: cy)
            for cx in (area.x / 2)..<min((area.x + area.width + 1) / 2, cw) {
                bytes[uRow + cx] = u
                bytes[vRow + cx] = v
            }
        }
    }
}
