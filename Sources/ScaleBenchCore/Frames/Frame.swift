import Random

/// One captured image travelling through a pipeline.
///
/// A value type whose pixels are a shared ``PixelBuffer``: copying a frame (into an
/// inbox, into each worker's slot) copies a few words and one reference, never pixels.
public struct Frame: Sendable {
    /// Which camera the frame comes from (0-based).
    public var streamID: Int
    /// Assigned by the supplier at distribution, from 1; a publisher's value is overwritten.
    public var seq: UInt64
    /// Monotonic ns when the capture finished producing the frame.
    public var capturedAt: UInt64
    /// Monotonic ns when the supplier's distribution loop took it from its inbox.
    public var distributedAt: UInt64
    public var width: Int
    public var height: Int
    public var format: PixelFormat
    /// The stream's load state when the frame arrived (index into its load profile; 0
    /// without one).
    public var loadState: UInt8 = 0
    public let pixels: PixelBuffer

    public init(streamID: Int, seq: UInt64 = 0, capturedAt: UInt64, width: Int, height: Int,
                format: PixelFormat, pixels: PixelBuffer) {
        self.streamID = streamID
        self.seq = seq
        self.capturedAt = capturedAt
        self.distributedAt = 0
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }
}
