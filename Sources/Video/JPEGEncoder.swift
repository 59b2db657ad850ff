import CFFmpeg
import ScaleBenchCore

/// Encodes frames to JPEG with libavcodec's MJPEG encoder, as the original's bridge does
/// before it hands a frame to a Python worker. The frame's pixels (RGB or YUV 4:2:0, at
/// the layout's aligned strides) are converted to full-range 4:2:0 (`yuvj420p`) by
/// libswscale, then encoded at a fixed quantiser.
///
/// One owner per C object: the codec context, the picture, the packet and the scaler are
/// freed in `deinit`, also after a failed init. Not thread-safe: one encoder per worker
/// instance, used by its thread alone. A size or format change rebuilds the contexts.
public final class JPEGEncoder {
    /// `ffmpeg -q:v`: 2 (best) to 31; 5 is a typical camera JPEG.
    public let quality: Int32
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var picture: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var scaler: OpaquePointer?
    private var geometry: (width: Int, height: Int, format: PixelFormat)?

    public init(quality: Int32 = 5) {
        self.quality = min(max(quality, 2), 31)
    }

    deinit { close() }

    private func close() {
        avcodec_free_context(&codec)
        av_frame_free(&picture)
        av_packet_free(&packet)
        sws_freeContext(scaler)
        scaler = nil
        geometry = nil
    }

    private func open(width: Int, height: Int, format: PixelFormat) throws(VideoError) {
        close()
        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else {
            throw VideoError(call: "avcodec_find_encoder", url: "mjpeg", reason: "this FFmpeg has no MJPEG encoder")
        }
        codec = avcodec_alloc_context3(encoder)
        picture = av_frame_alloc()
        packet = av_packet_alloc()
        guard let codec, let picture, packet != nil else { throw VideoError(call: "av_frame_alloc", url: "mjpeg", reason: "out of memory") }
        codec.pointee.width = Int32(width)
        codec.pointee.height = Int32(height)
        codec.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        codec.pointee.time_base = AVRational(num: 1, den: 25)
        scalebench_set_fixed_quality(codec, quality)
        var status = avcodec_open2(codec, encoder, nil)
        guard status >= 0 else { throw VideoError(code: status, call: "avcodec_open2", url: "mjpeg") }
        picture.pointee.width = Int32(width)
        picture.pointee.height = Int32(height)
        picture.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        status = av_frame_get_buffer(picture, 0)
        guard status >= 0 else { throw VideoError(code: status, call: "av_frame_get_buffer", url: "mjpeg") }
        scaler = sws_getContext(Int32(width), Int32(height), format == .rgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUV420P,
                                Int32(width), Int32(height), AV_PIX_FMT_YUVJ420P, SWS_BILINEAR, nil, nil, nil)
        guard scaler != nil else {
            throw VideoError(call: "sws_getContext", url: "mjpeg", reason: "cannot convert \(width)x\(height) \(format.rawValue) to yuvj420p")
        }
        geometry = (width, height, format)
    }

    /// The frame's JPEG bytes.
    public func encode(_ frame: Frame) throws(VideoError) -> [UInt8] {
        let layout = frame.pixels.layout
        guard layout.width >= 2, layout.height >= 2 else {
            throw VideoError(call: "encode", url: "mjpeg", reason: "a \(layout.width)x\(layout.height) frame is too small to encode")
        }
        if geometry == nil || geometry!.width != layout.width || geometry!.height != layout.height || geometry!.format != layout.format {
            try open(width: layout.width, height: layout.height, format: layout.format)
        }
        guard let codec, let picture, let packet else { throw VideoError(call: "encode", url: "mjpeg", reason: "the encoder is not open") }
        var status = av_frame_make_writable(picture)
        guard status >= 0 else { throw VideoError(code: status, call: "av_frame_make_writable", url: "mjpeg") }
        // The source planes at the layout's strides; the picture's planes as FFmpeg laid them.
        let base = frame.pixels.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var sources: [UnsafePointer<UInt8>?] = [nil, nil, nil, nil]
        var sourceStrides: [Int32] = [0, 0, 0, 0]
        for (index, plane) in layout.planes.enumerated() {
            sources[index] = base + plane.offset
            sourceStrides[index] = Int32(plane.stride)
        }
        var targets = picture.pointee.data
        var targetStrides = picture.pointee.linesize
        let rows = withUnsafePointer(to: &targets) { planesTuple in
            withUnsafePointer(to: &targetStrides) { stridesTuple in
                planesTuple.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                    stridesTuple.withMemoryRebound(to: Int32.self, capacity: 8) { dstStride in
                        sws_scale(scaler, sources, sourceStrides, 0, Int32(layout.height), dst, dstStride)
                    }
                }
            }
        }
        guard rows > 0 else { throw VideoError(code: rows, call: "sws_scale", url: "mjpeg") }
        status = avcodec_send_frame(codec, picture)
        guard status >= 0 else { throw VideoError(code: status, call: "avcodec_send_frame", url: "mjpeg") }
        status = avcodec_receive_packet(codec, packet)
        guard status >= 0 else { throw VideoError(code: status, call: "avcodec_receive_packet", url: "mjpeg") }
        defer { av_packet_unref(packet) }
        return Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
    }
}
