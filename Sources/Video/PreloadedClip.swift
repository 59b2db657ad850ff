import ScaleBenchCore
import RuntimeSupport
import Random

/// A file decoded once into memory and shared, read-only, by every stream (`preload`
/// decode mode). Frames reference its buffers directly: nothing is copied per stream.
public final class PreloadedClip: @unchecked Sendable {
    public let url: String
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    public let nominalFPS: Double
    /// Presentation time of each frame, seconds from the first.
    public let presentation: [Double]
    let buffers: [PixelBuffer]
    /// Duration of one loop: last frame's time plus one frame period.
    public let loopSeconds: Double

    /// Largest clip kept in memory.
    public static let maximumBytes = 2 << 30

    public init(url: String, options: VideoDecoder.Options) throws(VideoError) {
        let decoder = try VideoDecoder(url: url, options: options)
        var buffers: [PixelBuffer] = []
        var times: [Double] = []
        while true {
            let buffer = PixelBuffer(layout: decoder.outputLayout)
            guard case .frame(let pts) = try decoder.decode(into: buffer) else { break }
            buffers.append(buffer)
            times.append(pts)
            if buffers.count * decoder.outputLayout.byteCount > Self.maximumBytes {
                throw VideoError(call: "preload", url: url,
                                 reason: "more than \(Self.maximumBytes >> 20) MiB of decoded frames; use --decode live")
            }
        }
        guard let first = times.first else { throw decoder.nothingDecoded }
        self.url = url
        width = decoder.outputWidth
        height = decoder.outputHeight
        format = options.format
        nominalFPS = decoder.nominalFPS ?? 25
        presentation = times.map { $0 - first }
        self.buffers = buffers
        loopSeconds = presentation.last! + 1 / nominalFPS
    }

    public var frameCount: Int { buffers.count }
    public var memoryBytes: Int { buffers.reduce(0) { $0 + $1.byteCount } }
}

/// Streams playing a ``PreloadedClip``, looping, at its presentation times or a target fps.
public struct PreloadedProducer: FrameProducer {
    private let clip: PreloadedClip
    private let streamID: Int
    private let phaseNanos: UInt64
    private var rate: RateControl
    private var index = 0
    public private(set) var loops = 0
    public private(set) var rateControlDrops: UInt64 = 0

    public init(clip: PreloadedClip, streamID: Int, targetFPS: Double?, phaseNanos: UInt64) {
        self.clip = clip
        self.streamID = streamID
        self.phaseNanos = phaseNanos
        rate = RateControl(targetFPS: targetFPS)
        periodNanos = UInt64(1e9 / (targetFPS ?? clip.nominalFPS))
    }

    public mutating func next() throws(VideoError) -> PendingFrame? {
        while true {
            if index == clip.frameCount {
                index = 0
                loops += 1
            }
            let position = Double(loops) * clip.loopSeconds + clip.presentation[index]
            let buffer = clip.buffers[index]
            index += 1
            guard rate.keep(presentationSeconds: position) else {
                rateControlDrops += 1
                continue
            }
            let frame = Frame(streamID: streamID, capturedAt: 0, width: clip.width, height: clip.height,
                              format: clip.format, pixels: buffer)
            return PendingFrame(dueNanos: phaseNanos + UInt64(position * 1e9), frame: frame, productionNanos: 0)
        }
    }

    public var isPaced: Bool { true }
    public let periodNanos: UInt64
    public var bytesRead: Int64 { 0 }
    public var reconnects: Int { 0 }
    public var bufferBytes: Int { 0 }
}
