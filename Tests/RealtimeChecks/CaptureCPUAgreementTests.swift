import Foundation
@testable import Orchestration
@testable import Realtime
@testable import ResultsStore
import RuntimeSupport
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import Video
import XCTest

/// Decoding as a job on the box's cores, against the operating system: a real-time run
/// that decodes a 1080p H.264 file on each capture thread beside `cpu` workers, pinned to
/// one core, is calibrated (the captures' CPU per frame becomes `decode-cpu`, the
/// workers' CPU per service their demand) and simulated on a declared 1-core box. The
/// scheduler that shares the core between decoding and inference is Linux's in one run
/// and the host model in the other. A real run outside the tolerances is run once more,
/// and the test fails when that one is outside them too.
final class CaptureCPUAgreementTests: TemporaryFolderTestCase {
    func scenario(clip: String, seconds: Double) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 2
        scenario.source = .file(clip)
        scenario.fps = 15      // of a 30 fps file: rate control decodes two frames a published one
        scenario.resolution = nil
        scenario.phase = .random
        var detector = try WorkerSpec.parse("cpu:lognormal(25ms,5ms)")
        detector.name = "detector"
        scenario.workers = [detector]
        scenario.host = HostSpec(cores: 1, memoryGB: 16)
        scenario.warmup = .seconds(1)
        scenario.duration = .seconds(seconds)
        scenario.seed = 4
        return scenario
    }

    func testDecodingBesideWorkersOnOneCoreAgreesWithTheSimulation() throws {
        try XCTSkipIf(CPUAffinity.available().isEmpty, "no CPU to pin to")
        let clip = path("clip-1080p30.mp4")
        _ = try Fixtures.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-t", "4",
                                        "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-pix_fmt", "yuv420p", clip])
        let probe = try SourceProbe.probe(clip, warmup: .seconds(1), window: .seconds(1))
        let perFrameCPU = try XCTUnwrap(probe.decodeCPUMs?.mean)

        // A 10 s window on a shared virtual machine can fall in a spell in which the machine
        // gets less of its CPU than it declares, which neither side models: a real run that
        // disagrees is run (and calibrated) once more, and the test fails only when the
        // second disagrees too (both are printed).
        var misses = try attempt(1, clip: clip, perFrameCPU: perFrameCPU)
        if !misses.isEmpty {
            print("decode agreement: outside the tolerances, run again: \(misses.joined(separator: "; "))")
            misses = try attempt(2, clip: clip, perFrameCPU: perFrameCPU)
        }
        for miss in misses { XCTFail(miss) }
    }

    /// One real run, its calibration and the simulation of it: what falls outside the
    /// tolerances, each with every figure.
    private func attempt(_ number: Int, clip: String, perFrameCPU: Double) throws -> [String] {
        let database = try ResultsDatabase(path: path("decode-\(number).sqlite"))
        var options = RealtimeExecutor.Options()
        options.trace = true
        let identity = RunIdentity(scenarioName: "decode", scenario: try scenario(clip: clip, seconds: 10))
        let real = try RunService.run(identity, database: database, provenance: Provenance.current(), options: options).result
        let id = try XCTUnwrap(try database.records(scenario: "decode").last?.id)
        let fits = try CalibrationFitting.fit(run: id, database: database)
        XCTAssertEqual(fits.map(\.quantity), ["decode-cpu", "cpu-demand"], "captures first, then the detector")
        try database.storeCalibration(fits.flatMap(\.records), run: id)

        var predicted = try scenario(clip: clip, seconds: 50)
        try predicted.applyCalibration(of: id, from: database, path: path("decode-\(number).sqlite"))
        let decode = try XCTUnwrap(predicted.decodeCPU)
        let simulated = try VirtualExecutor(scenario: predicted).run()

        let r = HostAgreementTests.figures(real, kind: "detector"), s = HostAgreementTests.figures(simulated, kind: "detector")
        let text = String(format: "fps %.2f real / %.2f simulated, drop %.3f / %.3f, p50 %.1f / %.1f ms, capture CPU %.3f / %.3f cores, decode-cpu %.2f ms (probe %.2f per file frame)",
                          r.fps, s.fps, r.drop, s.drop, r.p50, s.p50, real.cpu.capture.cores, simulated.cpu.capture.cores,
                          decode.meanNanos / 1e6, perFrameCPU)
        print("decode agreement: \(text)")
        var misses: [String] = []
        func check(_ real: Double, _ simulated: Double, within tolerance: Double, _ what: String) {
            if abs(real - simulated) > tolerance { misses.append("\(what): \(text)") }
        }
        if real.host?.cpus != 1 { misses.append("not pinned to the box's core: \(text)") }
        // Not circular: the probe decodes the file alone, the run under contention; both
        // measure the thread's CPU, two file frames per published one.
        check(decode.meanNanos / 1e6, 2 * perFrameCPU, within: 0.25 * 2 * perFrameCPU, "calibrated decode-cpu against the probe's CPU per frame")
        check(r.fps, s.fps, within: 0.05 * s.fps, "fps")
        check(r.drop, s.drop, within: 0.03, "drop fraction")
        check(r.p50, s.p50, within: 0.10 * s.p50, "p50")
        check(real.cpu.capture.cores, simulated.cpu.capture.cores, within: 0.05, "capture CPU")
        check(real.cpu.process.cores, simulated.cpu.process.cores, within: 0.05, "process CPU")
        // Frames ready more than a period late, as a share of those due.
        func captureDrops(_ result: RunResult) -> Double {
            let drops = result.streams.reduce(0) { $0 + $1.captureDrops }
            return Double(drops) / max(result.streams.reduce(0) { $0 + $1.realFPS } * result.measuredSeconds + Double(drops), 1)
        }
        check(captureDrops(real), captureDrops(simulated), within: 0.03, "capture drops")
        return misses
    }
}
