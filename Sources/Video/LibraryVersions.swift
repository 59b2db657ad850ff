import CFFmpeg
import Random

extension LibraryVersions {
    /// FFmpeg's release string and the libavformat / libavcodec versions linked.
    public static var ffmpeg: String {
        func dotted(_ v: UInt32) -> String { "\(v >> 16).\((v >> 8) & 0xFF).\(v & 0xFF)" }
        return "\(String(cString: av_version_info())) (libavformat \(dotted(avformat_version())), libavcodec \(dotted(avcodec_version())))"
    }
}
