import ScaleBenchCore
import Random

/// A priority queue of timed events for the virtual executor, ordered by (time, sequence
/// number). The sequence number is the order of scheduling, so events due at the same
/// virtual nanosecond come out in the order they were scheduled, and the order of pops
/// never depends on the queue's layout or tuning (determinism: same run, same rows).
///
/// A calendar queue (R. Brown, CACM 1988), specialised to a discrete-event simulation:
/// time only moves forward, so an event is never scheduled before the last one popped.
/// Virtual time is cut into buckets of 2^`shift` ns; the buckets from the one of the last
/// pop on form a ring, and each bucket keeps its events sorted (nearly always none or
/// one, as the width is tuned to the gap between events). Events beyond the ring wait in
/// a heap and move into the ring as it reaches them. Scheduling and popping cost a few
/// loads and stores where a heap of the ~100 pending events of a 32-stream run sifts
/// through its levels with a hard-to-predict branch per child.
///
/// With few events pending (one camera's run holds two or three) a heap is faster than
/// the ring: measured on nursing-home-32 at 2 to 32 streams, the heap is 11 % faster at
/// about 6 pending events, the two are even at 12, the ring 6 % faster at 24 and 14 % at
/// about 100 (Reports/benchmarks.md, "Heap or ring"). The queue starts as a heap and tunes itself to one or the other.
///
/// Not copyable: the queue owns its buffers outright, so no operation checks whether they
/// are shared (a copy-on-write check per schedule and per pop was a tenth of the queue's
/// cost; Reports/benchmarks.md).
///
/// Written by hand: swift-collections is not a dependency of this package.
struct EventQueue<Event: BitwiseCopyable>: ~Copyable {
    /// Time in the high 64 bits, sequence number in the low: one comparison orders by
    /// time, then by scheduling, without branches.
    typealias Key = UInt128

    private var storage: CalendarStorage<Event>
    /// `storage.bucketCount − 1`, kept beside it: read on every schedule and pop.
    private var bucketMask: Int
    /// Nodes ever used (the free list holds those released since).
    private var nodeCount: Int32 = 0
    private var free: Int32 = -1
    private var shift: UInt64 = 20
    /// The bucket of the last pop, as an absolute bucket number (time >> shift): the ring
    /// holds buckets `cursor ..< cursor + bucketCount`.
    private var cursor: UInt64 = 0
    private var ringCount = 0
    /// Where the next pop will take from, once ``nextTime()`` has looked (nil: look again).
    private var found: UInt64?
    /// Events beyond the ring's end; all events while the ring is not in use.
    private var beyond = EventHeap<Event>()
    /// The time of `beyond`'s earliest event (`.max`: none) while the ring is in use, kept
    /// so that each move of the cursor checks for events to bring in with one comparison.
    private var beyondFirst = UInt64.max
    /// Whether the ring is in use (the last tuning found enough events pending).
    private(set) var usesRing = false

    private var scheduled: UInt64 = 0
    private var lastPopped: UInt64 = 0
    /// Pops and time since the last tuning, for the mean gap between events.
    private var popsSinceTuning = 0
    private var tunedAt: UInt64 = 0
    /// The furthest ahead of the current time an event was scheduled since the last tuning.
    private var longestLead: UInt64 = 0
    /// Times the queue was rebuilt for another mode, width or ring size (for tests).
    private(set) var rebuilds = 0
    private static var tuningInterval: Int { 8192 }

    init(reserving capacity: Int = 0) {
        storage = CalendarStorage(nodes: max(capacity, 64), buckets: 64)
        bucketMask = 63
    }

    var isEmpty: Bool { count == 0 }
    var count: Int { ringCount + beyond.count }

    /// Events scheduled so far (pushes), for statistics.
    var scheduledCount: UInt64 { scheduled }

    /// Time of the earliest event, nil when empty.
    mutating func nextTime() -> UInt64? {
        if ringCount == 0 { return beyond.minimum.map(Self.time) }
        let bucket = found ?? firstOccupied()
        found = bucket
        return Self.time(storage.keys[Int(storage.heads[Int(bucket) & bucketMask])])
    }

    /// Schedules `event` at `time`, which must not be before the last event popped.
    mutating func schedule(_ event: Event, at time: UInt64) {
        precondition(time >= lastPopped, "an event scheduled at \(time) ns, before the current virtual time \(lastPopped) ns")
        let key = Key(time) << 64 | Key(scheduled)
        scheduled &+= 1
        longestLead = max(longestLead, time - lastPopped)
        place(key, event)
    }

    /// A sequence number, as ``schedule(_:at:)`` would give the next event, for an event
    /// the caller keeps itself: its key `time << 64 | sequence` orders it among the
    /// queue's events exactly as if it had been scheduled here (see ``pop(beforeKey:)``).
    mutating func reserveSequence() -> UInt64 {
        defer { scheduled &+= 1 }
        return scheduled
    }

    /// Removes and returns the earliest event (ties: the first scheduled).
    mutating func pop() -> (time: UInt64, event: Event)? { pop(beforeKey: .max) }

    /// Removes and returns the earliest event if it is due before `limit`; nil when there
    /// is none.
    mutating func pop(before limit: UInt64) -> (time: UInt64, event: Event)? { pop(beforeKey: Key(limit) << 64) }

    /// Removes and returns the earliest event if its key is below `limit` (the event loop
    /// looks and takes in one call, against an event kept outside with a reserved
    /// sequence number, or a time as `time << 64`); nil when there is none.
    mutating func pop(beforeKey limit: Key) -> (time: UInt64, event: Event)? {
        guard usesRing, ringCount > 0 else { return popOutsideRing(beforeKey: limit) }
        // The ring's first event, looked at and taken in one pass.
        let bucket = found ?? firstOccupied()
        let ring = Int(bucket) & bucketMask
        let node = storage.heads[ring]
        let key = storage.keys[Int(node)]
        guard key < limit else {
            found = bucket
            return nil
        }
        found = nil
        if bucket != cursor {
            cursor = bucket
            moveArrivingEvents()  // into later buckets: this one's head stays
        }
        let event = storage.events[Int(node)]
        unlink(node, ring: ring)
        return popped(Self.time(key), event)
    }

    /// ``pop(beforeKey:)`` from the heap: the ring not in use, or empty.
    private mutating func popOutsideRing(beforeKey limit: Key) -> (time: UInt64, event: Event)? {
        guard let minimum = beyond.minimum, minimum < limit else { return nil }
        guard let (key, event) = takeFirst() else { return nil }
        return popped(Self.time(key), event)
    }

    @inline(__always)
    private mutating func popped(_ time: UInt64, _ event: Event) -> (time: UInt64, event: Event) {
        lastPopped = time
        popsSinceTuning += 1
        if popsSinceTuning == Self.tuningInterval { tune() }
        return (time, event)
    }

    private static func time(_ key: Key) -> UInt64 { UInt64(truncatingIfNeeded: key >> 64) }

    private static func powerOfTwo(atLeast n: Int) -> Int { 1 << (Int.bitWidth - (max(n, 1) - 1).leadingZeroBitCount) }

    // MARK: - The ring

    /// Into the ring if it reaches the event's bucket, else among the waiting events.
    @inline(__always)
    private mutating func place(_ key: Key, _ event: Event) {
        let bucket = Self.time(key) >> shift
        if usesRing, bucket &- cursor < UInt64(storage.bucketCount) {
            insert(key, event, bucket: bucket)
        } else {
            beyond.push(key, event)
            beyondFirst = min(beyondFirst, Self.time(key))
        }
    }

    /// Inserts into the bucket in key order. Keys grow with scheduling, so an event
    /// usually goes last (events at one instant always do); otherwise the bucket's few
    /// events are walked.
    @inline(__always)
    private mutating func insert(_ key: Key, _ event: Event, bucket: UInt64) {
        let node: Int32
        if free >= 0 {
            node = free
            free = storage.next[Int(node)]
        } else {
            if Int(nodeCount) == storage.nodeCapacity { storage = storage.copy(nodes: Int(nodeCount), growingTo: 2 * Int(nodeCount)) }
            node = nodeCount
            nodeCount += 1
        }
        let keys = storage.keys, next = storage.next, heads = storage.heads, tails = storage.tails
        keys[Int(node)] = key
        storage.events[Int(node)] = event
        next[Int(node)] = -1
        let ring = Int(bucket) & bucketMask
        let tail = tails[ring]
        if tail < 0 {
            heads[ring] = node
            tails[ring] = node
            storage.occupied[ring >> 6] |= 1 << UInt64(ring & 63)
        } else if keys[Int(tail)] < key {
            next[Int(tail)] = node
            tails[ring] = node
        } else if key < keys[Int(heads[ring])] {
            next[Int(node)] = heads[ring]
            heads[ring] = node
        } else {
            var previous = heads[ring]
            while keys[Int(next[Int(previous)])] < key { previous = next[Int(previous)] }
            next[Int(node)] = next[Int(previous)]
            next[Int(previous)] = node
        }
        ringCount += 1
        if let bucketFound = found, bucket < bucketFound { found = bucket }
    }

    /// Removes the earliest event, moving the cursor to its bucket.
    @inline(__always)
    private mutating func takeFirst() -> (Key, Event)? {
        if ringCount == 0 {
            guard usesRing else { return beyond.pop() }
            guard beyondFirst != .max else { return nil }
            cursor = beyondFirst >> shift
            moveArrivingEvents()
            found = cursor
        }
        let bucket = found ?? firstOccupied()
        found = nil
        if bucket != cursor {
            cursor = bucket
            moveArrivingEvents()
        }
        let ring = Int(bucket) & bucketMask
        let node = storage.heads[ring]
        let first = (storage.keys[Int(node)], storage.events[Int(node)])
        unlink(node, ring: ring)
        return first
    }

    /// Removes `node`, the head of ring bucket `ring`, and frees it.
    @inline(__always)
    private mutating func unlink(_ node: Int32, ring: Int) {
        let following = storage.next[Int(node)]
        storage.heads[ring] = following
        if following < 0 {
            storage.tails[ring] = -1
            storage.occupied[ring >> 6] &= ~(1 << UInt64(ring & 63))
        }
        storage.next[Int(node)] = free
        free = node
        ringCount -= 1
    }

    /// The absolute number of the first non-empty bucket from the cursor on (the ring is
    /// not empty): a scan of the occupancy bits, a word at a time.
    @inline(__always)
    private func firstOccupied() -> UInt64 {
        let occupied = storage.occupied
        let start = Int(cursor) & bucketMask
        let lastWord = (storage.bucketCount >> 6) - 1  // a power of two less one
        var word = start >> 6
        var bits = occupied[word] & (~0 << UInt64(start & 63))
        // Round the ring; back at the start word, its bits from the start on are known clear,
        // so the whole word gives the ring's last buckets.
        while bits == 0 {
            word = (word + 1) & lastWord
            bits = occupied[word]
        }
        let ring = word << 6 | bits.trailingZeroBitCount
        return cursor + UInt64((ring - start) & bucketMask)
    }

    /// Moves the waiting events the ring now reaches into it, so that the ring's events
    /// always precede the waiting ones.
    @inline(__always)
    private mutating func moveArrivingEvents() {
        guard beyondFirst >> shift < cursor + UInt64(storage.bucketCount) else { return }
        moveArrivingEventsFromBeyond()
    }

    private mutating func moveArrivingEventsFromBeyond() {
        let end = cursor + UInt64(storage.bucketCount)
        while beyondFirst >> shift < end {
            let (key, event) = popBeyond()!
            insert(key, event, bucket: Self.time(key) >> shift)
        }
    }

    /// The earliest of the waiting events, `beyondFirst` kept.
    private mutating func popBeyond() -> (UInt128, Event)? {
        let first = beyond.pop()
        beyondFirst = beyond.minimum.map(Self.time) ?? .max
        return first
    }

    // MARK: - Tuning

    /// Every few thousand pops: the ring from 16 events pending on (a heap below 8), with
    /// buckets about as wide as the mean gap between pops, so that a bucket holds about
    /// one event, and enough of them to reach as far ahead as events were scheduled (at
    /// most 16 per pending event: a fault scheduled an hour ahead waits in the heap).
    /// Rebuilt only when the mode changes, the width is off by more than a factor of two
    /// or the ring is too short or over four times too long: a steady run rebuilds once
    /// or twice.
    private mutating func tune() {
        let gap = (lastPopped - tunedAt) / UInt64(popsSinceTuning)
        popsSinceTuning = 0
        tunedAt = lastPopped
        let lead = longestLead
        longestLead = 0
        let ring = usesRing ? count >= 8 : count >= 16
        let width = UInt64(63 - max(gap, 1).leadingZeroBitCount)  // log2, rounded down
        // Enough buckets for the longest lead, within 16 per pending event and 2^16.
        let buckets = max(64, min(1 << 16, Self.powerOfTwo(atLeast: 16 * count), Self.powerOfTwo(atLeast: Int(min(lead >> width, 1 << 20)) + 1)))
        let widthIsOff = width > shift + 1 || width + 1 < shift
        let ringIsOff = buckets > storage.bucketCount || 4 * buckets < storage.bucketCount
        guard ring != usesRing || (ring && (widthIsOff || ringIsOff)) else { return }
        rebuilds += 1
        var pending: [(Key, Event)] = []
        pending.reserveCapacity(count)
        while let first = takeFirst() { pending.append(first) }  // in order: each goes last in its bucket
        usesRing = ring
        shift = width
        beyondFirst = .max
        storage = CalendarStorage(nodes: storage.nodeCapacity, buckets: ring ? buckets : 64)
        bucketMask = storage.bucketCount - 1
        nodeCount = 0
        free = -1
        cursor = lastPopped >> shift
        found = nil
        for (key, event) in pending { place(key, event) }
    }
}

/// The calendar queue's buffers, raw memory in one object that its queue alone holds:
/// through arrays, every store paid a uniqueness and a bounds check, as much as the
/// queue's own work.
private final class CalendarStorage<Event: BitwiseCopyable> {
    /// The nodes: key, event and the next node in the bucket (or the free list; −1: none).
    let keys: UnsafeMutablePointer<UInt128>
    let events: UnsafeMutablePointer<Event>
    let next: UnsafeMutablePointer<Int32>
    let nodeCapacity: Int
    /// Per bucket: first and last node (−1: empty), and a bit per non-empty bucket.
    let heads: UnsafeMutablePointer<Int32>
    let tails: UnsafeMutablePointer<Int32>
    let occupied: UnsafeMutablePointer<UInt64>
    /// A power of two, at least 64.
    let bucketCount: Int

    init(nodes: Int, buckets: Int) {
        precondition(buckets >= 64 && buckets & (buckets - 1) == 0)
        nodeCapacity = nodes
        keys = .allocate(capacity: nodes)
        events = .allocate(capacity: nodes)
        next = .allocate(capacity: nodes)
        bucketCount = buckets
        heads = .allocate(capacity: buckets)
        heads.initialize(repeating: -1, count: buckets)
        tails = .allocate(capacity: buckets)
        tails.initialize(repeating: -1, count: buckets)
        occupied = .allocate(capacity: buckets / 64)
        occupied.initialize(repeating: 0, count: buckets / 64)
    }

    /// A copy of the first `count` nodes and all buckets, with room for `capacity` nodes.
    func copy(nodes count: Int, growingTo capacity: Int) -> CalendarStorage {
        let copy = CalendarStorage(nodes: capacity, buckets: bucketCount)
        copy.keys.update(from: keys, count: count)
        copy.events.update(from: events, count: count)
        copy.next.update(from: next, count: count)
        copy.heads.update(from: heads, count: bucketCount)
        copy.tails.update(from: tails, count: bucketCount)
        copy.occupied.update(from: occupied, count: bucketCount / 64)
        return copy
    }

    deinit {
        for buffer in [UnsafeMutableRawPointer(keys), UnsafeMutableRawPointer(events), UnsafeMutableRawPointer(next),
                       UnsafeMutableRawPointer(heads), UnsafeMutableRawPointer(tails), UnsafeMutableRawPointer(occupied)] {
            buffer.deallocate()
        }
    }
}
