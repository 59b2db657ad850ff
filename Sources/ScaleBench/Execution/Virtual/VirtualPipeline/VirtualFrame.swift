/// A frame as the virtual executor moves it through the pure slot policies: only what
/// the telemetry needs. No pixels: simulated workers never look at them, and a few words
/// per frame keep the event loop fast.
struct VirtualFrame: Sendable {
    var stream: Int
    /// Assigned by the pipeline's supplier at distribution, from 1 (as the real one).
    var seq: UInt64 = 0
    /// Virtual ns of the arrival: capture has no overhead in virtual time.
    var capturedAt: UInt64
    /// Virtual ns of distribution: equal to `capturedAt` (the supplier is instantaneous),
    /// kept so the hand-off figure is computed exactly as in real time.
    var distributedAt: UInt64 = 0
}

/// A slot's counters at a window boundary (what the realtime executor reads from a
/// ``MailboxSnapshot``), for the window's delivered / drops figures.
struct SlotCounters {
    var offered: UInt64 = 0
    var totalDrops: UInt64 = 0
    var crossStreamDrops: UInt64 = 0

    init() {}

    init<Item>(_ slot: LatestFrameSlot<Item>, crossStreamDrops: UInt64) {
        offered = slot.offered
        totalDrops = slot.totalDrops
        self.crossStreamDrops = crossStreamDrops
    }
}

/// A slot's end-of-run figures for an accounting line.
struct SlotBalance {
    var offered: UInt64
    var taken: UInt64
    var totalDrops: UInt64
    var inFlightAtStop: UInt64
    var ignoredWhileClosed: UInt64

    init<Item>(_ slot: LatestFrameSlot<Item>) {
        offered = slot.offered
        taken = slot.taken
        totalDrops = slot.totalDrops
        inFlightAtStop = slot.discardedAtClose + (slot.isOccupied ? 1 : 0)
        ignoredWhileClosed = slot.ignoredWhileClosed
    }
}
