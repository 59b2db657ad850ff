import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif
import ScaleBenchCore
import RuntimeSupport
import Random

/// A failure reported by FFmpeg, with what a person needs to act on it: the call that
/// failed, the file or URL, FFmpeg's own reason (av_strerror) and its error code.
public struct VideoError: Error, Equatable, CustomStringConvertible {
    /// The original's capture error categories; they decide whether reconnecting helps.
    public enum Category: String, Sendable, Codable {
        case network, codec, auth, unknown
    }

    public var code: Int32
    public var call: String
    public var url: String
    public var reason: String
    /// The frame being decoded when decoding failed (frames decoded before it); nil when
    /// the failure came before any decoding (opening, probing).
    public var frame: Int?

    public init(code: Int32, call: String, url: String, frame: Int? = nil) {
        self.code = code
        self.call = call
        self.url = url
        self.frame = frame
        var buffer = [CChar](repeating: 0, count: 256)
        scalebench_av_strerror(code, &buffer, buffer.count)
        reason = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// A failure that is not an FFmpeg return code (no video stream, unsupported format).
    public init(call: String, url: String, reason: String, code: Int32 = 0, frame: Int? = nil) {
        self.code = code
        self.call = call
        self.url = url
        self.reason = reason
        self.frame = frame
    }

    /// One line for a person: the file, what is wrong (its container, its codec, or its
    /// data at a frame), FFmpeg's reason, and the call that said so.
    public var description: String { "\(url): \(what)\(reason) (\(call))" }

    private var what: String {
        if let frame {
            return code == scalebench_averror_invaliddata() ? "corrupt data at frame \(frame): " : "at frame \(frame): "
        }
        switch call {
        case "avformat_open_input":
            let unreachable = [ENOENT, EACCES, EPERM, EISDIR].contains { scalebench_averror($0) == code }
                || (category == .network && VideoSource.isNetworkURL(url))
            return unreachable ? "cannot open: " : "cannot open or recognise the container: "
        case "avformat_find_stream_info": return "cannot read the container's streams: "
        case "avcodec_open2": return "cannot open the decoder: "
        case "codec parameters": return "unusable video stream: "
        default: return ""
        }
    }

    public var category: Category {
        let posix: [Int32] = [ECONNREFUSED, ECONNRESET, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, ENETDOWN, EPIPE, EIO, EAGAIN, ENOTCONN]
        if posix.contains(where: { scalebench_averror($0) == code }) || code == scalebench_averror_exit() || code == scalebench_averror_eof() {
            return .network
        }
        if [scalebench_averror_http_unauthorized(), scalebench_averror_http_forbidden(), scalebench_averror(EACCES),
            scalebench_averror(EPERM)].contains(code) {
            return .auth
        }
        if [scalebench_averror_invaliddata(), scalebench_averror_decoder_not_found(), scalebench_averror_demuxer_not_found(),
            scalebench_averror_stream_not_found()].contains(code) {
            return .codec
        }
        return .unknown
    }
}

/// FFmpeg error codes the workbench tests and matches on.
public enum VideoErrorCodes {
    public static var invalidData: Int32 { scalebench_averror_invaliddata() }
    public static var endOfFile: Int32 { scalebench_averror_eof() }
}
