import Random

/// Frame dimensions, from the original's capture presets or explicit `WxH`.
public struct Resolution: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The presets of the original's stream-capture.
    public static let presets: [(name: String, resolution: Resolution)] = [
        ("480p", Resolution(width: 640, height: 480)),
        ("512p", Resolution(width: 910, height: 512)),
        ("640p", Resolution(width: 960, height: 640)),
        ("720p", Resolution(width: 1280, height: 720)),
        ("1080p", Resolution(width: 1920, height: 1080)),
    ]

    /// Largest side accepted for an explicit size; far above any camera of the study.
    public static let maximumSide = 8192

    /// Parses a preset name (`720p`) or `WIDTHxHEIGHT` (`1280x720`).
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if let preset = Self.presets.first(where: { $0.name == lowered }) {
            self = preset.resolution
            return
        }
        let parts = lowered.split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]),
              (2...Self.maximumSide).contains(w), (2...Self.maximumSide).contains(h) else { return nil }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }

    static var allowedDescription: String {
        Self.presets.map(\.name).joined(separator: ", ") + ", or WIDTHxHEIGHT with sides 2…\(maximumSide)"
    }
}
