import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// One camera on its own thread: asks its ``FrameProducer`` for the next frame (rendered
/// or decoded ahead of time), waits for the frame's due time on the monotonic clock, and
/// publishes it to its supplier.
///
/// Rate control follows the original: it only drops, never duplicates or bursts. A frame
/// whose due time passed more than one period ago by the time it is ready (the capture
/// fell behind, e.g. decoding too slowly) is dropped and counted.
///
/// A source that fails (a corrupt file with fatal errors, a live sender that is gone
/// for good) ends this stream with its error; other streams are unaffected.
final class CaptureRunner: @unchecked Sendable {
    let streamID: Int
    let counters = CaptureCounters()
    private var producer: any FrameProducer
    private let supplier: FrameSupplier
    private let stop: StopSignal
    private let runStart: UInt64
    private let faults: CaptureFaults
    /// Whether to record each production's times and thread CPU (``CaptureReport/trace``).
    private let tracing: Bool
    private let clock = SystemClock()
    private(set) var thread: OSThread!
    /// Read after the thread has ended.
    private(set) var report: CaptureReport

    init(streamID: Int, producer: any FrameProducer, supplier: FrameSupplier, stop: StopSignal, runStart: UInt64,
         faults: CaptureFaults = CaptureFaults(), faultWindows: [(start: UInt64, end: UInt64)] = [], trace: Bool = false) {
        tracing = trace
        self.streamID = streamID
        self.producer = producer
        self.supplier = supplier
        self.stop = stop
        self.runStart = runStart
        self.faults = faults
        report = CaptureReport(windows: WindowCounts(windows: faultWindows, latencies: false))
        thread = OSThread(name: "capture-\(streamID)", role: .capture) { [unowned self] in self.run() }
    }

    private func run() {
        var production = LatencyHistogram()
        let period = producer.periodNanos
        var productions: UInt64 = 0
        while !stop.isRaised {
            let pending: PendingFrame
            let startCPU = tracing ? threadCPUNanos() : 0, start = tracing ? clock.now() : 0
            do {
                guard let next = try producer.next() else { break }
                pending = next
            } catch {
                if !stop.isRaised { report.failure = error }
                break
            }
            productions += 1
            if tracing {
                // The production's demand (its thread's CPU), which calibration fits as
                // the scenario's decode-cpu; published frames get their capture time below.
                report.trace.append(FrameTraceRecord(stream: streamID, worker: CaptureReport.traceWorker, seq: productions,
                                                     capturedAt: 0, distributedAt: 0, serviceStart: start, serviceEnd: clock.now(),
                                                     cpuNanos: threadCPUNanos() &- startCPU))
            }
            production.record(pending.productionNanos)
            counters.rateControlDrops.store(producer.rateControlDrops, ordering: .relaxed)
            var due = clock.now()
            if producer.isPaced {
                due = runStart &+ pending.dueNanos
                // A frame whose time has not come when the run stops was never due.
                guard stop.sleep(until: due) else { break }
            }
            switch faults.outcome(at: due) {
            case .crashed:
                report.crashedByFault = true
            case .stalled:
                // A stalled camera delivers nothing: the frame never existed.
                report.stalledFrames += 1
                continue
            case .due:
                break
            }
            if report.crashedByFault { break }
            counters.due.add(1, ordering: .relaxed)
            let now = clock.now()
            if producer.isPaced && now > due &+ period {
                counters.drops.add(1, ordering: .relaxed)
                continue
            }
            var frame = pending.frame
            frame.capturedAt = now
            if tracing {
                report.trace[report.trace.count - 1].capturedAt = now
                report.trace[report.trace.count - 1].distributedAt = now
            }
            supplier.publish(frame)
            counters.published.add(1, ordering: .relaxed)
            if !report.windows.windows.isEmpty { report.windows.count(capturedAt: now) }
            let lateness = now &- due
            counters.latenessSumNanos.add(lateness, ordering: .relaxed)
            if lateness > counters.latenessMaxNanos.load(ordering: .relaxed) {
                counters.latenessMaxNanos.store(lateness, ordering: .relaxed)
            }
        }
        report.production = production.quantiles
        report.loops = producer.loops
        report.reconnects = producer.reconnects
        report.bytesRead = producer.bytesRead
        report.bufferBytes = producer.bufferBytes
    }
}

/// What a capture reports once its thread has ended.
struct CaptureReport {
    /// As the result assembler takes it.
    var end: CaptureEnd {
        var end = CaptureEnd()
        end.status = failure != nil ? .failed : crashedByFault ? .crashed : .ok
        end.error = failure?.description ?? (crashedByFault ? "capture-crash fault" : nil)
        end.errorCategory = failure?.category.rawValue
        end.loops = loops
        end.reconnects = reconnects
        end.bytesRead = bytesRead
        end.production = production
        end.stalledFrames = stalledFrames
        end.windowFrames = windows.frames
        return end
    }

    /// The name of captures' rows in a frame trace: a stage, never a worker's name.
    static let traceWorker = RunScenario.captureTraceName

    var production = Quantiles(count: 0)
    /// With `--trace`: one record per production (its start and end, its thread's CPU;
    /// capture time 0 when the frame was not published).
    var trace: [FrameTraceRecord] = []
    var loops = 0
    var reconnects = 0
    var bytesRead: Int64 = 0
    var bufferBytes = 0
    var failure: VideoError?
    /// Frames a capture-stall fault suppressed, and whether a capture-crash fault ended it.
    var stalledFrames: UInt64 = 0
    var crashedByFault = false
    /// Frames published per fault-isolation window, by capture time.
    var windows: WindowCounts
}
