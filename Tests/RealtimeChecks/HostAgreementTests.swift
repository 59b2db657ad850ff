import Foundation
@testable import Realtime
import RuntimeSupport
@testable import ScaleBenchCore
@testable import Simulated
import TestSupport
import XCTest

/// Real time against simulated time where the CPU is contended, with the host declared as
/// this machine's cores (docs/queueing.md §6). Both sides draw the same service demands;
/// what they must agree on is decided by the operating system in real time — which
/// worker thread runs when, on which core, and how long it waits — and by the host
/// model's processor sharing in simulated time, so the agreement is not circular.
///
/// Cases: (a) 4 streams × 10 fps × `cpu:lognormal(60ms,10ms)`, 2.4 cores of demand on 2;
/// (b) the same pinned to 1 core; (c) demand at 0.7 of 2 cores; (d) a `cpu` worker beside
/// an offload worker with a host cost (2 ms: the original's bridge, about 1 ms each way); each in options A, B and C. Tolerances: per-stream
/// fps within 5 %, drop fraction within 0.03, latency p50 within 10 % and p99 within 20 %
/// (where either side has 500 samples), process CPU within 5 % of the box. A real run
/// outside them is run once more, and the case fails when that one is outside them too.
///
/// Latency p99 is compared where the real run has 500 samples of a kind (not in the 5 s
/// windows CI runs). `SCALEBENCH_HOST_AGREEMENT_SECONDS` sets the real-time window (the
/// table in Reports/benchmarks.md used 30 s), `SCALEBENCH_HOST_AGREEMENT_CASES` picks
/// cases (e.g. `a,d`), and the test prints every figure.
final class HostAgreementTests: XCTestCase {
    struct Case {
        var name: String
        var cores: Int
        var workers: [WorkerSpec]
        var shared: [String]
    }

    static let seconds = Double(ProcessInfo.processInfo.environment["SCALEBENCH_HOST_AGREEMENT_SECONDS"] ?? "") ?? 5

    static func cases() throws -> [Case] {
        func worker(_ text: String, name: String, hostCost: Duration? = nil) throws -> WorkerSpec {
            var spec = try WorkerSpec.parse(text)
            spec.name = name
            spec.hostCost = hostCost
            return spec
        }
        return [
            Case(name: "(a) 2.4 cores of demand on 2", cores: 2,
                 workers: [try worker("cpu:lognormal(60ms,10ms)", name: "detector")], shared: ["detector"]),
            Case(name: "(b) the same on 1 core", cores: 1,
                 workers: [try worker("cpu:lognormal(60ms,10ms)", name: "detector")], shared: ["detector"]),
            Case(name: "(c) demand at 0.7 of 2 cores", cores: 2,
                 workers: [try worker("cpu:lognormal(35ms,6ms)", name: "detector")], shared: ["detector"]),
            Case(name: "(d) cpu beside offload with a host cost", cores: 2,
                 workers: [try worker("cpu:lognormal(30ms,5ms)", name: "detector"),
                           try worker("offload:lognormal(80ms,10ms)", name: "vlm", hostCost: .milliseconds(2))],
                 shared: ["vlm"]),
        ]
    }

    static func scenario(_ c: Case, topology: TopologyKind, seconds: Double) -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 4
        scenario.fps = 10
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.phase = .random
        scenario.workers = c.workers
        scenario.topology = topology
        scenario.sharedWorkers = topology == .hybrid ? c.shared : []
        scenario.sharedInstances = 2
        scenario.host = HostSpec(cores: c.cores, memoryGB: 16)
        scenario.warmup = .milliseconds(500)
        scenario.duration = .seconds(seconds)
        scenario.seed = 5
        return scenario
    }

    struct Figures {
        var fps: Double, drop: Double, p50: Double, p99: Double, samples: UInt64
    }

    static func figures(_ result: RunResult, kind: String) -> Figures {
        let rows = result.workers.filter { $0.worker == kind }
        var latency = LatencyHistogram()
        for row in rows { if let histograms = row.histograms { latency.add(histograms.latency) } }
        let drops = rows.reduce(0) { $0 + $1.drops }, delivered = rows.reduce(0) { $0 + $1.delivered }
        let quantiles = latency.quantiles
        return Figures(fps: rows.reduce(0) { $0 + $1.processedFPS } / Double(max(rows.count, 1)),
                       drop: delivered == 0 ? 0 : Double(drops) / Double(delivered),
                       p50: quantiles.p50 ?? 0, p99: quantiles.p99 ?? 0, samples: quantiles.count)
    }

    func testRealAndSimulatedTimeAgreeWhereTheCoresAreContended() throws {
        let available = CPUAffinity.available().count
        try XCTSkipIf(available < 2, "needs 2 CPUs to declare a 2-core host; this machine lets the test use \(available)")
        let only = ProcessInfo.processInfo.environment["SCALEBENCH_HOST_AGREEMENT_CASES"].map { Set($0.split(separator: ",").map(String.init)) }
        for c in try Self.cases() where only.map({ $0.contains(String(c.name.dropFirst().prefix(1))) }) ?? true {
            for topology in TopologyKind.allCases {
                let seconds = Self.seconds
                let scenario = Self.scenario(c, topology: topology, seconds: seconds)
                // The simulated side runs five times as long, so that the comparison's
                // sampling error is nearly all the real run's.
                let simulated = try VirtualExecutor(scenario: Self.scenario(c, topology: topology, seconds: seconds * 5)).run()
                let label = "\(c.name), option \(topology.rawValue)"
                // A 5 s window on a shared virtual machine can fall in a spell in which the
                // machine gets less of its CPUs than it declares, which neither side models:
                // a real run that disagrees is run once more, and the case fails only when
                // the second disagrees too (both are printed).
                var misses = Self.disagreements(real: try RealtimeExecutor(scenario: scenario).run().result, simulated: simulated, case: c, label: label)
                if !misses.isEmpty {
                    print("host agreement: \(label): outside the tolerances, run again: \(misses.joined(separator: "; "))")
                    misses = Self.disagreements(real: try RealtimeExecutor(scenario: scenario).run().result, simulated: simulated, case: c, label: label)
                }
                for miss in misses { XCTFail(miss) }
                XCTAssertLessThanOrEqual(simulated.cpu.process.cores, Double(c.cores) + 1e-9, "\(label): never more CPU than the box")
            }
        }
    }

    /// What of one real run falls outside the tolerances against the simulation: each a
    /// message with both sides' figures (every figure is printed either way).
    static func disagreements(real: RunResult, simulated: RunResult, case c: Case, label: String) -> [String] {
        var misses: [String] = []
        func check(_ real: Double, _ simulated: Double, within tolerance: Double, _ text: String) {
            if abs(real - simulated) > tolerance { misses.append(text) }
        }
        if real.host?.pinned != true { misses.append("\(label): not pinned") }
        if real.host?.cpus != c.cores { misses.append("\(label): pinned to \(real.host?.cpus ?? 0) CPUs, not the box's \(c.cores)") }
        for kind in c.workers.map(\.name) {
            let r = figures(real, kind: kind), s = figures(simulated, kind: kind)
            let text = String(format: "%@ %@: fps %.2f / %.2f, drop %.3f / %.3f, p50 %.1f / %.1f ms, p99 %.1f / %.1f ms (%llu real samples)",
                              label, kind, r.fps, s.fps, r.drop, s.drop, r.p50, s.p50, r.p99, s.p99, r.samples)
            print("host agreement: \(text)")
            check(r.fps, s.fps, within: 0.05 * s.fps, "fps: " + text)
            check(r.drop, s.drop, within: 0.03, "drop fraction: " + text)
            check(r.p50, s.p50, within: 0.10 * s.p50, "p50: " + text)
            if r.samples >= 500 { check(r.p99, s.p99, within: 0.20 * s.p99, "p99: " + text) }
        }
        let cores = String(format: "%@: process CPU %.3f real / %.3f simulated cores", label, real.cpu.process.cores, simulated.cpu.process.cores)
        print("host agreement: \(cores)")
        check(real.cpu.process.cores, simulated.cpu.process.cores, within: 0.05 * Double(c.cores), cores)
        return misses
    }
}
