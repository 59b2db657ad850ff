import Foundation
import Histogram
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// Measures the FrameSupplier's hand-off: how long a frame takes from `publish` to a
/// worker's `read` returning, with 1…64 workers subscribed, and what `publish` costs.
/// Twice: to workers on threads of their own (the executor's CPU workers), and to workers
/// that only sleep, which hold no thread (its offload workers: ``SleepingWorker``), for
/// which the hand-off ends when the offer calls the worker with the frame.
///
/// Protocol: for each W, W workers subscribe to one supplier; `frames` frames are
/// published `intervalNanos` apart on the monotonic clock (absolute deadlines, no drift),
/// each stamped at publish; each worker records receive − stamp in its own histogram.
/// Correctness check inside: every worker must receive every frame it did not see
/// dropped, and the supplier's accounting must balance, or the figures are refused.
public enum MailboxBenchmark {
    public struct Configuration: Sendable {
        public var workerCounts: [Int]
        public var frames: Int
        public var intervalNanos: UInt64
        public var publishOps: Int
        public var repetitions: Int

        public init(workerCounts: [Int], frames: Int, intervalNanos: UInt64, publishOps: Int, repetitions: Int) {
            self.workerCounts = workerCounts
            self.frames = frames
            self.intervalNanos = intervalNanos
            self.publishOps = publishOps
            self.repetitions = repetitions
        }
    }

    public struct HandoffRow: Sendable {
        public var workers: Int
        public var samples: UInt64
        public var p50Micros: Double
        public var p99Micros: Double
        public var maxMicros: Double
        public var inboxDrops: UInt64
        public var slotDrops: UInt64
        public var balanced: Bool
    }

    /// Reference points that bound what the supplier can reach on this machine.
    public struct Floors: Sendable {
        /// One Mailbox hop (offer → a blocked reader's take returns): one condition-variable
        /// wake-up of a sleeping thread. The supplier's hand-off is two such hops.
        public var oneHopP50Micros: Double
        public var oneHopP99Micros: Double
        /// `publish` into a supplier whose loop is not running: the mutex, slot and
        /// reference-count cost alone, with no thread to contend with or wake.
        public var publishUncontendedNanos: Double
    }

    public struct Result: Sendable {
        public var configuration: Configuration
        public var machine: MachineInfo
        public var handoff: [HandoffRow]
        /// The same protocol to workers that hold no thread (``SleepingWorker``'s hand-off).
        public var sleepingHandoff: [HandoffRow]
        public var publishNanosPerOp: [Double]
        public var floors: Floors

        public var publishMedian: Double { MailboxBenchmark.median(publishNanosPerOp) }
    }

    public static func run(_ configuration: Configuration) -> Result {
        let rows = configuration.workerCounts.map { handoff(workers: $0, configuration) }
        let sleepingRows = configuration.workerCounts.map { handoff(workers: $0, configuration, sleeping: true) }
        let publish = (0..<configuration.repetitions).map { _ in publishCost(ops: configuration.publishOps) }
        let hop = oneHop(frames: configuration.frames, intervalNanos: configuration.intervalNanos)
        let floors = Floors(oneHopP50Micros: Double(hop.valueAtPercentile(50)) / 1e3,
                            oneHopP99Micros: Double(hop.valueAtPercentile(99)) / 1e3,
                            publishUncontendedNanos: median((0..<configuration.repetitions).map { _ in
                                publishCost(ops: configuration.publishOps, loopRunning: false)
                            }))
        return Result(configuration: configuration, machine: .current(), handoff: rows, sleepingHandoff: sleepingRows,
                      publishNanosPerOp: publish, floors: floors)
    }

    /// A shared 1-byte buffer: the hand-off moves references, so pixel size is irrelevant.
    private static let pixels = PixelBuffer(layout: PixelLayout(format: .rgb24, width: 1, height: 1))

    /// `sleeping`: each worker listens on its slot instead of blocking a thread in read.
    static func handoff(workers count: Int, _ configuration: Configuration, sleeping: Bool = false) -> HandoffRow {
        let clock = SystemClock()
        let supplier = FrameSupplier(clock: clock)
        let histograms = (0..<count).map { _ in Box(Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three)) }
        let readers = (0..<count).map { try! supplier.subscribe("w\($0)") }
        let threads = sleeping ? [] : (0..<count).map { index in
            OSThread(name: "bench-w\(index)", role: .worker) {
                let reader = readers[index], box = histograms[index]
                while let frame = reader.read() {
                    _ = box.value.record(clock.now() &- frame.capturedAt)
                }
            }
        }
        let listeners = sleeping ? (0..<count).map { Listener(reader: readers[$0], box: histograms[$0], clock: clock) } : []
        try! supplier.start()
        threads.forEach { $0.start() }
        listeners.forEach { $0.listen() }
        var deadline = clock.now() + 10_000_000
        for _ in 0..<configuration.frames {
            sleepUntil(deadline)
            supplier.publish(Frame(streamID: 0, capturedAt: clock.now(), width: 1, height: 1, format: .yuv420p, pixels: pixels))
            deadline += configuration.intervalNanos
        }
        // Let the last frame reach every worker before stopping.
        supplier.waitUntilDistributed(supplier.stats().inbox.offered - supplier.stats().inboxDrops, deadline: clock.now() + 1_000_000_000)
        sleepUntil(clock.now() + 50_000_000)
        supplier.stop()
        threads.forEach { $0.join() }
        listeners.forEach { $0.closed.wait() }

        var merged = histograms[0].value
        for box in histograms.dropFirst() { merged.add(box.value) }
        let stats = supplier.stats()
        let balanced = stats.inbox.isBalanced && stats.workers.allSatisfy { $0.slot.isBalanced && $0.delivered == stats.distributed }
        return HandoffRow(
            workers: count, samples: merged.totalCount,
            p50Micros: Double(merged.valueAtPercentile(50)) / 1e3, p99Micros: Double(merged.valueAtPercentile(99)) / 1e3,
            maxMicros: Double(merged.max) / 1e3, inboxDrops: stats.inboxDrops,
            slotDrops: stats.workers.reduce(0) { $0 + $1.totalDrops }, balanced: balanced)
    }

    /// One hop through a bare Mailbox to a blocked reader thread.
    static func oneHop(frames: Int, intervalNanos: UInt64) -> Histogram<UInt64> {
        let clock = SystemClock()
        let mailbox = Mailbox<Frame>(clock: clock)
        let box = Box(Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: .three))
        let reader = OSThread(name: "bench-hop", role: .worker) {
            while let frame = mailbox.take() { _ = box.value.record(clock.now() &- frame.capturedAt) }
        }
        reader.start()
        var deadline = clock.now() + 10_000_000
        for _ in 0..<frames {
            sleepUntil(deadline)
            mailbox.offer(Frame(streamID: 0, capturedAt: clock.now(), width: 1, height: 1, format: .yuv420p, pixels: pixels))
            deadline += intervalNanos
        }
        sleepUntil(clock.now() + 50_000_000)
        mailbox.close()
        reader.join()
        return box.value
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// ns per `publish` with one subscribed worker that never reads; with `loopRunning`
    /// false the supplier is never started, so nothing contends for the inbox.
    static func publishCost(ops: Int, loopRunning: Bool = true) -> Double {
        let clock = SystemClock()
        let supplier = FrameSupplier(clock: clock)
        _ = try! supplier.subscribe("never-reads")
        if loopRunning { try! supplier.start() }
        let frame = Frame(streamID: 0, capturedAt: 0, width: 1, height: 1, format: .yuv420p, pixels: pixels)
        for _ in 0..<1000 { supplier.publish(frame) }
        let start = clock.now()
        for _ in 0..<ops { supplier.publish(frame) }
        let elapsed = clock.now() - start
        supplier.stop()
        return Double(elapsed) / Double(ops)
    }

    private static func sleepUntil(_ deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }

    /// A worker that holds no thread: called with each frame by the offer that brings it,
    /// it records the hand-off and listens again (``FrameReader/takeOrListen(_:)``).
    final class Listener: @unchecked Sendable {
        let reader: FrameReader
        let box: Box
        let clock: SystemClock
        let closed = DispatchSemaphore(value: 0)
        private var call: (@Sendable (Frame?) -> Void)!

        init(reader: FrameReader, box: Box, clock: SystemClock) {
            self.reader = reader
            self.box = box
            self.clock = clock
            call = { [unowned self] frame in
                guard let frame else {
                    self.closed.signal()
                    return
                }
                self.record(frame)
                self.listen()
            }
        }

        func listen() {
            while true {
                switch reader.takeOrListen(call) {
                case .item(let frame): record(frame)
                case .closed:
                    closed.signal()
                    return
                case .empty: return
                }
            }
        }

        private func record(_ frame: Frame) { _ = box.value.record(clock.now() &- frame.capturedAt) }
    }

    /// A histogram owned by one worker thread and read after it is joined.
    final class Box: @unchecked Sendable {
        var value: Histogram<UInt64>
        init(_ value: Histogram<UInt64>) { self.value = value }
    }
}

extension MailboxBenchmark.Result {
    public func text() -> String {
        var lines = ["mailbox hand-off: \(configuration.frames) frames, \(Double(configuration.intervalNanos) / 1e6) ms apart, stamped at publish → worker read returns",
                     "workers  samples  p50 µs  p99 µs  max µs  inboxDrops  slotDrops  balanced"]
        for row in handoff {
            lines.append(String(format: "%7d  %7llu  %6.1f  %6.1f  %6.1f  %10llu  %9llu  %@", row.workers, row.samples,
                                row.p50Micros, row.p99Micros, row.maxMicros, row.inboxDrops, row.slotDrops, row.balanced ? "yes" : "NO"))
        }
        lines.append("workers that only sleep (no thread; the hand-off ends when the offer calls the worker):")
        for row in sleepingHandoff {
            lines.append(String(format: "%7d  %7llu  %6.1f  %6.1f  %6.1f  %10llu  %9llu  %@", row.workers, row.samples,
                                row.p50Micros, row.p99Micros, row.maxMicros, row.inboxDrops, row.slotDrops, row.balanced ? "yes" : "NO"))
        }
        lines.append(String(format: "publish, 1 worker never reading: %.1f ns/op (median of %d × %d ops; all: %@)",
                            publishMedian, publishNanosPerOp.count, configuration.publishOps,
                            publishNanosPerOp.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
        lines.append(String(format: "floors: one mailbox hop to a blocked thread p50 %.1f µs, p99 %.1f µs; publish with the loop not running %.1f ns/op",
                            floors.oneHopP50Micros, floors.oneHopP99Micros, floors.publishUncontendedNanos))
        return lines.joined(separator: "\n")
    }

    public func markdown() -> String {
        var lines = [
            "| workers | W | samples | p50 µs | p99 µs | max µs | inboxDrops | slot drops | accounting |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for (kind, rows) in [("on threads", handoff), ("only sleeping, no thread", sleepingHandoff)] {
            for row in rows {
                lines.append(String(format: "| %@ | %d | %llu | %.1f | %.1f | %.1f | %llu | %llu | %@ |", kind, row.workers, row.samples,
                                    row.p50Micros, row.p99Micros, row.maxMicros, row.inboxDrops, row.slotDrops, row.balanced ? "balanced" : "UNBALANCED"))
            }
        }
        lines.append("")
        lines.append(String(format: "`publish` with one subscribed worker that never reads: **%.1f ns/op** (median of %d repetitions × %d ops; each: %@).",
                            publishMedian, publishNanosPerOp.count, configuration.publishOps,
                            publishNanosPerOp.map { String(format: "%.1f", $0) }.joined(separator: ", ")))
        lines.append("")
        lines.append(String(format: "Floors on this machine: one Mailbox hop (offer → a blocked reader wakes) p50 **%.1f µs**, p99 %.1f µs — the supplier's hand-off is two such hops (inbox → loop → slot → worker); `publish` into a supplier whose loop is not running (nothing to contend with or wake): **%.1f ns/op**.",
                            floors.oneHopP50Micros, floors.oneHopP99Micros, floors.publishUncontendedNanos))
        lines.append("")
        lines.append("Machine: \(machine.cpuModel), \(machine.logicalCores) logical cores, \(machine.memoryBytes / 1_073_741_824) GiB, \(machine.os), \(machine.kernel), Swift \(machine.swiftVersion), \(machine.buildConfiguration) build.")
        return lines.joined(separator: "\n")
    }
}
