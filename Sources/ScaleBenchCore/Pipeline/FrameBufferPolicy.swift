import Foundation
import Random

/// How a shared worker picks the next stream to serve among those with a frame waiting.
public enum SchedulingPolicy: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The frame that arrived first (across streams) is served first.
    case fifo
    /// Streams take turns: after serving stream i, the next waiting stream after i.
    case roundRobin
    /// The waiting stream served longest ago (never served first) is served first.
    case leastRecentlyServed
    /// Streams are served in proportion to their weights (smooth weighted round-robin:
    /// every pick adds each waiting stream's weight to its credit, serves the largest
    /// credit, and charges it the sum of the waiting weights). Streams not listed weigh 1.
    case priority(weights: [Int: Double])

    public static let grammar = "fifo, round-robin, least-recently-served or priority(STREAM=WEIGHT,…) (unlisted streams weigh 1)"

    /// Parses `fifo`, `round-robin`, `priority(0=3,2=0.5)`.
    public static func parse(_ text: String) throws(ParseError) -> SchedulingPolicy {
        let lowered = text.lowercased().trimmingCharacters(in: " ")
        switch lowered {
        case "fifo": return .fifo
        case "round-robin", "rr": return .roundRobin
        case "least-recently-served", "lrs": return .leastRecentlyServed
        default:
            guard lowered.hasPrefix("priority("), lowered.hasSuffix(")") else {
                throw ParseError("'\(text)' is not a scheduling policy; expected \(grammar)")
            }
            var weights: [Int: Double] = [:]
            for pair in lowered.dropFirst(9).dropLast().split(separator: ",") {
                let parts = pair.split(separator: "=")
                guard parts.count == 2, let stream = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                      let weight = Double(parts[1].trimmingCharacters(in: .whitespaces)), stream >= 0, weight >= 0, weight.isFinite else {
                    throw ParseError("'\(pair)' in '\(text)' is not STREAM=WEIGHT with a stream ≥ 0 and a weight ≥ 0")
                }
                weights[stream] = weight
            }
            return .priority(weights: weights)
        }
    }

    public var description: String {
        switch self {
        case .fifo: return "fifo"
        case .roundRobin: return "round-robin"
        case .leastRecentlyServed: return "least-recently-served"
        case .priority(let weights):
            return "priority(" + weights.keys.sorted().map { "\($0)=\(format3(weights[$0]!))" }.joined(separator: ",") + ")"
        }
    }
}

/// The decision logic of a frame-buffer that multiplexes N streams onto one shared worker
/// (option C's FrameBuffer, and option B's per-stream inbox): one single-frame slot per
/// stream with its own full-slot policy, and a scheduling policy across streams. A pure
/// value, with no clock, lock or thread (DESIGN principle 2): a realtime component wraps
/// it in a mutex and condition variable, a simulator drives it in virtual time.
///
/// - Complexity: `offer` is O(1); `next` is O(streams).
public struct FrameBufferPolicy<Item: StreamItem>: Sendable {
    public let slotPolicy: SlotPolicy
    public let scheduling: SchedulingPolicy
    public private(set) var slots: [LatestFrameSlot<Item>]
    /// Arrival ticket of the frame waiting in each slot, kept for FIFO alone (the other
    /// policies never read it: one array write less per frame).
    private var tickets: [UInt64]
    private let ordersByArrival: Bool
    private var nextTicket: UInt64 = 0
    private var lastServed = -1
    /// Pick number at which each stream was last served (0: never).
    private var servedAt: [UInt64]
    private var picks: UInt64 = 0
    private var credit: [Double]
    private let weights: [Double]
    /// Frames served per stream.
    public private(set) var served: [UInt64]
    /// Slots with a frame waiting, so that an empty buffer answers without a scan.
    private var waitingCount = 0

    public init(streams: Int, slotPolicy: SlotPolicy, scheduling: SchedulingPolicy) {
        precondition(streams >= 1, "a frame-buffer needs at least one stream")
        self.slotPolicy = slotPolicy
        self.scheduling = scheduling
        slots = Array(repeating: LatestFrameSlot(policy: slotPolicy), count: streams)
        tickets = Array(repeating: 0, count: streams)
        if case .fifo = scheduling { ordersByArrival = true } else { ordersByArrival = false }
        credit = Array(repeating: 0, count: streams)
        served = Array(repeating: 0, count: streams)
        servedAt = Array(repeating: 0, count: streams)
        if case .priority(let given) = scheduling {
            weights = (0..<streams).map { max(given[$0] ?? 1, 0) }
        } else {
            weights = Array(repeating: 1, count: streams)
        }
    }

    public var streamCount: Int { slots.count }

    /// A frame of `stream` arrives.
    @discardableResult
    public mutating func offer(_ item: Item, stream: Int) -> LatestFrameSlot<Item>.OfferOutcome {
        let outcome = slots[stream].offer(item)
        if outcome == .stored { waitingCount += 1 }
        // A stored or overwriting frame is the slot's newest arrival; a rejected one
        // (drop-new) leaves the waiting frame's ticket as it was.
        if ordersByArrival && (outcome == .stored || outcome == .droppedWaiting) {
            tickets[stream] = nextTicket
            nextTicket += 1
        }
        return outcome
    }

    /// The next frame the shared worker should serve, and its stream; nil when no stream
    /// has a frame waiting. Scans the slots without allocating: it runs for every frame
    /// of option B's per-stream inbox, in real time and in simulation.
    public mutating func next() -> (stream: Int, item: Item)? {
        guard let chosen = choose() else { return nil }
        guard case .item(let item) = slots[chosen].take() else { return nil }
        waitingCount -= 1
        lastServed = chosen
        served[chosen] += 1
        picks += 1
        servedAt[chosen] = picks
        return (chosen, item)
    }

    /// The stream the scheduling policy picks among those with a frame waiting (ties: the
    /// lowest stream), nil when none is waiting.
    private mutating func choose() -> Int? {
        guard waitingCount > 0 else { return nil }
        var chosen: Int?
        switch scheduling {
        case .fifo:
            for stream in slots.indices where slots[stream].isOccupied && (chosen == nil || tickets[stream] < tickets[chosen!]) {
                chosen = stream
            }
        case .roundRobin:
            // The first waiting stream after the last one served, else the first waiting.
            for stream in slots.indices where slots[stream].isOccupied {
                if stream > lastServed { return stream }
                if chosen == nil { chosen = stream }
            }
        case .leastRecentlyServed:
            for stream in slots.indices where slots[stream].isOccupied && (chosen == nil || servedAt[stream] < servedAt[chosen!]) {
                chosen = stream
            }
        case .priority:
            var total = 0.0
            for stream in slots.indices where slots[stream].isOccupied {
                total += weights[stream]
                credit[stream] += weights[stream]
                if chosen == nil || credit[stream] > credit[chosen!] { chosen = stream }
            }
            if let chosen { credit[chosen] -= total }
        }
        return chosen
    }

    /// Closes one stream's slot: a waiting frame is discarded, later offers ignored.
    @discardableResult
    public mutating func close(stream: Int) -> Item? {
        let discarded = slots[stream].close()
        if discarded != nil { waitingCount -= 1 }
        return discarded
    }

    /// Frames waiting, over all slots.
    public var waiting: Int { waitingCount }

    /// Every stream's slot is closed (and so empty).
    public var isClosed: Bool { slots.allSatisfy(\.isClosed) }

    /// Total drops over all streams' slots.
    public var drops: UInt64 { slots.reduce(0) { $0 + $1.totalDrops } }
}

/// Fairness of a shared resource over streams.
public enum Fairness {
    /// Jain's index of the per-stream served rates: (Σx)² / (n·Σx²); 1 is perfectly fair,
    /// 1/n means one stream gets everything. 1 for an empty or all-zero input.
    public static func jain(_ rates: [Double]) -> Double {
        let sum = rates.reduce(0, +), squares = rates.reduce(0) { $0 + $1 * $1 }
        guard !rates.isEmpty, squares > 0 else { return 1 }
        return sum * sum / (Double(rates.count) * squares)
    }
}
