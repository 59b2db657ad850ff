import ScaleBenchCore
import Random

/// One camera in virtual time: the stream's ``ArrivalSchedule`` (same seed and phase as
/// the realtime capture, so both draw the same arrival times) and its faults.
struct VirtualCapture {
    enum Outcome {
        /// The frame is published now.
        case publish
        /// A stalled camera delivers nothing: the frame never existed.
        case skip
        /// A crashed camera stops for good.
        case end
    }

    let stream: Int
    /// Index of the pipeline whose supplier it publishes into.
    let pipeline: Int
    var schedule: ArrivalSchedule
    let faults: CaptureFaults
    var due: UInt64 = 0
    var published: UInt64 = 0
    var stalledFrames: UInt64 = 0
    var crashedByFault = false
    /// Frames published per fault-isolation window, by capture time.
    var windows: WindowCounts

    init(stream: Int, pipeline: Int, schedule: ArrivalSchedule, faults: CaptureFaults,
         faultWindows: [(start: UInt64, end: UInt64)]) {
        self.stream = stream
        self.pipeline = pipeline
        self.schedule = schedule
        self.faults = faults
        windows = WindowCounts(windows: faultWindows, latencies: false)
    }

    /// The frame due at `time` arrives. The same rules, in the same order, as the realtime
    /// capture; capture itself takes no time, so no frame is ever late (no capture drops).
    mutating func present(at time: UInt64) -> Outcome {
        if faults.isEmpty && windows.windows.isEmpty {  // the common case, in short
            due += 1
            published += 1
            return .publish
        }
        switch faults.outcome(at: time) {
        case .crashed:
            crashedByFault = true
            return .end
        case .stalled:
            stalledFrames += 1
            return .skip
        case .due:
            break
        }
        due += 1
        published += 1
        if !windows.windows.isEmpty { windows.count(capturedAt: time) }
        return .publish
    }
}
