/// One synthetic camera on its own thread: waits for each arrival on the monotonic
/// clock, renders the frame into a pooled buffer and publishes it to its supplier.
///
/// Rate control follows the original: it only drops, never duplicates or bursts. When
/// the thread wakes so late that the following arrival is already due, the late arrival
/// is skipped and counted as a capture drop.
final class CaptureRunner: @unchecked Sendable {
    let streamID: Int
    let counters = CaptureCounters()
    private let scenario: RunScenario
    private let supplier: FrameSupplier
    private let stop: StopSignal
    private let runStart: UInt64
    private let phase: UInt64
    private let clock = SystemClock()
    private(set) var thread: OSThread!
    /// Bytes held by the capture's buffer pool, read after the thread ended.
    private(set) var poolBytes = 0

    init(streamID: Int, scenario: RunScenario, supplier: FrameSupplier, stop: StopSignal, runStart: UInt64) {
        self.streamID = streamID
        self.scenario = scenario
        self.supplier = supplier
        self.stop = stop
        self.runStart = runStart
        phase = ArrivalSchedule.phase(stream: streamID, of: scenario.streams, policy: scenario.phase,
                                      fps: scenario.fps, seed: scenario.seed)
        thread = OSThread(name: "capture-\(streamID)", role: .capture) { [unowned self] in self.run() }
    }

    private func run() {
        var schedule = ArrivalSchedule(fps: scenario.fps, process: scenario.arrival, phaseNanos: phase,
                                       seed: SeedSequence.derive(scenario.seed, 0xCA97, UInt64(streamID)))
        var pattern = SyntheticPattern(resolution: scenario.resolution, format: scenario.pixelFormat, streamID: streamID)
        var due = schedule.next()
        while stop.sleep(until: runStart &+ due) {
            counters.due.add(1, ordering: .relaxed)
            var next = schedule.next()
            let now = clock.now()
            while runStart &+ next <= now {
                counters.due.add(1, ordering: .relaxed)
                counters.drops.add(1, ordering: .relaxed)
                due = next
                next = schedule.next()
            }
            // Only the latest due arrival is produced; an earlier overdue one was dropped above.
            let frame = pattern.render(timeNanos: due, capturedAt: clock.now())
            supplier.publish(frame)
            counters.published.add(1, ordering: .relaxed)
            let lateness = frame.capturedAt &- (runStart &+ due)
            counters.latenessSumNanos.add(lateness, ordering: .relaxed)
            if lateness > counters.latenessMaxNanos.load(ordering: .relaxed) {
                counters.latenessMaxNanos.store(lateness, ordering: .relaxed)
            }
            due = next
        }
        poolBytes = pattern.bufferBytes
    }
}
