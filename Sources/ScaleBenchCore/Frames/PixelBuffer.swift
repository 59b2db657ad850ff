#if canImport(Glibc)
import Glibc
#endif
import Random

/// The pixels of one frame: allocated once, reused through a ``BufferRing``, and shared
/// by reference with every worker that receives the frame (never copied).
///
/// Immutable by contract once published: only the producer that acquired it from its
/// ring writes into it, and only while no frame refers to it. Its ``layout`` says where
/// each plane and row lies; nothing may assume tightly packed rows.
///
/// With `SCALEBENCH_GUARD_PIXELS=1` in the environment every buffer ends at an
/// inaccessible page, so any write or read past `layout.byteCount` — by the workbench or
/// by a C library converting into it — stops the process at once instead of corrupting
/// the heap (the video fuzz tests run so).
public final class PixelBuffer: @unchecked Sendable {
    public let layout: PixelLayout
    private let storage: UnsafeMutableRawPointer
    /// The mapping that holds a guarded buffer and its guard page; nil for a heap buffer.
    private let mapping: (base: UnsafeMutableRawPointer, length: Int)?

    public init(layout: PixelLayout) {
        self.layout = layout
        let count = max(layout.byteCount, 1)
        if Self.guarded, let mapped = Self.mapGuarded(byteCount: count) {
            mapping = mapped
            storage = mapped.base + (mapped.length - Self.pageSize - Self.roundUp(count, to: PixelLayout.alignment))
        } else {
            mapping = nil
            storage = .allocate(byteCount: count, alignment: PixelLayout.alignment)
        }
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }

    deinit {
        if let mapping { munmap(mapping.base, mapping.length) } else { storage.deallocate() }
    }

    public var byteCount: Int { layout.byteCount }

    /// Read-only view of the whole buffer (planes, row padding and tail padding), for workers.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: layout.byteCount) }

    /// Writable view, for the producer that owns the buffer before it is published.
    package var mutableBytes: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: storage, count: layout.byteCount) }

    /// The pixels of every plane packed row after row, without padding (for comparing
    /// with other tools' raw output and for encoders that want packed input).
    public func packedBytes() -> [UInt8] {
        var packed: [UInt8] = []
        packed.reserveCapacity(layout.pixelBytes)
        let all = bytes
        for (index, plane) in layout.planes.enumerated() {
            for row in 0..<plane.rows {
                let start = layout.offset(plane: index, row: row)
                packed.append(contentsOf: all[start..<(start + plane.rowBytes)])
            }
        }
        return packed
    }

    // MARK: - Guard pages

    static let guarded: Bool = getenv("SCALEBENCH_GUARD_PIXELS").map { String(cString: $0) == "1" } ?? false
    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    private static func roundUp(_ value: Int, to unit: Int) -> Int { (value + unit - 1) / unit * unit }

    /// Maps the buffer's pages plus one inaccessible page after them.
    private static func mapGuarded(byteCount: Int) -> (base: UnsafeMutableRawPointer, length: Int)? {
        let length = roundUp(roundUp(byteCount, to: PixelLayout.alignment), to: pageSize) + pageSize
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              base != MAP_FAILED else { return nil }
        guard mprotect(base + (length - pageSize), pageSize, PROT_NONE) == 0 else {
            munmap(base, length)
            return nil
        }
        return (base, length)
    }
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

    public let layout: PixelLayout
    private var entries: [Entry] = []
    private var next = 0
    private let makeExtra: () -> Extra
    public private(set) var grown = 0

    /// `initialCount` 0 allocates on first use. A producer is a value that its creator may
    /// keep a copy of (the executor keeps the producers it hands to the captures): buffers
    /// allocated here are referenced by both copies' arrays and never again unique, so
    /// they stay allocated and unused while the capture's copy grows around them.
    public init(layout: PixelLayout, initialCount: Int = 4, makeExtra: @escaping () -> Extra) {
        self.layout = layout
        self.makeExtra = makeExtra
        entries.reserveCapacity(max(initialCount, 2) * 2)
        for _ in 0..<max(initialCount, 0) {
            entries.append(Entry(buffer: PixelBuffer(layout: layout), extra: makeExtra()))
        }
    }

    public var count: Int { entries.count }
    /// Bytes the ring's buffers occupy.
    public var bytes: Int { entries.count * layout.byteCount }

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
        entries.append(Entry(buffer: PixelBuffer(layout: layout), extra: makeExtra()))
        next = 0
        return entries.count - 1
    }

    public subscript(index: Int) -> Entry {
        get { entries[index] }
        _modify { yield &entries[index] }
    }
}
