import Histogram
import Random

/// A latency distribution in nanoseconds: HdrHistogram with 3 significant digits from
/// 1 µs to 10 minutes. Its counts array covers only up to the largest value recorded so
/// far and grows (by whole power-of-two buckets, zero-filled) when a larger one arrives:
/// the bucket layout, and so every bucket, percentile, mean and serialized form, is the
/// same as a histogram allocated for the whole range, but a distribution of 20 ms
/// services holds 28 KiB of counts instead of 88 KiB (each bucket of 1024 counts covers
/// one doubling of the range, from 1 ms up). Recording allocates only when it grows.
public struct LatencyHistogram: Sendable {
    /// Settable only so that ``record(_:)`` inlines into other modules' hot loops.
    public var histogram: Histogram<UInt32>

    public static let lowest: UInt64 = 1_000
    public static let highest: UInt64 = 600_000_000_000

    /// Every new histogram starts as a copy of the first of these, and grows by replacing
    /// its counts with a copy of a longer one: `layouts[k]` holds counts for every value
    /// below ``firstBucketEnd`` << k, up to the first that holds ``highest``. An empty
    /// layout's counts array is shared until the first record copies it (one memcpy).
    /// HdrHistogram's initialiser is not inlinable and fills the array one generic element
    /// at a time, which cost more than a simulation's event loop at 1000 streams; and
    /// histograms never recorded into (empty rows, fault windows) take no memory of their own.
    private static let layouts: [Histogram<UInt32>] = {
        var layouts: [Histogram<UInt32>] = []
        var end = firstBucketEnd
        while true {
            var histogram = Histogram<UInt32>(lowestDiscernibleValue: lowest, highestTrackableValue: end - 1,
                                              numberOfSignificantValueDigits: .three)
            // Never needed for what `record` and `add` pass on, but a merge must not trap.
            histogram.autoResize = true
            layouts.append(histogram)
            if end > highest { return layouts }
            end <<= 1
        }
    }()

    /// The first value bucket 0 cannot hold: 2048 sub-buckets (3 significant digits: 2 × 10³
    /// rounded up to a power of two) of `lowest` rounded down to a power of two (512 ns),
    /// 1.05 ms. Each further bucket doubles the range with 1024 more counts (4 KiB).
    static let firstBucketEnd: UInt64 = 2048 << (63 - UInt64(lowest.leadingZeroBitCount))

    /// Bytes of a histogram grown to the whole range (a value of 10 minutes recorded): the
    /// most one can hold, for memory budgets.
    public static let fullRangeBytes: Int = Histogram<UInt32>(lowestDiscernibleValue: lowest, highestTrackableValue: highest,
                                                               numberOfSignificantValueDigits: .three).estimatedFootprintInBytes

    public init() { histogram = Self.layouts[0] }

    /// Bytes its counts array holds now.
    public var bytes: Int { histogram.estimatedFootprintInBytes }

    @inlinable @inline(__always)
    public mutating func record(_ nanos: UInt64) {
        let value = min(max(nanos, Self.lowest), Self.highest)
        if value > histogram.highestTrackableValue { grow(toHold: value) }
        _ = histogram.record(value)
    }

    /// Replaces the counts with an array exactly as long as the buckets up to `value` need
    /// (HdrHistogram's own resizing appends, and the array's growth may double its capacity).
    @usableFromInline
    mutating func grow(toHold value: UInt64) {
        let layouts = Self.layouts
        guard let index = layouts.firstIndex(where: { $0.highestTrackableValue >= value }) else { return }
        var grown = layouts[index]
        grown.add(histogram)
        histogram = grown
    }

    public var count: UInt64 { histogram.totalCount }

    public mutating func add(_ other: LatencyHistogram) {
        if other.histogram.max > histogram.highestTrackableValue { grow(toHold: other.histogram.max) }
        histogram.add(other.histogram)
    }

    /// The value at `percentile` (0–100) in milliseconds; nil when empty. For CDF plots.
    public func milliseconds(atPercentile percentile: Double) -> Double? {
        histogram.totalCount == 0 ? nil : Double(values(atPercentiles: [percentile])[0]) / 1e6
    }

    /// p50, p90, p95, p99, p99.9, max and mean in milliseconds.
    public var quantiles: Quantiles {
        guard histogram.totalCount > 0 else { return Quantiles(count: 0) }
        func ms(_ nanos: UInt64) -> Double { Double(nanos) / 1e6 }
        let (values, mean) = scan(percentiles: [50, 90, 95, 99, 99.9])
        return Quantiles(count: histogram.totalCount, p50: ms(values[0]), p90: ms(values[1]), p95: ms(values[2]),
                         p99: ms(values[3]), p999: ms(values[4]), max: ms(histogram.max), mean: mean / 1e6)
    }

    /// HdrHistogram's `valueAtPercentile` for each of `percentiles` (ascending), in ns.
    public func values(atPercentiles percentiles: [Double]) -> [UInt64] { scan(percentiles: percentiles).values }

    /// Every percentile and HdrHistogram's `mean`, with the same results bit for bit, in
    /// one pass over the recorded buckets. HdrHistogram's own `valueAtPercentile` and
    /// `mean` are not inlinable, so from this module they run as unspecialised generic
    /// code, one pass each: summarising a 1000-stream simulation took seconds that way.
    /// Its bucket iterator is inlinable and specialises here.
    private func scan(percentiles: [Double]) -> (values: [UInt64], mean: Double) {
        let total = histogram.totalCount
        guard total > 0 else { return (Array(repeating: 0, count: percentiles.count), 0) }
        let lowest = histogram.min, highest = histogram.maxRecorded
        var values = percentiles.map { percentile -> UInt64 in percentile <= 0 ? lowest : highest }
        // The count each percentile must reach, as `valueAtPercentile` computes it.
        let targets = percentiles.map { percentile -> UInt64 in
            let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
            return Swift.max(1, UInt64((requested * Double(total) / 100).rounded(.up)))
        }
        var next = percentiles.firstIndex { $0 > 0 } ?? percentiles.count
        var totalValue = 0.0
        for bucket in histogram.recordedValues() {
            while next < percentiles.count, percentiles[next] < 100, bucket.totalCountToThisValue >= targets[next] {
                values[next] = Swift.max(Swift.min(bucket.value, highest), lowest)
                next += 1
            }
            // `mean` weighs each bucket by its median equivalent value.
            let low = histogram.lowestEquivalentForValue(bucket.value)
            let median = low + ((histogram.nextNonEquivalentForValue(bucket.value) - low) >> 1)
            totalValue += Double(median) * Double(bucket.count)
        }
        return (values, totalValue / Double(total))
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
            // The whole range's counts end where the last layout's do (as before they grew).
            guard count <= UInt64(UInt32.max), value <= Self.layouts[Self.layouts.count - 1].highestTrackableValue else {
                throw .malformed("bucket \(value) × \(count) out of range")
            }
            if value > histogram.highestTrackableValue { grow(toHold: value) }
            guard histogram.record(value, count: UInt32(count)) else {
                throw .malformed("bucket \(value) × \(count) out of range")
            }
        }
    }
}
