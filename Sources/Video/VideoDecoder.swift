import CFFmpeg
#if canImport(Glibc)
import Glibc
#endif
import ScaleBenchCore
import RuntimeSupport
import Random

/// Decodes the best video stream of a file or URL with libavformat + libavcodec and
/// converts each picture with libswscale into a caller's ``PixelBuffer`` (RGB24 or
/// YUV420P, at the source size or a target size), in presentation order.
///
/// Follows FFmpeg's send/receive decoding (`doc/examples/demux_decode.c`): EAGAIN and
/// EOF are outcomes, not errors; one AVPacket and one AVFrame are reused with unref; a
/// NULL packet drains the decoder; a mid-stream size change re-creates the scaler.
/// One owner per C object: everything is freed in `deinit`, also after a failed init.
///
/// Not thread-safe: one decoder per capture thread.
public final class VideoDecoder {
    public struct Options: Sendable, Equatable {
        /// Decoder threads (0 lets FFmpeg choose).
        public var threads: Int = 1
        public var format: PixelFormat = .rgb24
        /// Output size; nil keeps the source's.
        public var size: Resolution?
        /// Network read/open timeout.
        public var timeoutMicros: Int = 5_000_000
        /// Treat any corrupt packet as a failure instead of concealing it.
        public var fatalErrors = false

        public init(threads: Int = 1, format: PixelFormat = .rgb24, size: Resolution? = nil,
                    timeoutMicros: Int = 5_000_000, fatalErrors: Bool = false) {
            self.threads = threads
            self.format = format
            self.size = size
            self.timeoutMicros = timeoutMicros
            self.fatalErrors = fatalErrors
        }
    }

    public enum Outcome: Equatable {
        /// A picture was written into the buffer; its presentation time in seconds.
        case frame(ptsSeconds: Double)
        case endOfStream
    }

    public let url: String
    public let options: Options
    public let codecName: String
    public let sourceWidth: Int
    public let sourceHeight: Int
    public let outputWidth: Int
    public let outputHeight: Int
    /// The stream's average frame rate, when the container states one.
    public let nominalFPS: Double?
    public private(set) var framesDecoded = 0
    /// Packets the decoder rejected as corrupt and skipped (non-fatal mode).
    public private(set) var corruptPackets = 0

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var scaler: OpaquePointer?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var picture: UnsafeMutablePointer<AVFrame>?
    private let streamIndex: Int32
    private let timeBase: Double
    private var draining = false
    private let interrupt: StopSignal

    /// Opens `url` and prepares its best video stream; throws with FFmpeg's reason.
    /// Raising `interrupt` aborts blocking network I/O (FFmpeg's interrupt callback).
    public init(url: String, options: Options = Options(), interrupt: StopSignal = StopSignal()) throws(VideoError) {
        self.url = url
        self.options = options
        self.interrupt = interrupt
        Self.quietLibraryLog

        var context = avformat_alloc_context()
        guard context != nil else { throw VideoError(code: scalebench_averror(ENOMEM), call: "avformat_alloc_context", url: url) }
        context!.pointee.interrupt_callback = AVIOInterruptCB(
            callback: { opaque in Unmanaged<StopSignal>.fromOpaque(opaque!).takeUnretainedValue().isRaised ? 1 : 0 },
            opaque: Unmanaged.passUnretained(interrupt).toOpaque())
        var dictionary: OpaquePointer?
        av_dict_set(&dictionary, "rw_timeout", "\(options.timeoutMicros)", 0)
        av_dict_set(&dictionary, "timeout", "\(options.timeoutMicros)", 0)
        let opened = avformat_open_input(&context, url, nil, &dictionary)
        av_dict_free(&dictionary)
        guard opened >= 0 else {
            // avformat_open_input frees the context on failure.
            throw VideoError(code: opened, call: "avformat_open_input", url: url)
        }
        format = context

        // From here on, deinit cleans up whatever was built if an initialiser step throws.
        var found: Int32 = 0
        var decoderCodec: UnsafePointer<AVCodec>?
        var info: Int32 = 0
        info = avformat_find_stream_info(context, nil)
        if info >= 0 { found = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, &decoderCodec, 0) }
        streamIndex = found
        guard info >= 0 else {
            codecName = ""; sourceWidth = 0; sourceHeight = 0; outputWidth = 0; outputHeight = 0; nominalFPS = nil; timeBase = 0
            Self.release(format: &format)
            throw VideoError(code: info, call: "avformat_find_stream_info", url: url)
        }
        guard found >= 0, let decoderCodec else {
            codecName = ""; sourceWidth = 0; sourceHeight = 0; outputWidth = 0; outputHeight = 0; nominalFPS = nil; timeBase = 0
            Self.release(format: &format)
            throw VideoError(call: "av_find_best_stream", url: url,
                             reason: found == scalebench_averror_decoder_not_found() ? "no decoder for its video stream" : "no video stream",
                             code: found < 0 ? found : scalebench_averror_stream_not_found())
        }
        let stream = context!.pointee.streams[Int(found)]!
        let parameters = stream.pointee.codecpar!
        codecName = String(cString: decoderCodec.pointee.name)
        sourceWidth = Int(parameters.pointee.width)
        sourceHeight = Int(parameters.pointee.height)
        let size = options.size ?? Resolution(width: sourceWidth, height: sourceHeight)
        outputWidth = size.width
        outputHeight = size.height
        timeBase = av_q2d(stream.pointee.time_base)
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        nominalFPS = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : nil

        codec = avcodec_alloc_context3(decoderCodec)
        var status = avcodec_parameters_to_context(codec, parameters)
        if status >= 0 {
            codec!.pointee.thread_count = Int32(options.threads)
            if options.fatalErrors { codec!.pointee.err_recognition |= AV_EF_EXPLODE }
            status = avcodec_open2(codec, decoderCodec, nil)
        }
        packet = av_packet_alloc()
        picture = av_frame_alloc()
        guard status >= 0, sourceWidth > 0, sourceHeight > 0 else {
            throw VideoError(code: status < 0 ? status : scalebench_averror_invaliddata(),
                             call: status < 0 ? "avcodec_open2" : "codec parameters", url: url)
        }
        guard sourceWidth * sourceHeight <= Self.maximumPixels, outputWidth > 0, outputHeight > 0,
              outputWidth * outputHeight <= Self.maximumPixels else {
            throw VideoError(call: "codec parameters", url: url,
                             reason: "frame size \(sourceWidth)x\(sourceHeight) (output \(outputWidth)x\(outputHeight)) is beyond the 8192x8192 pixels the workbench converts",
                             code: scalebench_averror_invaliddata())
        }
    }

    /// Consecutive failed receives (without new input) after which decoding gives up.
    static let failedReceiveLimit = 64
    /// The largest picture converted: 8192 × 8192 (RGB: 192 MiB a buffer); a corrupt header
    /// claiming more would otherwise make every pooled buffer that large.
    public static let maximumPixels = 8192 * 8192

    /// FFmpeg logs to stderr by default; every failure reaches the user through a
    /// ``VideoError`` instead, so only fatal library messages are let through.
    private static let quietLibraryLog: Void = { av_log_set_level(AV_LOG_FATAL) }()

    deinit {
        av_frame_free(&picture)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        sws_freeContext(scaler)
        Self.release(format: &format)
    }

    private static func release(format: inout UnsafeMutablePointer<AVFormatContext>?) {
        if format != nil { avformat_close_input(&format) }
    }

    /// Bytes the demuxer has read so far.
    public var bytesRead: Int64 { format?.pointee.pb?.pointee.bytes_read ?? 0 }

    /// Where the planes of an output picture lie: buffers for ``decode(into:)`` have it.
    public var outputLayout: PixelLayout { PixelLayout(format: options.format, width: outputWidth, height: outputHeight) }

    /// Decodes the next picture in presentation order into `buffer`, whose layout must
    /// be ``outputLayout``.
    public func decode(into buffer: PixelBuffer) throws(VideoError) -> Outcome {
        precondition(buffer.layout == outputLayout, "buffer laid out as \(buffer.layout), the decoder writes \(outputLayout)")
        var failedReceives = 0
        while true {
            let received = avcodec_receive_frame(codec, picture)
            if received == 0 {
                defer { av_frame_unref(picture) }
                try convert(into: buffer)
                framesDecoded += 1
                let pts = picture!.pointee.best_effort_timestamp
                return .frame(ptsSeconds: pts == scalebench_av_nopts_value() ? Double(framesDecoded - 1) / (nominalFPS ?? 25) : Double(pts) * timeBase)
            }
            if received == scalebench_averror_eof() { return .endOfStream }
            if received != scalebench_averror_eagain() {
                // A decoder that keeps failing without asking for input would loop forever.
                failedReceives += 1
                if options.fatalErrors || failedReceives > Self.failedReceiveLimit {
                    throw VideoError(code: received, call: "avcodec_receive_frame", url: url, frame: framesDecoded)
                }
                corruptPackets += 1
                continue
            }
            if draining { return .endOfStream }
            let read = av_read_frame(format, packet)
            if read == scalebench_averror_eof() {
                draining = true
                avcodec_send_packet(codec, nil)
                continue
            }
            guard read >= 0 else { throw VideoError(code: read, call: "av_read_frame", url: url, frame: framesDecoded) }
            defer { av_packet_unref(packet) }
            guard packet!.pointee.stream_index == streamIndex else { continue }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != scalebench_averror_eagain() {
                if options.fatalErrors { throw VideoError(code: sent, call: "avcodec_send_packet", url: url, frame: framesDecoded) }
                corruptPackets += 1
            }
        }
    }

    /// Why a source that reached its end without a single picture is unusable.
    public var nothingDecoded: VideoError {
        VideoError(call: "avcodec_receive_frame", url: url,
                   reason: corruptPackets > 0
                       ? "no frame decodes: all \(corruptPackets) packets of its \(codecName) stream are corrupt"
                       : "no frame decodes: its \(codecName) stream holds no complete picture (truncated or empty)",
                   code: scalebench_averror_invaliddata())
    }

    /// Seeks back to the start for looping playback.
    /// Containers without an index (raw H.264/HEVC streams) cannot seek by timestamp; for
    /// them the byte stream is rewound to its start and the demuxer flushed.
    public func rewind() throws(VideoError) {
        var status = av_seek_frame(format, streamIndex, 0, AVSEEK_FLAG_BACKWARD)
        if status < 0, let io = format?.pointee.pb {
            let position = avio_seek(io, 0, SEEK_SET)
            status = position < 0 ? Int32(truncatingIfNeeded: position) : avformat_flush(format)
        }
        guard status >= 0 else { throw VideoError(code: status, call: "av_seek_frame", url: url) }
        avcodec_flush_buffers(codec)
        draining = false
    }

    private func convert(into buffer: PixelBuffer) throws(VideoError) {
        let frame = picture!.pointee
        guard frame.width > 0, frame.height > 0, frame.format >= 0 else {
            throw VideoError(call: "avcodec_receive_frame", url: url, reason: "the decoder returned a picture without a size or pixel format",
                             code: scalebench_averror_invaliddata(), frame: framesDecoded)
        }
        // A mid-stream size or format change gets a new scaler; the output size is fixed.
        scaler = sws_getCachedContext(
            scaler, frame.width, frame.height, AVPixelFormat(rawValue: frame.format),
            Int32(outputWidth), Int32(outputHeight), options.format == .rgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUV420P,
            SWS_BILINEAR, nil, nil, nil)
        guard let scaler else {
            let name = av_get_pix_fmt_name(AVPixelFormat(rawValue: frame.format)).map { String(cString: $0) } ?? "\(frame.format)"
            throw VideoError(call: "sws_getCachedContext", url: url,
                             reason: "cannot convert \(frame.width)x\(frame.height) \(name) to \(outputLayout)", frame: framesDecoded)
        }
        // The buffer's planes at their aligned strides: libswscale writes whole SIMD words
        // past a row's last pixel, which the layout's row and tail padding absorb.
        let layout = buffer.layout
        let base = buffer.mutableBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var planes: [UnsafeMutablePointer<UInt8>?] = [nil, nil, nil, nil]
        var strides: [Int32] = [0, 0, 0, 0]
        for (index, plane) in layout.planes.enumerated() {
            planes[index] = base + plane.offset
            strides[index] = Int32(plane.stride)
        }
        var sourcePlanes = frame.data
        var sourceStrides = frame.linesize
        let rows = withUnsafePointer(to: &sourcePlanes) { planesTuple in
            withUnsafePointer(to: &sourceStrides) { stridesTuple in
                planesTuple.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
                    stridesTuple.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                        sws_scale(scaler, src, srcStride, 0, frame.height, &planes, &strides)
                    }
                }
            }
        }
        guard rows > 0 else { throw VideoError(code: rows, call: "sws_scale", url: url, frame: framesDecoded) }
    }
}
