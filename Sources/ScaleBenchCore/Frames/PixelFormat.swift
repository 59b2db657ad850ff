import Random

/// How a frame's pixels are laid out in its buffer.
public enum PixelFormat: String, Sendable, Codable, CaseIterable {
    /// Packed 8-bit R, G, B: what the original's capture hands to workers (3 bytes/pixel).
    case rgb24
    /// Planar Y, then U and V at half resolution in both directions (1.5 bytes/pixel).
    case yuv420p

    /// Bytes one frame of `width` × `height` occupies.
    public func byteCount(width: Int, height: Int) -> Int {
        switch self {
        case .rgb24: return width * height * 3
        case .yuv420p: return width * height + 2 * ((width + 1) / 2) * ((height + 1) / 2)
        }
    }

    /// Accepts the names users type: `rgb24`/`rgb`, `yuv420p`/`yuv420`.
    public init?(userName: String) {
        switch userName.lowercased() {
        case "rgb24", "rgb": self = .rgb24
        case "yuv420p", "yuv420", "i420": self = .yuv420p
        default: return nil
        }
    }
}
