import Foundation
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// Scenarios for the virtual executor's validation, and the closed forms of
/// docs/queueing.md they are checked against.
enum VirtualScenarios {
    /// One stream, one worker of its own (option A), `frames` arrivals at 30 fps.
    static func oneWorker(cost: CostModel, arrival: ArrivalProcess, frames: Double, seed: UInt64 = 7) -> RunScenario {
        var scenario = RunScenario()
        scenario.streams = 1
        scenario.fps = 30
        scenario.arrival = arrival
        scenario.workers = [WorkerSpec(name: "w", cost: cost)]
        scenario.warmup = .seconds(1)
        scenario.duration = .seconds(frames / 30)
        scenario.seed = seed
        return scenario
    }

    /// N periodic streams at 30 fps (spread phases) and one shared kind `cost`.
    static func shared(_ topology: TopologyKind, streams: Int = 4, cost: CostModel, seconds: Double) -> RunScenario {
        var scenario = RunScenario()
        scenario.topology = topology
        scenario.streams = streams
        scenario.fps = 30
        scenario.workers = [WorkerSpec(name: "shared", cost: cost)]
        if topology == .hybrid { scenario.sharedWorkers = ["shared"] }
        scenario.sharedInstances = 1
        scenario.scheduling = .roundRobin
        scenario.warmup = .seconds(1)
        scenario.duration = .seconds(seconds)
        return scenario
    }

}

/// §1: one worker, one latest-frame slot, Poisson arrivals of rate λ, service S. All
/// times in seconds.
struct LatestFrameClosedForm {
    let lambda: Double
    let meanS: Double
    /// E[S²], for the sampling-error bounds.
    let secondMomentS: Double
    /// S*(λ) = E[e^(−λS)].
    let laplace: Double
    /// E[S·e^(−λS)].
    let weighted: Double

    static func constant(lambda: Double, d: Double) -> LatestFrameClosedForm {
        LatestFrameClosedForm(lambda: lambda, meanS: d, secondMomentS: d * d, laplace: exp(-lambda * d), weighted: d * exp(-lambda * d))
    }

    static func exponential(lambda: Double, mean: Double) -> LatestFrameClosedForm {
        let mu = 1 / mean
        return LatestFrameClosedForm(lambda: lambda, meanS: mean, secondMomentS: 2 * mean * mean,
                                     laplace: mu / (mu + lambda), weighted: mu / ((mu + lambda) * (mu + lambda)))
    }

    var cycle: Double { meanS + laplace / lambda }
    var throughput: Double { 1 / cycle }
    var dropFraction: Double { 1 - throughput / lambda }
    var meanAge: Double { (1 - laplace) / lambda - weighted }
    var meanLatency: Double { meanAge + meanS }

    /// Tolerances: `z` standard errors at `seconds` of measurement, from upper bounds
    /// on the standard deviations (the cycles are i.i.d. with Poisson arrivals):
    /// - cycle C = S + (idle Exp(λ) or 0): sd(C) ≤ rms(S) + √2/λ;
    /// - age at start ≤ the previous service time: sd(A) ≤ rms(S);
    /// - latency A + S with A, S independent: sd ≤ √(E[S²] + Var S).
    /// Plus 0.1 % for the histogram's 3 significant digits on the means.
    struct Tolerances {
        var throughput: Double
        var dropFraction: Double
        var meanAge: Double
        var meanLatency: Double
    }

    func tolerances(seconds: Double, z: Double = 4) -> Tolerances {
        let processed = throughput * seconds
        let rmsS = secondMomentS.squareRoot()
        let relativeX = (rmsS + 2.0.squareRoot() / lambda) / cycle / processed.squareRoot()
        let dropSE = throughput / lambda * (relativeX * relativeX + 1 / (lambda * seconds)).squareRoot()
        let varianceS = secondMomentS - meanS * meanS
        return Tolerances(
            throughput: z * relativeX * throughput,
            dropFraction: z * dropSE,
            meanAge: z * rmsS / processed.squareRoot() + 1e-3 * meanAge,
            meanLatency: z * (secondMomentS + varianceS).squareRoot() / processed.squareRoot() + 1e-3 * meanLatency)
    }
}
