import Histogram
import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// The one-pass summary must give HdrHistogram's own answers bit for bit: the stored
/// quantiles of every run (real-time and simulated) come from it.
final class LatencyHistogramTests: XCTestCase {
    func testOnePassSummaryEqualsHdrHistogramsOwnPercentilesAndMean() {
        let random = GSLRandom(seed: 42)
        for (samples, spread) in [(1, 0.1), (7, 0.5), (1000, 0.3), (20000, 2.0), (5000, 6.0)] {
            var ours = LatencyHistogram()
            for _ in 0..<samples {
                // Lognormal around 20 ms; a wide spread reaches the clamps at 1 µs and 600 s.
                ours.record(UInt64(random.lognormal(zeta: log(20e6), sigma: spread)))
            }
            let reference = ours.histogram
            let percentiles: [Double] = [0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]
            XCTAssertEqual(ours.values(atPercentiles: percentiles), percentiles.map { reference.valueAtPercentile($0) },
                           "\(samples) samples, σ \(spread)")
            let quantiles = ours.quantiles
            XCTAssertEqual(quantiles.p50, Double(reference.valueAtPercentile(50)) / 1e6)
            XCTAssertEqual(quantiles.p999, Double(reference.valueAtPercentile(99.9)) / 1e6)
            XCTAssertEqual(quantiles.max, Double(reference.max) / 1e6)
            XCTAssertEqual(quantiles.mean, reference.mean / 1e6, "the mean must be HdrHistogram's to the last bit")
            XCTAssertEqual(ours.milliseconds(atPercentile: 99), Double(reference.valueAtPercentile(99)) / 1e6)
        }
        XCTAssertEqual(LatencyHistogram().quantiles, Quantiles(count: 0))
        XCTAssertNil(LatencyHistogram().milliseconds(atPercentile: 50))
    }
}

/// A histogram whose counts array grows with the largest value recorded must answer
/// exactly as one allocated for the whole range (the layout before it grew on demand):
/// every stored quantile and serialized histogram depends on it.
final class LatencyHistogramGrowthTests: XCTestCase {
    /// The whole-range layout: 1 µs – 10 min, 3 significant digits, allocated up front.
    private func wholeRange() -> LatencyHistogram {
        var histogram = LatencyHistogram()
        histogram.histogram = Histogram<UInt32>(lowestDiscernibleValue: LatencyHistogram.lowest,
                                                highestTrackableValue: LatencyHistogram.highest, numberOfSignificantValueDigits: .three)
        return histogram
    }

    func testGrowingHistogramAnswersAsTheWholeRangeOne() throws {
        let random = GSLRandom(seed: 7)
        let percentiles: [Double] = [0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100]
        for (samples, median, spread) in [(1, 20e6, 0.1), (500, 50e3, 0.5), (5000, 20e6, 0.3), (20000, 20e6, 3.0), (3000, 1e9, 6.0)] {
            var growing = LatencyHistogram(), whole = wholeRange()
            for _ in 0..<samples {
                let value = UInt64(random.lognormal(zeta: log(median), sigma: spread))
                growing.record(value)
                whole.record(value)
            }
            let context = "\(samples) samples around \(median) ns, σ \(spread)"
            XCTAssertEqual(growing.values(atPercentiles: percentiles), whole.values(atPercentiles: percentiles), context)
            XCTAssertEqual(growing.quantiles, whole.quantiles, context)
            XCTAssertEqual(growing.serialized(), whole.serialized(), context)
            XCTAssertEqual(try LatencyHistogram(serialized: growing.serialized()).quantiles, whole.quantiles, context)
            XCTAssertTrue(growing.histogram == whole.histogram, context)
            XCTAssertLessThanOrEqual(growing.bytes, whole.bytes, context)
            // Merging either way gives the same distribution.
            var merged = LatencyHistogram()
            merged.add(growing)
            merged.add(whole)
            var mergedWhole = wholeRange()
            mergedWhole.add(whole)
            mergedWhole.add(growing)
            XCTAssertEqual(merged.quantiles, mergedWhole.quantiles, context)
        }
    }

    /// Pooling rows whose histograms grew to different sizes (as the equivalence and
    /// agreement tests pool a kind's rows, and shared instances pool into one row), in
    /// every order, must lose no count and answer as one histogram that recorded every
    /// value: smaller into larger, larger into smaller, and into an empty one.
    func testPoolingHistogramsOfDifferentGrownSizesAnswersAsOneHistogram() {
        let random = GSLRandom(seed: 19)
        let percentiles: [Double] = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 100]
        // Medians from 0.5 ms (bucket 0 only) to 140 ms (8 buckets), narrow and wide.
        let rows: [(samples: Int, median: Double, spread: Double)] = [(300, 0.5e6, 0.2), (800, 139e6, 0.1), (50, 3e6, 0.3),
                                                                       (1, 60e6, 0), (2000, 40e6, 0.05), (400, 139e6, 1.5)]
        var histograms: [LatencyHistogram] = []
        var all = wholeRange()
        for row in rows {
            var histogram = LatencyHistogram()
            for _ in 0..<row.samples {
                let value = UInt64(random.lognormal(zeta: log(row.median), sigma: row.spread))
                histogram.record(value)
                all.record(value)
            }
            histograms.append(histogram)
        }
        XCTAssertEqual(Set(histograms.map(\.bytes)).count, 5, "the rows grew to different sizes")
        let expected = all.values(atPercentiles: percentiles)
        let orders = [Array(histograms.indices), histograms.indices.reversed(), [1, 0, 3, 2, 5, 4], [5, 2, 0, 4, 1, 3]]
        for order in orders {
            var pooled = LatencyHistogram()
            for index in order { pooled.add(histograms[index]) }
            XCTAssertEqual(pooled.count, all.count, "order \(order)")
            XCTAssertEqual(pooled.values(atPercentiles: percentiles), expected, "order \(order)")
            XCTAssertEqual(pooled.quantiles, all.quantiles, "order \(order)")
            XCTAssertTrue(pooled.histogram == all.histogram, "order \(order)")
            // Into a row that already holds counts (a shared kind's first instance).
            var into = histograms[order[0]]
            for index in order.dropFirst() { into.add(histograms[index]) }
            XCTAssertEqual(into.quantiles, all.quantiles, "into row \(order[0])")
        }
    }

    func testCountsCoverOnlyTheRecordedRange() {
        var service = LatencyHistogram()
        for milliseconds in [18, 20, 25] { service.record(UInt64(milliseconds) * 1_000_000) }
        // Up to 33.5 ms: bucket 0 (up to 1.05 ms) and five doublings, 1024 counts each.
        XCTAssertLessThanOrEqual(service.bytes, 7 * 1024 * 4 + 1024)
        var handoff = LatencyHistogram()
        handoff.record(40_000)
        XCTAssertLessThanOrEqual(handoff.bytes, 2 * 1024 * 4 + 1024)
        var clamped = LatencyHistogram()
        clamped.record(.max)
        XCTAssertEqual(clamped.bytes, LatencyHistogram.fullRangeBytes)
        var whole = wholeRange()
        whole.record(.max)
        XCTAssertEqual(clamped.quantiles, whole.quantiles, "clamped to 10 minutes, as before")
    }
}
