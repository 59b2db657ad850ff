import Histogram

/// A latency distribution in nanoseconds: HdrHistogram with 3 significant digits from
/// 1 µs to 10 minutes, allocated once; recording never allocates.
public struct LatencyHistogram: Sendable {
    public private(set) var histogram: Histogram<UInt32>

    public static let lowest: UInt64 = 1_000
    public static let highest: UInt64 = 600_000_000_000

    public init() {
        histogram = Histogram(lowestDiscernibleValue: Self.lowest, highestTrackableValue: Self.highest,
                              numberOfSignificantValueDigits: .three)
    }

    @inline(__always)
    public mutating func record(_ nanos: UInt64) {
        _ = histogram.record(min(max(nanos, Self.lowest), Self.highest))
    }

    public var count: UInt64 { histogram.totalCount }

    public mutating func add(_ other: LatencyHistogram) { histogram.add(other.histogram) }

    /// The value at `percentile` (0–100) in milliseconds; nil when empty. For CDF plots.
    public func milliseconds(atPercentile percentile: Double) -> Double? {
        histogram.totalCount == 0 ? nil : Double(histogram.valueAtPercentile(percentile)) / 1e6
    }

    /// p50, p90, p95, p99, p99.9, max and mean in milliseconds.
    public var quantiles: Quantiles {
        guard histogram.totalCount > 0 else { return Quantiles(count: 0) }
        func ms(_ nanos: UInt64) -> Double { Double(nanos) / 1e6 }
        return Quantiles(
            count: histogram.totalCount,
            p50: ms(histogram.valueAtPercentile(50)), p90: ms(histogram.valueAtPercentile(90)),
            p95: ms(histogram.valueAtPercentile(95)),
            p99: ms(histogram.valueAtPercentile(99)), p999: ms(histogram.valueAtPercentile(99.9)),
            max: ms(histogram.max), mean: histogram.mean / 1e6)
    }
}

/// Summary of a latency distribution, in milliseconds. Percentiles are nil when there
/// were no samples.
public struct Quantiles: Sendable, Codable, Equatable {
    public var count: UInt64
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?
    public var p999: Double?
    public var max: Double?
    public var mean: Double?

    public init(count: UInt64, p50: Double? = nil, p90: Double? = nil, p95: Double? = nil, p99: Double? = nil,
                p999: Double? = nil, max: Double? = nil, mean: Double? = nil) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }
}

extension LatencyHistogram {
    public enum SerializationError: Error, Equatable {
        case malformed(String)
    }

    private static let formatVersion: UInt8 = 1

    /// A compact, exact form for the results database: a version byte, then little-endian
    /// (value, count) pairs of UInt64, one per non-empty bucket (the top bucket split so
    /// its maximum is exact). Decoding re-records them, so every quantile, the max and the
    /// mean come back identical.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = [Self.formatVersion]
        func append(_ value: UInt64, _ count: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) }
        }
        let buckets = Array(histogram.recordedValues())
        for (index, bucket) in buckets.enumerated() {
            // The bucket's lowest value: re-recording it lands in the same bucket.
            let value = histogram.lowestEquivalentForValue(bucket.value)
            let count = UInt64(bucket.count)
            if index == buckets.count - 1 {
                // The top bucket carries the exact maximum recorded, so `max` decodes exactly.
                append(histogram.maxRecorded, 1)
                if count > 1 { append(value, count - 1) }
            } else {
                append(value, count)
            }
        }
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws(SerializationError) {
        self.init()
        guard bytes.first == Self.formatVersion else { throw .malformed("unknown histogram format \(bytes.first.map(String.init) ?? "empty")") }
        guard (bytes.count - 1) % 16 == 0 else { throw .malformed("histogram length \(bytes.count) is not 1 + 16·n") }
        var offset = 1
        func word() -> UInt64 {
            defer { offset += 8 }
            return bytes[offset..<offset + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        while offset < bytes.count {
            let value = word(), count = word()
            guard count <= UInt64(UInt32.max), histogram.record(value, count: UInt32(count)) else {
                throw .malformed("bucket \(value) × \(count) out of range")
            }
        }
    }
}
