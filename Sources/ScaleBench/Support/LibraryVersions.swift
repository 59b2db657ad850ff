import CFFmpeg
import CGSL

/// Versions of the linked C libraries, for run provenance.
public enum LibraryVersions {
    public static var gsl: String { String(cString: scalebench_gsl_version()) }

    /// FFmpeg's release string and the libavformat / libavcodec versions linked.
    public static var ffmpeg: String {
        func dotted(_ v: UInt32) -> String { "\(v >> 16).\((v >> 8) & 0xFF).\(v & 0xFF)" }
        return "\(String(cString: av_version_info())) (libavformat \(dotted(avformat_version())), libavcodec \(dotted(avcodec_version())))"
    }
}
