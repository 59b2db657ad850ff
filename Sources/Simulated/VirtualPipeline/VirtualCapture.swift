import ScaleBenchCore
import Random

/// One camera in virtual time: the stream's ``ArrivalSchedule`` (same seed and phase as
/// the realtime capture, so both draw the same arrival times) and its faults.
///
/// With a per-frame capture CPU (`decode-cpu`) it follows the realtime capture's loop:
/// produce the next frame (a job on the box's cores), wait for its due time, publish; a
/// frame ready more than one period after its due time is dropped, and a late one is
/// published late. The first frame is produced before the run, as the realtime capture
/// produces it during the lead.
struct VirtualCapture {
    enum Outcome {
        /// The frame is published now.
        case publish
        /// A stalled camera delivers nothing: the frame never existed.
        case skip
        /// A crashed camera stops for good.
        case end
    }

    // The fields every arrival reads come first, in a line or two: a capture is touched
    // once a frame period, after the other streams' events have moved it out of the L1
    // cache (declaration order is the layout's).
    let stream: Int
    /// Index of the pipeline whose supplier it publishes into.
    let pipeline: Int
    var due: UInt64 = 0
    var published: UInt64 = 0
    /// No faults and no fault-isolation windows: an arrival only counts and publishes.
    let plain: Bool
    /// A per-frame capture CPU is modelled (`decode` is set).
    let decodes: Bool
    var schedule: ArrivalSchedule
    let faults: CaptureFaults
    /// Frames ready more than a period late (decode-cpu only), and how late the published
    /// ones were.
    var drops: UInt64 = 0
    var latenessSum: UInt64 = 0
    var latenessMax: UInt64 = 0
    /// The due time of the frame being produced or waited for, and when its production began.
    var nextDue: UInt64 = 0
    var productionStart: UInt64 = 0
    /// Wall time of each production (its CPU demand stretched by the box's sharing).
    var production = LatencyHistogram()
    /// The per-frame capture CPU, when modelled, and its draws.
    let decode: ServiceDistribution.Sampler?
    private let decodeRandom: GSLRandom?
    var stalledFrames: UInt64 = 0
    var crashedByFault = false
    /// Frames published per fault-isolation window, by capture time.
    var windows: WindowCounts

    init(stream: Int, pipeline: Int, schedule: ArrivalSchedule, faults: CaptureFaults,
         faultWindows: [(start: UInt64, end: UInt64)], decode: ServiceDistribution? = nil, decodeSeed: UInt64 = 0) {
        self.decode = decode.map { ServiceDistribution.Sampler($0) }
        decodeRandom = decode.map { _ in GSLRandom(seed: decodeSeed, algorithm: .taus2) }
        self.stream = stream
        self.pipeline = pipeline
        self.schedule = schedule
        self.faults = faults
        windows = WindowCounts(windows: faultWindows, latencies: false)
        plain = faults.isEmpty && faultWindows.isEmpty
        decodes = decode != nil
    }

    /// The frame of the arrival in hand (the schedule's last), captured `now`.
    @inline(__always)
    func frame(at now: UInt64) -> VirtualFrame {
        VirtualFrame(stream: stream, capturedAt: now, state: UInt8(truncatingIfNeeded: schedule.lastState))
    }

    /// The CPU demand of producing the next frame.
    mutating func drawDecode() -> UInt64 { decode!.sample(decodeRandom!) }

    /// The frame due at `due` is ready at `now` (its production done): the realtime
    /// capture's rules in its order — faults at the due time, then a frame more than
    /// `period` late is dropped, else it is published, late by `now − due`.
    mutating func ready(due dueTime: UInt64, at now: UInt64, period: UInt64) -> Outcome {
        if !faults.isEmpty {
            switch faults.outcome(at: dueTime) {
            case .crashed:
                crashedByFault = true
                return .end
            case .stalled:
                stalledFrames += 1
                return .skip
            case .due:
                break
            }
        }
        due += 1
        if now > dueTime &+ period {
            drops += 1
            return .skip
        }
        published += 1
        latenessSum &+= now &- dueTime
        latenessMax = max(latenessMax, now &- dueTime)
        if !windows.windows.isEmpty { windows.count(capturedAt: now) }
        return .publish
    }

    /// The frame due at `time` arrives. The same rules as ``ready(due:at:period:)``;
    /// without a capture CPU, capture takes no time, so no frame is ever late.
    @inline(__always)
    mutating func present(at time: UInt64) -> Outcome {
        if plain {  // the common case, in short
            due += 1
            published += 1
            return .publish
        }
        return ready(due: time, at: time, period: 0)
    }
}
