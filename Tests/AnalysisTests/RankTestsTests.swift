@testable import Analysis
import XCTest

final class MannWhitneyTests: XCTestCase {
    func testMatchesSciPyMannWhitneyU() throws {
        let reference = Reference.shared
        for c in reference.mannWhitney {
            let label = "\(c.x) vs \(c.y)"
            let result = try XCTUnwrap(MannWhitney.test(reference[c.x], reference[c.y]).valueOrNil, label)
            assertClose(result.u, c.u, label + " U")
            assertClose(result.pValue, c.p, label + " p")
            XCTAssertEqual(result.method.rawValue, c.method, label)
        }
    }

    /// The generating-function table against brute-force enumeration of every arrangement.
    func testExactNullDistributionAgainstEnumeration() {
        for (m, n) in [(1, 1), (2, 3), (3, 3), (4, 6), (5, 2)] {
            var counts = [Int](repeating: 0, count: m * n + 1)
            // Each subset of m positions out of m + n is one arrangement; U counts y's below each x.
            for mask in 0..<(1 << (m + n)) where mask.nonzeroBitCount == m {
                var u = 0, ysBelow = 0
                for position in 0..<(m + n) {
                    if mask & (1 << position) != 0 { u += ysBelow } else { ysBelow += 1 }
                }
                counts[u] += 1
            }
            let total = Double(counts.reduce(0, +))
            var running = 0.0
            let cdf = Ranks.mannWhitneyNullCDF(m, n)
            for k in 0...(m * n) {
                running += Double(counts[k])
                assertClose(cdf[k], running / total, "m \(m) n \(n) k \(k)")
            }
        }
    }

    func testOneSmallSampleAgainstAHugeOneStaysQuick() {
        let cdf = Ranks.mannWhitneyNullCDF(8, 20_000)
        XCTAssertEqual(cdf.count, 160_001)
        assertClose(cdf[80_000 - 1] + (cdf[80_000] - cdf[80_000 - 1]) / 2, 0.5, relative: 1e-6)
        assertClose(cdf[160_000], 1)
    }

    func testInsufficientAndDegenerateInputs() throws {
        XCTAssertEqual(MannWhitney.test([1], [2, 3, 4]).description, "insufficient data (n = 1 and 3)")
        XCTAssertEqual(MannWhitney.test([], [2, 3]).description, "insufficient data (n = 0 and 2)")
        let tied = try XCTUnwrap(MannWhitney.test([5, 5, 5], [5, 5, 5, 5]).valueOrNil)
        XCTAssertEqual(tied.pValue, 1)
        XCTAssertEqual(tied.u, 6)
        let same = try XCTUnwrap(MannWhitney.test([1, 2, 3, 4], [1, 2, 3, 4]).valueOrNil)
        XCTAssertEqual(same.pValue, 1)
    }
}

final class KruskalWallisTests: XCTestCase {
    func testMatchesSciPyKruskal() throws {
        let reference = Reference.shared
        for c in reference.kruskal {
            let result = try XCTUnwrap(KruskalWallis.test(c.groups.map { reference[$0] }).valueOrNil)
            assertClose(result.h, c.h, "\(c.groups) H")
            XCTAssertEqual(result.degreesOfFreedom, c.df)
            assertClose(result.pValue, c.p, "\(c.groups) p")
        }
    }

    func testInsufficientInputs() {
        XCTAssertEqual(KruskalWallis.test([[1, 2, 3]]).description, "insufficient data (1 group)")
        XCTAssertEqual(KruskalWallis.test([[1, 2], [3], [4, 5]]).description, "insufficient data (n = 2 and 1 and 2)")
        XCTAssertEqual(KruskalWallis.test([[2, 2], [2, 2, 2]]).description, "insufficient data (all values are identical)")
        XCTAssertEqual(KruskalWallis.test([[], [1, 2]]).isInsufficient, true)
    }
}
