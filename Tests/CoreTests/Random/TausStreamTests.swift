import XCTest
import Random

final class TausStreamTests: XCTestCase {
    /// The Swift recurrence draws what GSL draws, and leaves GSL's state where GSL would:
    /// draws from the two alternate on one generator, against a twin drawn by GSL alone.
    func testDrawsWhatGSLDraws() throws {
        for seed: UInt64 in [1, 42, 0xDEAD_BEEF, .max] {
            let mixed = GSLRandom(seed: seed, algorithm: .taus2), reference = GSLRandom(seed: seed, algorithm: .taus2)
            let stream = try XCTUnwrap(mixed.tausStream)
            for index in 0..<100_000 {
                switch index % 4 {
                case 0: XCTAssertEqual(stream.uniform().bitPattern, reference.uniform().bitPattern)
                case 1: XCTAssertEqual(stream.flat(-2.5e6, 2.5e6).bitPattern, reference.flat(-2.5e6, 2.5e6).bitPattern)
                case 2: XCTAssertEqual(mixed.uniform().bitPattern, reference.uniform().bitPattern)
                default: XCTAssertEqual(stream.flat(3, 7).bitPattern, reference.flat(3, 7).bitPattern)
                }
            }
        }
    }

    func testOnlyForTaus2() {
        XCTAssertNil(GSLRandom(seed: 1, algorithm: .mt19937).tausStream)
    }
}
