@testable import Analysis
import Foundation
import XCTest

/// Lognormal and gamma MLE and the KS distance against SciPy (fit_reference.json, made
/// by make_fit_reference.py). Lognormal's MLE is closed-form: 1e-9 relative. SciPy
/// solves the gamma shape numerically: 1e-6 relative, and KS distances accordingly.
final class DistributionFitTests: XCTestCase {
    struct Reference: Decodable {
        struct Fit: Decodable { var zeta: Double?; var sigma: Double?; var shape: Double?; var scale: Double?; var ks: Double; var p: Double }
        struct Set: Decodable { var data: [Double]; var lognormal: Fit; var gamma: Fit }
        var sets: [String: Set]
    }

    func reference() throws -> Reference {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/fit_reference.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    func close(_ a: Double, _ b: Double, _ tolerance: Double, _ label: String) {
        XCTAssertLessThanOrEqual(abs(a - b), tolerance * max(abs(b), 1e-12), "\(label): \(a) vs \(b)")
    }

    func testFitsMatchSciPy() throws {
        for (name, set) in try reference().sets.sorted(by: { $0.key < $1.key }) {
            guard case .value(let log) = DistributionFit.lognormal(set.data), case .value(let gamma) = DistributionFit.gamma(set.data) else {
                return XCTFail("\(name): no fit")
            }
            close(log.first, set.lognormal.zeta!, 1e-9, "\(name) ζ")
            close(log.second, set.lognormal.sigma!, 1e-9, "\(name) σ")
            close(log.ksDistance, set.lognormal.ks, 1e-9, "\(name) lognormal KS")
            close(log.ksPValue, set.lognormal.p, 1e-7, "\(name) lognormal KS p")
            close(gamma.first, set.gamma.shape!, 1e-6, "\(name) k")
            close(gamma.second, set.gamma.scale!, 1e-6, "\(name) θ")
            close(gamma.ksDistance, set.gamma.ks, 1e-5, "\(name) gamma KS")
            close(gamma.ksPValue, set.gamma.p, 1e-4, "\(name) gamma KS p")
        }
    }

    func testTheBetterFamilyComesFirst() throws {
        let sets = try reference().sets
        XCTAssertEqual(DistributionFit.best(sets["gamma_500"]!.data).first?.family, .gamma)
        XCTAssertEqual(DistributionFit.best(sets["gamma_500"]!.data).count, 2)
    }

    func testTooFewOrBadValuesAreInsufficient() {
        XCTAssertEqual(DistributionFit.lognormal([1, 2, 3]).isInsufficient, true)
        XCTAssertEqual(DistributionFit.gamma(Array(repeating: 5, count: 20)).isInsufficient, true)
        XCTAssertEqual(DistributionFit.lognormal(Array(repeating: 5, count: 19) + [0]).isInsufficient, true)
    }
}
