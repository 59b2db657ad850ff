import Foundation
import XCTest

/// Reference/reference.json, written by Reference/make_reference.py with SciPy / NumPy
/// (versions in `generator`). Located through #filePath so it works from any directory.
struct Reference: Decodable {
    struct Generator: Decodable { let python: String, numpy: String, scipy: String }
    struct DescriptiveCase: Decodable {
        let data: String, count: Int, mean: Double, variance: Double, sd: Double
        let median: Double, min: Double, max: Double, quantiles: [[Double]]
    }
    struct MannWhitneyCase: Decodable { let x: String, y: String, u: Double, p: Double, method: String }
    struct WelchCase: Decodable { let x: String, y: String, t: Double, df: Double, p: Double }
    struct KruskalCase: Decodable { let groups: [String], h: Double, df: Int, p: Double }
    struct HolmCase: Decodable { let p: [Double], adjusted: [Double] }
    struct EffectCase: Decodable {
        let x: String, y: String, level: Double, estimate: Double, method: String, k: Int
        let lower: Double?, upper: Double?, achievedLevel: Double?, cliffsDelta: Double
    }
    struct PredictionCase: Decodable { let at: Double, fit: Double, confidence: [Double], prediction: [Double] }
    struct LinearCase: Decodable {
        let x: String, y: String, level: Double, intercept: Double, slope: Double
        let interceptSE: Double, slopeSE: Double, interceptCI: [Double], slopeCI: [Double]
        let r2: Double, dof: Int, residualSE: Double, predictions: [PredictionCase]
    }
    struct PowerLawCase: Decodable {
        let x: String, y: String, level: Double, a: Double, b: Double, aCI: [Double], bCI: [Double]
        let r2Log: Double, dof: Int, predictions: [PredictionCase]
    }
    struct TostCase: Decodable {
        let x: String, y: String, margin: Double, alpha: Double, pLower: Double, pUpper: Double
        let p: Double, equivalent: Bool, difference: Double
    }
    struct BootstrapCase: Decodable {
        let samples: [String], kind: String, statistic: String, level: Double, seed: UInt64
        let exactResamples: Int, scipyResamples: Int, swiftResamples: Int
        let percentileExact: [Double], bcaExact: [Double]
        let percentileScipy: [Double], bcaScipy: [Double]
        let percentileMonteCarloSdOverWidth: [Double], bcaMonteCarloSdOverWidth: [Double]
    }

    let generator: Generator
    let data: [String: [Double]]
    let descriptive: [DescriptiveCase]
    let mannWhitney: [MannWhitneyCase]
    let welch: [WelchCase]
    let kruskal: [KruskalCase]
    let holm: [HolmCase]
    let effectSize: [EffectCase]
    let linear: [LinearCase]
    let powerLaw: PowerLawCase
    let tost: [TostCase]
    let bootstrap: [BootstrapCase]

    subscript(_ name: String) -> [Double] {
        guard let values = data[name] else { fatalError("reference.json has no data set \(name)") }
        return values
    }

    static let shared: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/reference.json")
        do {
            return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error) — regenerate with Reference/make_reference.py")
        }
    }()
}

/// Deterministic routines must match SciPy to 1e-9 relative, or 1e-12 absolute near 0.
func assertClose(
    _ actual: Double?, _ expected: Double, relative: Double = 1e-9, absolute: Double = 1e-12,
    _ message: @autoclosure () -> String = "", file: StaticString = #filePath, line: UInt = #line
) {
    guard let actual else { return XCTFail("nil, expected \(expected) — \(message())", file: file, line: line) }
    let tolerance = Swift.max(absolute, relative * abs(expected))
    XCTAssert(abs(actual - expected) <= tolerance,
              "\(actual) vs expected \(expected) (Δ \(actual - expected), tolerance \(tolerance)) — \(message())",
              file: file, line: line)
}
