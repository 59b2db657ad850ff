import Random

/// Where a stream's frames come from.
public enum VideoSource: Sendable, Equatable, CustomStringConvertible {
    /// The synthetic moving pattern.
    case synthetic
    /// A recorded file, decoded with libavformat / libavcodec.
    case file(String)
    /// A live URL libavformat opens (rtsp://, udp://, tcp://, http://, srt://).
    case url(String)

    /// `synthetic`, a URL with a scheme, or a file path.
    public init(parsing text: String) {
        if text == "synthetic" {
            self = .synthetic
        } else if Self.isNetworkURL(text) {
            self = .url(text)
        } else {
            self = .file(text.hasPrefix("file:") ? String(text.dropFirst(5)) : text)
        }
    }

    public static func isNetworkURL(_ text: String) -> Bool { text.contains("://") && !text.hasPrefix("file:") }

    public var description: String {
        switch self {
        case .synthetic: return "synthetic"
        case .file(let path): return path
        case .url(let url): return url
        }
    }

    public var isFile: Bool {
        if case .file = self { return true }
        return false
    }

    /// The path or URL FFmpeg opens; nil for synthetic.
    public var location: String? {
        switch self {
        case .synthetic: return nil
        case .file(let path): return path
        case .url(let url): return url
        }
    }
}

/// How recorded video reaches the streams.
public enum DecodeMode: String, Sendable, Codable, CaseIterable {
    /// Each stream decodes in its own capture thread: decoding costs real CPU, N times.
    case live
    /// The file is decoded once into a shared read-only ring reused by every stream:
    /// only mailbox and worker costs remain.
    case preload
}
