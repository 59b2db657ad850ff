/// The pixels of one frame: allocated once, reused through a ``BufferRing``, and shared
/// by reference with every worker that receives the frame (never copied).
///
/// Immutable by contract once published: only the producer that acquired it from its
/// ring writes into it, and only while no frame refers to it.
public final class PixelBuffer: @unchecked Sendable {
    public let byteCount: Int
    private let storage: UnsafeMutableRawPointer

    public init(byteCount: Int) {
        self.byteCount = byteCount
        storage = .allocate(byteCount: max(byteCount, 1), alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { storage.deallocate() }

    /// Read-only view of the pixels, for workers.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: byteCount) }

    /// Writable view, for the producer that owns the buffer before it is published.
    var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: storage, count: byteCount) }
}

/// A pool of pixel buffers owned by one producer thread.
///
/// A buffer is reusable when the ring holds the only reference to it, i.e. no frame
/// still in a mailbox or in a worker's hands points at it. The check is conservative
/// under concurrency: another thread can only drop references, never add one to a
/// buffer it cannot reach, so "unique" can never be wrongly reported.
/// When every buffer is in use the ring grows; `grown` says how often that happened.
///
/// - Complexity: `acquire()` is O(buffers in the ring), which stays small (≈ frames in flight).
public struct BufferRing<Extra> {
    public struct Entry {
        public var buffer: PixelBuffer
        /// Producer-specific state of what was last written into the buffer.
        public var extra: Extra
    }

    public let byteCount: Int
    private var entries: [Entry] = []
    private var next = 0
    private let makeExtra: () -> Extra
    public private(set) var grown = 0

    public init(byteCount: Int, initialCount: Int = 4, makeExtra: @escaping () -> Extra) {
        self.byteCount = byteCount
        self.makeExtra = makeExtra
        entries.reserveCapacity(max(initialCount, 1) * 2)
        for _ in 0..<max(initialCount, 1) {
            entries.append(Entry(buffer: PixelBuffer(byteCount: byteCount), extra: makeExtra()))
        }
    }

    public var count: Int { entries.count }

    /// Index of a buffer nobody else references, growing the ring if needed.
    public mutating func acquire() -> Int {
        for offset in 0..<entries.count {
            let index = (next + offset) % entries.count
            if isKnownUniquelyReferenced(&entries[index].buffer) {
                next = (index + 1) % entries.count
                return index
            }
        }
        grown += 1
        entries.append(Entry(buffer: PixelBuffer(byteCount: byteCount), extra: makeExtra()))
        next = 0
        return entries.count - 1
    }

    public subscript(index: Int) -> Entry {
        get { entries[index] }
        _modify { yield &entries[index] }
    }
}
