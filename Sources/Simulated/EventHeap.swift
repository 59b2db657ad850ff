import ScaleBenchCore
import Random

/// A 4-ary min-heap of events keyed by (time << 64 | sequence): the ``EventQueue`` while
/// few events are pending, and its events beyond the calendar's ring otherwise.
///
/// A 4-ary heap has half the levels of a binary one, and a node's four children share
/// two cache lines. The sifts work on the buffer directly: through the array, every step
/// paid a uniqueness check and bounds checks, a measured share of each event.
struct EventHeap<Event> {
    private struct Entry {
        let key: UInt128
        let event: Event
    }

    private var heap: [Entry] = []
    /// The root was popped and not yet refilled. Most handlers schedule an event right
    /// after their own was popped; that event then takes the root's place with one sift
    /// down, instead of the last entry sifting down and the new one sifting up. Keys are
    /// distinct, so the order of pops does not depend on the layout.
    private var rootIsFree = false

    var count: Int { heap.count - (rootIsFree ? 1 : 0) }

    /// The smallest key, nil when empty.
    var minimum: UInt128? {
        @inline(__always) mutating get {
            settleRoot()
            return heap.first?.key
        }
    }

    @inline(__always)
    mutating func push(_ key: UInt128, _ event: Event) {
        let entry = Entry(key: key, event: event)
        if rootIsFree {
            rootIsFree = false
            heap[0] = entry
            siftDown(0)
        } else {
            heap.append(entry)
            siftUp(heap.count - 1)
        }
    }

    /// Removes and returns the entry with the smallest key.
    @inline(__always)
    mutating func pop() -> (key: UInt128, event: Event)? {
        settleRoot()
        guard let first = heap.first else { return nil }
        rootIsFree = true
        return (first.key, first.event)
    }

    /// Fills a popped root with the last entry, as a plain pop would have.
    @inline(__always)
    private mutating func settleRoot() {
        guard rootIsFree else { return }
        rootIsFree = false
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
    }

    private mutating func siftUp(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            var child = start
            let entry = heap[child]
            while child > 0 {
                let parent = (child - 1) / 4
                guard entry.key < heap[parent].key else { break }
                heap[child] = heap[parent]
                child = parent
            }
            heap[child] = entry
        }
    }

    private mutating func siftDown(_ start: Int) {
        heap.withUnsafeMutableBufferPointer { heap in
            var parent = start
            let entry = heap[parent]
            let count = heap.count
            while true {
                let first = 4 * parent + 1
                guard first < count else { break }
                var smallest = first
                for child in first + 1..<min(first + 4, count) where heap[child].key < heap[smallest].key { smallest = child }
                guard heap[smallest].key < entry.key else { break }
                heap[parent] = heap[smallest]
                parent = smallest
            }
            heap[parent] = entry
        }
    }
}
