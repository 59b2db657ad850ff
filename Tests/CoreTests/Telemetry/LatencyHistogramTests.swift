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
