import Random

/// Where the planes of one frame lie in its ``PixelBuffer``: each plane's offset, row
/// stride, bytes of pixels per row and number of rows.
///
/// Rows are padded to ``alignment`` bytes and the buffer ends with ``padding`` spare
/// bytes, because libswscale's vectorised converters write whole SIMD words: a row of
/// 328 RGB pixels (984 bytes) is written as far as the next 16- or 32-byte boundary, so a
/// tightly packed buffer (stride = width × 3, size = stride × height) is overrun at its
/// end. FFmpeg's own frames are laid out the same way (`av_frame_get_buffer`: strides
/// aligned, `AV_INPUT_BUFFER_PADDING_SIZE` beyond the data). Everything that reads or
/// writes pixels goes through a layout, never through `width × bytes per pixel`.
///
/// ```
///  offset ─► ┌──────────── stride ────────────┐
///            │ rowBytes of pixels │  row pad   │  × rows      (plane 0: Y, or RGB)
///            ├────────────────────────────────┤
///            │ plane 1 (U), plane 2 (V) …     │
///            └────────────────────────────────┘ + padding  = byteCount
/// ```
public struct PixelLayout: Sendable, Equatable, CustomStringConvertible {
    public struct Plane: Sendable, Equatable {
        /// Bytes from the buffer's start to the plane's first row; a multiple of ``alignment``.
        public var offset: Int
        /// Bytes from one row to the next; a multiple of ``alignment``, at least `rowBytes`.
        public var stride: Int
        /// Bytes of pixels in one row.
        public var rowBytes: Int
        public var rows: Int
    }

    /// Start of every plane and of every row.
    public static let alignment = 64
    /// Spare bytes after the last plane (FFmpeg's `AV_INPUT_BUFFER_PADDING_SIZE`).
    public static let padding = 64

    public let format: PixelFormat
    public let width: Int
    public let height: Int
    public let planes: [Plane]
    /// Bytes to allocate: every plane with its row padding, then ``padding``.
    public let byteCount: Int

    public init(format: PixelFormat, width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "a frame's size is not negative")
        self.format = format
        self.width = width
        self.height = height
        let chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2
        let shapes: [(rowBytes: Int, rows: Int)]
        switch format {
        case .rgb24: shapes = [(width * 3, height)]
        case .yuv420p: shapes = [(width, height), (chromaWidth, chromaHeight), (chromaWidth, chromaHeight)]
        }
        var planes: [Plane] = []
        var end = 0
        for shape in shapes {
            let stride = Self.aligned(shape.rowBytes)
            planes.append(Plane(offset: end, stride: stride, rowBytes: shape.rowBytes, rows: shape.rows))
            end += stride * shape.rows
        }
        self.planes = planes
        byteCount = end + Self.padding
    }

    /// Bytes of pixels alone, packed without row padding (the original's frame size:
    /// 2,764,800 for 720p RGB).
    public var pixelBytes: Int { planes.reduce(0) { $0 + $1.rowBytes * $1.rows } }

    /// Offset of byte `column` of row `row` in `plane`.
    @inline(__always)
    public func offset(plane: Int, row: Int, column: Int = 0) -> Int {
        planes[plane].offset + row * planes[plane].stride + column
    }

    public var description: String { "\(format.rawValue) \(width)x\(height)" }

    static func aligned(_ bytes: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }
}
