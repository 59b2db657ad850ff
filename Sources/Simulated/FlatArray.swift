/// A fixed number of elements in one buffer that this object owns and frees: the event
/// loop's per-stream and per-worker state. An element is reached through an addressor on
/// the buffer, so reading or mutating it in place costs an address computation — no
/// bounds check in release builds (debug builds assert), no uniqueness check and no copy
/// on write, where an array element paid both on every access, several times per event.
///
/// A reference: a copy of the owner shares the elements. The virtual run that holds these
/// runs once and is never copied while it runs (``VirtualRun``).
final class FlatArray<Element> {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ elements: [Element]) {
        count = elements.count
        base = .allocate(capacity: max(count, 1))
        for index in 0..<count { (base + index).initialize(to: elements[index]) }
    }

    convenience init(repeating element: Element, count: Int) {
        self.init(Array(repeating: element, count: count))
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    subscript(index: Int) -> Element {
        @inline(__always) unsafeAddress {
            assert(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
            return UnsafePointer(base + index)
        }
        @inline(__always) unsafeMutableAddress {
            assert(index >= 0 && index < count, "index \(index) out of 0..<\(count)")
            return base + index
        }
    }

    var indices: Range<Int> { 0..<count }

    /// The elements as an array (for results, outside the event loop).
    var elements: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func map<T>(_ transform: (Element) throws -> T) rethrows -> [T] {
        try UnsafeBufferPointer(start: base, count: count).map(transform)
    }
}
