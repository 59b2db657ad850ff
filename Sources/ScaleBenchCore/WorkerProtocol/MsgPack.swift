/// The subset of MsgPack (https://github.com/msgpack/msgpack/blob/master/spec.md) that the
/// original's worker protocol uses: nil, bool, integers, floats, str, bin, arrays and maps.
///
/// Decoding reads bytes written by a child process the workbench does not trust: every
/// length is checked against what is left, nesting is bounded, and anything else (ext
/// types, the reserved 0xc1, a truncated value, trailing bytes) is a ``MsgPackError``,
/// never a crash.
public enum MsgPack: Sendable, Equatable {
    case `nil`
    case bool(Bool)
    case int(Int64)
    /// Integers above Int64.max (uint 64).
    case uint(UInt64)
    case double(Double)
    case string(String)
    case binary([UInt8])
    case array([MsgPack])
    /// Keys in the order written (a protocol map is small; order keeps encoding stable).
    case map([(MsgPack, MsgPack)])

    public static func == (lhs: MsgPack, rhs: MsgPack) -> Bool {
        switch (lhs, rhs) {
        case (.nil, .nil): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a == b
        case (.binary(let a), .binary(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value under a string key of a map (nil: not a map, or no such key).
    public subscript(key: String) -> MsgPack? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { if case .string(key) = $0.0 { return true } else { return false } }?.1
    }

    /// A number as a Double (ints and floats alike), nil otherwise.
    public var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .uint(let v): return Double(v)
        case .double(let v): return v
        default: return nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .int(let v): return v
        case .uint(let v): return v <= UInt64(Int64.max) ? Int64(v) : nil
        case .double(let v): return v.rounded() == v && abs(v) < 9e18 ? Int64(v) : nil
        default: return nil
        }
    }

    public var text: String? { if case .string(let s) = self { return s } else { return nil } }
    public var elements: [MsgPack]? { if case .array(let a) = self { return a } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
}

/// Why bytes are not one MsgPack value.
public struct MsgPackError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

// MARK: - Encoding

extension MsgPack {
    /// The value's bytes, in the smallest form of each type (as msgpack-python writes them).
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    public func encode(into out: inout [UInt8]) {
        switch self {
        case .nil: out.append(0xc0)
        case .bool(let b): out.append(b ? 0xc3 : 0xc2)
        case .int(let v):
            if v >= 0 { Self.encodeUnsigned(UInt64(v), into: &out) } else { Self.encodeNegative(v, into: &out) }
        case .uint(let v): Self.encodeUnsigned(v, into: &out)
        case .double(let v):
            out.append(0xcb)
            Self.append(v.bitPattern, bytes: 8, to: &out)
        case .string(let s):
            let bytes = Array(s.utf8)
            switch bytes.count {
            case 0..<32: out.append(0xa0 | UInt8(bytes.count))
            case 32..<256: out.append(0xd9); out.append(UInt8(bytes.count))
            case 256..<65536: out.append(0xda); Self.append(UInt64(bytes.count), bytes: 2, to: &out)
            default: out.append(0xdb); Self.append(UInt64(bytes.count), bytes: 4, to: &out)
            }
            out.append(contentsOf: bytes)
        case .binary(let bytes):
            switch bytes.count {
            case 0..<256: out.append(0xc4); out.append(UInt8(bytes.count))
            case 256..<65536: out.append(0xc5); Self.append(UInt64(bytes.count), bytes: 2, to: &out)
            default: out.append(0xc6); Self.append(UInt64(bytes.count), bytes: 4, to: &out)
            }
            out.append(contentsOf: bytes)
        case .array(let items):
            Self.header(count: items.count, fix: 0x90, c16: 0xdc, c32: 0xdd, into: &out)
            for item in items { item.encode(into: &out) }
        case .map(let entries):
            Self.header(count: entries.count, fix: 0x80, c16: 0xde, c32: 0xdf, into: &out)
            for (key, value) in entries {
                key.encode(into: &out)
                value.encode(into: &out)
            }
        }
    }

    private static func header(count: Int, fix: UInt8, c16: UInt8, c32: UInt8, into out: inout [UInt8]) {
        switch count {
        case 0..<16: out.append(fix | UInt8(count))
        case 16..<65536: out.append(c16); append(UInt64(count), bytes: 2, to: &out)
        default: out.append(c32); append(UInt64(count), bytes: 4, to: &out)
        }
    }

    private static func encodeUnsigned(_ v: UInt64, into out: inout [UInt8]) {
        switch v {
        case 0..<128: out.append(UInt8(v))
        case 128..<256: out.append(0xcc); out.append(UInt8(v))
        case 256..<65536: out.append(0xcd); append(v, bytes: 2, to: &out)
        case 65536...UInt64(UInt32.max): out.append(0xce); append(v, bytes: 4, to: &out)
        default: out.append(0xcf); append(v, bytes: 8, to: &out)
        }
    }

    private static func encodeNegative(_ v: Int64, into out: inout [UInt8]) {
        let bits = UInt64(bitPattern: v)
        switch v {
        case -32 ..< 0: out.append(UInt8(truncatingIfNeeded: bits))
        case -128 ..< -32: out.append(0xd0); append(bits, bytes: 1, to: &out)
        case -32768 ..< -128: out.append(0xd1); append(bits, bytes: 2, to: &out)
        case Int64(Int32.min) ..< -32768: out.append(0xd2); append(bits, bytes: 4, to: &out)
        default: out.append(0xd3); append(bits, bytes: 8, to: &out)
        }
    }

    /// Big-endian, the low `bytes` bytes of `value`.
    static func append(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

// MARK: - Decoding

extension MsgPack {
    /// Deepest nesting accepted: a protocol reply is a few levels deep; a hostile one
    /// must not exhaust the stack.
    public static let maximumDepth = 32

    /// Decodes exactly one value filling `bytes`.
    public static func decode(_ bytes: [UInt8]) throws(MsgPackError) -> MsgPack {
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        guard reader.position == bytes.count else {
            throw MsgPackError("\(bytes.count - reader.position) bytes after the message")
        }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var remaining: Int { bytes.count - position }

        mutating func byte() throws(MsgPackError) -> UInt8 {
            guard position < bytes.count else { throw MsgPackError("truncated at byte \(position)") }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func unsigned(_ count: Int) throws(MsgPackError) -> UInt64 {
            guard remaining >= count else { throw MsgPackError("truncated at byte \(position): \(count) bytes expected, \(remaining) left") }
            var value: UInt64 = 0
            for i in 0..<count { value = value << 8 | UInt64(bytes[position + i]) }
            position += count
            return value
        }

        mutating func take(_ count: UInt64) throws(MsgPackError) -> ArraySlice<UInt8> {
            guard count <= UInt64(remaining) else { throw MsgPackError("a length of \(count) bytes at byte \(position), only \(remaining) left") }
            let n = Int(count)
            defer { position += n }
            return bytes[position ..< position + n]
        }

        mutating func string(_ count: UInt64) throws(MsgPackError) -> MsgPack {
            let at = position
            let slice = try take(count)
            guard let text = String(validating: slice, as: UTF8.self) else { throw MsgPackError("a str at byte \(at) is not UTF-8") }
            return .string(text)
        }

        /// Each element takes at least one byte: a count beyond what is left is a lie, and
        /// is refused before anything is reserved for it.
        mutating func array(_ count: UInt64, depth: Int) throws(MsgPackError) -> MsgPack {
            guard count <= UInt64(remaining) else { throw MsgPackError("an array of \(count) items at byte \(position), only \(remaining) bytes left") }
            var items: [MsgPack] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count { items.append(try value(depth: depth + 1)) }
            return .array(items)
        }

        mutating func map(_ count: UInt64, depth: Int) throws(MsgPackError) -> MsgPack {
            guard count <= UInt64(remaining / 2) else { throw MsgPackError("a map of \(count) entries at byte \(position), only \(remaining) bytes left") }
            var entries: [(MsgPack, MsgPack)] = []
            entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                let key = try value(depth: depth + 1)
                entries.append((key, try value(depth: depth + 1)))
            }
            return .map(entries)
        }

        mutating func value(depth: Int) throws(MsgPackError) -> MsgPack {
            guard depth < MsgPack.maximumDepth else { throw MsgPackError("nested deeper than \(MsgPack.maximumDepth) levels") }
            let at = position
            let head = try byte()
            switch head {
            case 0x00...0x7f: return .int(Int64(head))
            case 0x80...0x8f: return try map(UInt64(head & 0x0f), depth: depth)
            case 0x90...0x9f: return try array(UInt64(head & 0x0f), depth: depth)
            case 0xa0...0xbf: return try string(UInt64(head & 0x1f))
            case 0xc0: return .nil
            case 0xc2: return .bool(false)
            case 0xc3: return .bool(true)
            case 0xc4: return .binary(Array(try take(unsigned(1))))
            case 0xc5: return .binary(Array(try take(unsigned(2))))
            case 0xc6: return .binary(Array(try take(unsigned(4))))
            case 0xca: return .double(Double(Float(bitPattern: UInt32(try unsigned(4)))))
            case 0xcb: return .double(Double(bitPattern: try unsigned(8)))
            case 0xcc: return .int(Int64(try unsigned(1)))
            case 0xcd: return .int(Int64(try unsigned(2)))
            case 0xce: return .int(Int64(try unsigned(4)))
            case 0xcf:
                let v = try unsigned(8)
                return v <= UInt64(Int64.max) ? .int(Int64(v)) : .uint(v)
            case 0xd0: return .int(Int64(Int8(truncatingIfNeeded: try unsigned(1))))
            case 0xd1: return .int(Int64(Int16(truncatingIfNeeded: try unsigned(2))))
            case 0xd2: return .int(Int64(Int32(truncatingIfNeeded: try unsigned(4))))
            case 0xd3: return .int(Int64(bitPattern: try unsigned(8)))
            case 0xd9: return try string(unsigned(1))
            case 0xda: return try string(unsigned(2))
            case 0xdb: return try string(unsigned(4))
            case 0xdc: return try array(unsigned(2), depth: depth)
            case 0xdd: return try array(unsigned(4), depth: depth)
            case 0xde: return try map(unsigned(2), depth: depth)
            case 0xdf: return try map(unsigned(4), depth: depth)
            case 0xe0...0xff: return .int(Int64(Int8(bitPattern: head)))
            case 0xc1: throw MsgPackError("byte 0x\(String(head, radix: 16)) at \(at) is reserved, never used")
            default: throw MsgPackError("ext type 0x\(String(head, radix: 16)) at byte \(at) is not part of the protocol")
            }
        }
    }
}
