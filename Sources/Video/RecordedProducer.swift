import CFFmpeg
import ScaleBenchCore
import RuntimeSupport
import Random

/// Frames decoded from a file or URL on the capture thread itself (`live` decode mode):
/// decoding costs real CPU on that thread, as in production.
///
/// Files play at their presentation times (or the target fps, by dropping), looping
/// seamlessly: each loop's timestamps continue where the previous one ended. Live URLs
/// present frames as they arrive and reconnect after failures with the original's
/// backoff (``ReconnectPolicy``); the 6th consecutive failure ends the stream.
public struct RecordedProducer: FrameProducer {
    public let url: String
    public let isLive: Bool
    private let streamID: Int
    private let options: VideoDecoder.Options
    /// Where the stream starts within a frame period (so N streams are not in lock-step).
    public var phaseNanos: UInt64
    private let loop: Bool
    private let stop: StopSignal
    private var decoder: VideoDecoder?
    private var ring: BufferRing<Void>
    private var rate: RateControl
    private var reconnect: ReconnectPolicy
    private var loopOffset = 0.0
    private var firstPTS: Double?
    private var lastPTS = 0.0
    private var framesThisLoop = 0
    private var bytesBeforeReconnect: Int64 = 0
    private let clock = SystemClock()
    public private(set) var rateControlDrops: UInt64 = 0
    public private(set) var loops = 0
    /// For each reconnect: how long after the failure the attempt was made, in ns.
    public private(set) var reconnectWaits: [UInt64] = []
    /// The categories of the failures that led to reconnects, in order.
    public private(set) var failureCategories: [VideoError.Category] = []

    /// Opens the source at once, so a bad file or URL fails before any run starts.
    public init(url: String, streamID: Int, options: VideoDecoder.Options, targetFPS: Double?, phaseNanos: UInt64,
                loop: Bool = true, reconnect: ReconnectPolicy = ReconnectPolicy(), stop: StopSignal) throws(VideoError) {
        self.url = url
        self.streamID = streamID
        self.options = options
        self.phaseNanos = phaseNanos
        self.loop = loop
        self.stop = stop
        self.reconnect = reconnect
        isLive = VideoSource.isNetworkURL(url)
        let decoder = try VideoDecoder(url: url, options: options, interrupt: stop)
        self.decoder = decoder
        ring = BufferRing(layout: decoder.outputLayout, initialCount: 0) {}
        rate = RateControl(targetFPS: targetFPS)
        nominalFPS = targetFPS ?? decoder.nominalFPS ?? 25
    }

    private let nominalFPS: Double
    public var isPaced: Bool { !isLive }
    public var periodNanos: UInt64 { UInt64(1e9 / nominalFPS) }
    public var bytesRead: Int64 { bytesBeforeReconnect + (decoder?.bytesRead ?? 0) }
    public var reconnects: Int { reconnect.reconnects }
    public var bufferBytes: Int { ring.bytes }

    public mutating func next() throws(VideoError) -> PendingFrame? {
        while true {
            if decoder == nil { try reopen() }
            let index = ring.acquire()
            let buffer = ring[index].buffer
            let start = clock.now()
            let outcome: VideoDecoder.Outcome
            do {
                outcome = try decoder!.decode(into: buffer)
            } catch {
                if stop.isRaised { return nil }
                guard isLive else { throw error }
                try failed(error)
                continue
            }
            switch outcome {
            case .frame(let pts):
                reconnect.succeeded()
                framesThisLoop += 1
                if firstPTS == nil { firstPTS = pts }
                lastPTS = pts
                let position = loopOffset + pts - firstPTS!
                guard rate.keep(presentationSeconds: position) else {
                    rateControlDrops += 1
                    continue
                }
                let frame = Frame(streamID: streamID, capturedAt: 0, width: decoder!.outputWidth,
                                  height: decoder!.outputHeight, format: options.format, pixels: buffer)
                return PendingFrame(dueNanos: phaseNanos + UInt64(max(position, 0) * 1e9), frame: frame,
                                    productionNanos: clock.now() - start)
            case .endOfStream:
                if isLive {
                    // A live stream that ends has lost its sender: reconnect as after an error.
                    try failed(VideoError(call: "av_read_frame", url: url, reason: "end of stream",
                                          code: scalebench_averror_eof()))
                    continue
                }
                guard framesThisLoop > 0 else { throw decoder!.nothingDecoded }
                guard loop else { return nil }
                // The next loop starts one frame period after this loop's last frame.
                loopOffset += lastPTS - firstPTS! + 1 / (decoder!.nominalFPS ?? nominalFPS)
                firstPTS = nil
                framesThisLoop = 0
                loops += 1
                try decoder!.rewind()
            }
        }
    }

    private mutating func failed(_ error: VideoError) throws(VideoError) {
        bytesBeforeReconnect += decoder?.bytesRead ?? 0
        decoder = nil
        failureCategories.append(error.category)
        switch reconnect.failed() {
        case .giveUp:
            throw error
        case .retry(let delay):
            let failedAt = clock.now()
            if !stop.sleep(until: failedAt + delay) { throw error }
            reconnectWaits.append(clock.now() - failedAt)
        }
    }

    private mutating func reopen() throws(VideoError) {
        while decoder == nil {
            do {
                decoder = try VideoDecoder(url: url, options: options, interrupt: stop)
            } catch {
                if stop.isRaised { throw error }
                try failed(error)
            }
        }
    }
}
