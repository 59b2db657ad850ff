@testable import Analysis
import XCTest

final class WelchTests: XCTestCase {
    func testMatchesSciPyUnequalVarianceTTest() throws {
        let reference = Reference.shared
        for c in reference.welch {
            let label = "\(c.x) vs \(c.y)"
            let result = try XCTUnwrap(Welch.test(reference[c.x], reference[c.y]).valueOrNil, label)
            assertClose(result.t, c.t, label + " t")
            assertClose(result.degreesOfFreedom, c.df, label + " df")
            assertClose(result.pValue, c.p, label + " p")
        }
    }

    func testInsufficientAndDegenerateInputs() {
        XCTAssertEqual(Welch.test([1], [1, 2]).description, "insufficient data (n = 1 and 2)")
        XCTAssertEqual(Welch.test([], []).description, "insufficient data (n = 0 and 0)")
        XCTAssertEqual(Welch.test([3, 3, 3], [3, 3]).description, "insufficient data (no variance in either sample)")
        XCTAssertEqual(Welch.test([1, 2, 3], [1, 2, 3]).valueOrNil?.pValue, 1)
    }
}

final class HolmTests: XCTestCase {
    func testMatchesStatsmodelsSemantics() {
        for c in Reference.shared.holm {
            let adjusted = Holm.adjust(c.p)
            XCTAssertEqual(adjusted.count, c.adjusted.count)
            for (a, e) in zip(adjusted, c.adjusted) { assertClose(a, e, "\(c.p)") }
        }
    }

    func testEmpty() {
        XCTAssertEqual(Holm.adjust([]), [])
    }
}

final class EquivalenceTests: XCTestCase {
    func testMatchesShiftedOneSidedSciPyWelchTests() throws {
        let reference = Reference.shared
        for c in reference.tost {
            let label = "\(c.x) vs \(c.y) ±\(c.margin)"
            let result = try XCTUnwrap(Equivalence.tost(reference[c.x], reference[c.y], margin: c.margin, alpha: c.alpha).valueOrNil, label)
            assertClose(result.difference, c.difference, label + " difference")
            assertClose(result.pLower, c.pLower, label + " pLower")
            assertClose(result.pUpper, c.pUpper, label + " pUpper")
            assertClose(result.pValue, c.p, label + " p")
            XCTAssertEqual(result.equivalent, c.equivalent, label)
        }
    }

    func testInsufficientInputs() {
        XCTAssertEqual(Equivalence.tost([1], [1, 2], margin: 1).description, "insufficient data (n = 1 and 2)")
        XCTAssertEqual(Equivalence.tost([4, 4], [4, 4], margin: 1).isInsufficient, true)
    }
}
