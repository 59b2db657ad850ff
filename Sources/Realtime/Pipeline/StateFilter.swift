import RuntimeSupport
import ScaleBenchCore

/// A worker kind's way in when a load profile names the kinds each state runs (the
/// original starts its VLM only in an alert): offers a frame on to `sink` only when the
/// kind serves its stream's state at arrival, and counts the others per stream. The
/// supplier delivers into it like any slot; what it keeps back never reaches the slot, so
/// it is neither delivered nor dropped there.
final class StateFilter: FrameSink, @unchecked Sendable {
    let sink: any FrameSink
    private let kind: Int
    private let kinds: Int
    private let states: Int
    /// ``RunInstances/servedStates``.
    private let served: [Bool]
    private let lock = ConditionLock()
    private var kept: [Int: UInt64] = [:]

    init(sink: any FrameSink, kind: Int, instances: RunInstances) {
        self.sink = sink
        self.kind = kind
        kinds = instances.kinds.count
        states = instances.loadStates
        served = instances.servedStates
    }

    @discardableResult
    func offer(_ frame: Frame) -> Bool {
        guard served.isEmpty || served[(frame.streamID * states + Int(frame.loadState)) * kinds + kind] else {
            lock.withLock { kept[frame.streamID, default: 0] += 1 }
            return false
        }
        return sink.offer(frame)
    }

    func close() { sink.close() }
    func snapshot() -> MailboxSnapshot { sink.snapshot() }

    /// Frames of `stream` kept back so far.
    func keptBack(stream: Int) -> UInt64 { lock.withLock { kept[stream] ?? 0 } }
}
