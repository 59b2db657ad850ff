@testable import Analysis
import XCTest

final class FitTests: XCTestCase {
    private func check(_ p: Fit.Prediction, _ e: Reference.PredictionCase, _ label: String) {
        assertClose(p.value, e.fit, label + " fit")
        assertClose(p.confidence.lower, e.confidence[0], label + " confidence lower")
        assertClose(p.confidence.upper, e.confidence[1], label + " confidence upper")
        assertClose(p.prediction.lower, e.prediction[0], label + " prediction lower")
        assertClose(p.prediction.upper, e.prediction[1], label + " prediction upper")
    }

    func testLinearMatchesLinregressAndTextbookIntervals() throws {
        let reference = Reference.shared
        for c in reference.linear {
            let label = "\(c.x) ~ \(c.y)"
            let fit = try XCTUnwrap(Fit.linear(reference[c.x], reference[c.y]).valueOrNil, label)
            assertClose(fit.intercept, c.intercept, label + " intercept")
            assertClose(fit.slope, c.slope, label + " slope")
            assertClose(fit.interceptStandardError, c.interceptSE, label + " intercept SE")
            assertClose(fit.slopeStandardError, c.slopeSE, label + " slope SE")
            assertClose(fit.interceptInterval(level: c.level).lower, c.interceptCI[0], label)
            assertClose(fit.interceptInterval(level: c.level).upper, c.interceptCI[1], label)
            assertClose(fit.slopeInterval(level: c.level).lower, c.slopeCI[0], label)
            assertClose(fit.slopeInterval(level: c.level).upper, c.slopeCI[1], label)
            assertClose(fit.rSquared, c.r2, label + " R²")
            assertClose(fit.residualStandardError, c.residualSE, label + " s")
            XCTAssertEqual(fit.residualDegreesOfFreedom, c.dof)
            for e in c.predictions { check(fit.predict(at: e.at, level: c.level), e, label + " at \(e.at)") }
        }
    }

    func testPowerLawMatchesLogLogReference() throws {
        let reference = Reference.shared
        let c = reference.powerLaw
        let fit = try XCTUnwrap(Fit.powerLaw(reference[c.x], reference[c.y]).valueOrNil)
        assertClose(fit.a, c.a, "a")
        assertClose(fit.b, c.b, "b")
        assertClose(fit.aInterval(level: c.level).lower, c.aCI[0], "a lower")
        assertClose(fit.aInterval(level: c.level).upper, c.aCI[1], "a upper")
        assertClose(fit.bInterval(level: c.level).lower, c.bCI[0], "b lower")
        assertClose(fit.bInterval(level: c.level).upper, c.bCI[1], "b upper")
        assertClose(fit.rSquared, c.r2Log, "R² (log)")
        XCTAssertEqual(fit.logFit.residualDegreesOfFreedom, c.dof)
        for e in c.predictions { check(fit.predict(at: e.at, level: c.level), e, "at \(e.at)") }
    }

    func testInsufficientAndDegenerateInputs() throws {
        XCTAssertEqual(Fit.linear([1, 2], [3, 4]).description, "insufficient data (n = 2 and 2)")
        XCTAssertEqual(Fit.linear([2, 2, 2], [1, 2, 3]).description, "insufficient data (all x are equal)")
        XCTAssertEqual(Fit.powerLaw([0, 1, 2], [1, 2, 3]).isInsufficient, true)
        let flat = try XCTUnwrap(Fit.linear([1, 2, 3, 4], [5, 5, 5, 5]).valueOrNil)
        XCTAssertEqual(flat.slope, 0)
        XCTAssertEqual(flat.rSquared, 1)
        let exact = try XCTUnwrap(Fit.linear([1, 2, 3], [3, 5, 7]).valueOrNil)
        assertClose(exact.slope, 2)
        assertClose(exact.intercept, 1)
    }
}
