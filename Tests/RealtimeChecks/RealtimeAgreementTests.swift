@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// The same short scenario in real time and in simulated time: offload workers and a
/// synthetic source, so this machine's CPU stays out of it. They agree on drop fraction
/// and latency p50 within 5 % and latency p99 within 15 %.
///
/// The light kind serves 40 ms, not the 10 ms of `benchmarks/agreement.yaml`: real time adds
/// the threads' wake-ups, an absolute delay: 0.6 ms at the p99 on a quiet 2-core machine,
/// 1.6 ms on a busy CI machine, 2.9–4.8 ms with both cores saturated by other processes
/// (measured at 25 and 40 ms alike). 15 % of 40 ms leaves room for 6 ms; the benchmark
/// measures the 10 ms kind on a quiet machine (Reports/benchmarks.md). The real run lasts
/// 8 s, not 4: with 4 s the shared kind's p50 rested on ~115 frames and missed by 6 % once
/// under load.
final class RealtimeAgreementTests: XCTestCase {
    private func scenario(_ topology: TopologyKind) throws -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 4
        scenario.fps = 20
        scenario.resolution = Resolution(width: 160, height: 120)
        scenario.workers = [try WorkerSpec.parse("offload:lognormal(70ms,10ms)"), try WorkerSpec.parse("offload:40ms")]
        scenario.topology = topology
        if topology == .hybrid { scenario.sharedWorkers = ["offload:lognormal(70ms,10ms)"]; scenario.sharedInstances = 2 }
        scenario.duration = .seconds(8)
        scenario.warmup = .milliseconds(500)
        scenario.seed = 7
        return scenario
    }

    func testRealtimeAndSimulatedAgreeOnDropsAndLatency() throws {
        for topology in [TopologyKind.independentPipelines, .hybrid] {
            let scenario = try scenario(topology)
            let real = try RealtimeExecutor(scenario: scenario).run().result
            // The simulated side runs five times as long (seconds of CPU, not of waiting),
            // so that the comparison's sampling error is nearly all the real run's: the
            // shared kind serves about 230 frames in 8 s, whose p50 moves by ~2 % from run
            // to run.
            var long = scenario
            long.duration = .seconds(40)
            let simulated = try VirtualExecutor(scenario: long).run()
            for kind in scenario.workers.map(\.name) {
                func pooled(_ result: RunResult) -> (drop: Double, p50: Double, p99: Double) {
                    let rows = result.workers.filter { $0.worker == kind }
                    var latency = LatencyHistogram()
                    for row in rows { if let histograms = row.histograms { latency.add(histograms.latency) } }
                    let drops = rows.reduce(0) { $0 + $1.drops }, delivered = rows.reduce(0) { $0 + $1.delivered }
                    return (delivered == 0 ? 0 : Double(drops) / Double(delivered), latency.quantiles.p50 ?? 0, latency.quantiles.p99 ?? 0)
                }
                let r = pooled(real), s = pooled(simulated)
                let label = "\(topology.rawValue) \(kind): real \(r), simulated \(s)"
                // Drop fractions near 0 compare absolutely; otherwise relatively.
                XCTAssertLessThanOrEqual(abs(r.drop - s.drop), max(0.05 * s.drop, 0.01), label)
                XCTAssertEqual(r.p50, s.p50, accuracy: 0.05 * s.p50, label)
                XCTAssertEqual(r.p99, s.p99, accuracy: 0.15 * s.p99, label)
            }
        }
    }
}
