import ScaleBenchCore
import Random

/// A frame as the virtual executor moves it through the pure slot policies: only what
/// the telemetry needs. No pixels: simulated workers never look at them, and a few words
/// per frame keep the event loop fast.
struct VirtualFrame: StreamItem {
    var stream: Int
    /// Assigned by the pipeline's supplier at distribution, from 1 (as the real one).
    var seq: UInt64 = 0
    /// Virtual ns of the arrival: capture has no overhead in virtual time.
    var capturedAt: UInt64
    /// Virtual ns of distribution: equal to `capturedAt` (the supplier is instantaneous),
    /// kept so the hand-off figure is computed exactly as in real time.
    var distributedAt: UInt64 = 0
    /// The stream's load state at the arrival (0 without a load profile).
    var state: UInt8 = 0
}
