import Foundation
@testable import Orchestration
@testable import Realtime
@testable import ResultsStore
import RuntimeSupport
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// Calibrate demand, not contention: a calibration from a real-time run pinned to 1 core,
/// simulated on 2 cores, predicts the real-time run on 2 cores, and the reverse — within
/// the host agreement's tolerances. The fitted quantity is each service's CPU time on
/// its thread, which contention stretches in wall time but not in CPU time.
final class HostCalibrationTests: TemporaryFolderTestCase {
    func scenario(cores: Int, seconds: Double) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 4
        scenario.fps = 10
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.phase = .random
        var detector = try WorkerSpec.parse("cpu:lognormal(60ms,10ms)")
        detector.name = "detector"
        scenario.workers = [detector]
        scenario.host = HostSpec(cores: cores, memoryGB: 16)
        scenario.warmup = .seconds(1)
        scenario.duration = .seconds(seconds)
        scenario.seed = 9
        return scenario
    }

    func testACalibrationOnOneCorePredictsTwoCoresAndTheReverse() throws {
        try XCTSkipIf(CPUAffinity.available().count < 2, "needs 2 CPUs")
        let database = try ResultsDatabase(path: path("calibration.sqlite"))
        var options = RealtimeExecutor.Options()
        options.trace = true
        var runs: [Int: (id: String, result: RunResult)] = [:]
        for cores in [1, 2] {
            let identity = RunIdentity(scenarioName: "calibration-\(cores)", scenario: try scenario(cores: cores, seconds: 8))
            let result = try RunService.run(identity, database: database, provenance: Provenance.current(), options: options).result
            let id = try XCTUnwrap(try database.records(scenario: "calibration-\(cores)").last?.id)
            runs[cores] = (id, result)
        }
        for (from, to) in [(1, 2), (2, 1)] {
            let fits = try CalibrationFitting.fit(run: runs[from]!.id, database: database)
            XCTAssertEqual(fits.map(\.quantity), ["decode-cpu", "cpu-demand"], "the captures' rendering, the detector")
            try database.storeCalibration(fits.flatMap(\.records), run: runs[from]!.id)
            var predicted = try scenario(cores: to, seconds: 40)
            try predicted.applyCalibration(of: runs[from]!.id, from: database, path: path("calibration.sqlite"))
            let chosen = try XCTUnwrap(try database.calibration(run: runs[from]!.id).first { $0.worker == "detector" })
            // The demand, not the contended wall time: about 60 ms on either box.
            XCTAssertEqual(chosen.meanMs, 60, accuracy: 6, "calibrated on \(from) core(s)")
            let simulated = try VirtualExecutor(scenario: predicted).run()
            let real = runs[to]!.result
            let r = HostAgreementTests.figures(real, kind: "detector"), s = HostAgreementTests.figures(simulated, kind: "detector")
            let text = String(format: "calibrated on %d core(s), predicting %d: fps %.2f real / %.2f predicted, drop %.3f / %.3f, p50 %.1f / %.1f ms, CPU %.3f / %.3f",
                              from, to, r.fps, s.fps, r.drop, s.drop, r.p50, s.p50, real.cpu.process.cores, simulated.cpu.process.cores)
            print("host calibration: \(text)")
            XCTAssertEqual(r.fps, s.fps, accuracy: 0.05 * s.fps, text)
            XCTAssertEqual(r.drop, s.drop, accuracy: 0.03, text)
            XCTAssertEqual(r.p50, s.p50, accuracy: 0.10 * s.p50, text)
            XCTAssertEqual(real.cpu.process.cores, simulated.cpu.process.cores, accuracy: 0.05 * Double(to), text)
        }
    }
}
