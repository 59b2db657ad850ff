import Analysis
import Foundation
import ResultsStore
import ScaleBenchCore

/// The report's section on batching (docs/queueing.md §8), a pure function of stored runs:
/// for each worker kind that batches, per stream count and option, its looks per room per
/// minute — one frame a call (the runs of a scenario set beside, where the kind does not
/// batch) and batching — each beside §8's closed form for saturated streams; and the
/// batches themselves: mean size, each frame's wait for its batch, the device's busy
/// fraction of the window and how evenly the streams were served.
public struct BatchingSection: Sendable {
    /// One configuration of one batching kind.
    public struct Row: Sendable {
        public var worker: String
        public var streams: Int
        public var option: String
        /// One frame a call (nil: no such runs) and batching.
        public var one: Side?
        public var batching: Side?
        /// Frames per batch, pooled over the batching runs' batches (nil: none launched).
        public var meanBatch: Double?
        /// Each frame's wait for its batch, the runs' histograms pooled (nil: runs stored
        /// before it was measured).
        public var wait: Quantiles?
    }

    /// One way of serving the kind at one configuration, medians over its runs.
    public struct Side: Sendable {
        public var runs: Int
        /// Frames a minute per stream (a look per room per minute for a VLM).
        public var looksPerMinute: Double
        /// §8 for saturated streams on one instance, a minute, and how it was computed;
        /// nil where it does not apply (several instances, streams that are not saturated,
        /// changing load).
        public var closedForm: Double?
        public var formula: String?
        /// The kind's device busy fraction of the measured window, Jain's index over the
        /// streams it served (nil: not stored, or a kind not shared).
        public var utilisation: Double?
        public var jain: Double?
    }

    /// The scenario whose runs batch, and the one set beside it (nil: none).
    public var batchingScenario: String
    public var oneAtATimeScenario: String?
    public var rows: [Row]

    /// From the report's runs and, optionally, another scenario's set beside them: the side
    /// where a kind batches is the batching one, whichever was named first. Nil when no run
    /// batches and nothing was set beside; an error when a scenario set beside cannot pair.
    public static func make(runs: [RunRecord], beside: [RunRecord]? = nil) throws(EvaluationError) -> BatchingSection? {
        let own = batchingKinds(runs)
        guard let beside else {
            return own.isEmpty ? nil : section(batching: runs, one: [], kinds: own)
        }
        let names = (runs.first?.scenarioName ?? "the report's scenario", beside.first?.scenarioName ?? "the scenario beside")
        let other = batchingKinds(beside)
        switch (own.isEmpty, other.isEmpty) {
        case (false, true): return section(batching: runs, one: beside, kinds: own)
        case (true, false): return section(batching: beside, one: runs, kinds: other)
        case (true, true):
            throw EvaluationError("--beside \(names.1): neither \(names.0) nor \(names.1) has a batching worker (a worker's batch: key); set a scenario whose worker batches beside one whose worker does not")
        case (false, false):
            throw EvaluationError("--beside \(names.1): both \(names.0) and \(names.1) batch (\((own + other).uniqued().joined(separator: ", "))); set a scenario whose worker does not batch beside one whose worker does")
        }
    }

    /// The kinds that batch in the runs' scenarios, in the order the scenarios list them.
    static func batchingKinds(_ runs: [RunRecord]) -> [String] {
        runs.compactMap(\.scenario).flatMap { $0.workers.filter { $0.batch != nil }.map(\.name) }.uniqued()
    }

    private static func section(batching: [RunRecord], one: [RunRecord], kinds: [String]) -> BatchingSection {
        struct Configuration: Hashable { var streams: Int, option: String }
        let configurations = (batching + one).map { Configuration(streams: $0.streams, option: $0.option) }.uniqued()
            .sorted { ($0.streams, $0.option) < ($1.streams, $1.option) }
        var rows: [Row] = []
        for kind in kinds {
            for configuration in configurations {
                func here(_ runs: [RunRecord]) -> [RunRecord] {
                    runs.filter { $0.streams == configuration.streams && $0.option == configuration.option && $0.kinds.contains { $0.worker == kind } }
                }
                let batched = here(batching), plain = here(one)
                guard !batched.isEmpty || !plain.isEmpty else { continue }
                let batches = batched.compactMap { $0.batches.first { $0.worker == kind } }
                let frames = batches.reduce(Int64(0)) { $0 + $1.frames }, launched = batches.reduce(Int64(0)) { $0 + $1.batches }
                let waits = batches.compactMap(\.wait)
                var pooled = LatencyHistogram()
                for wait in waits { pooled.add(wait) }
                rows.append(Row(worker: kind, streams: configuration.streams, option: configuration.option,
                                one: side(plain, kind: kind), batching: side(batched, kind: kind),
                                meanBatch: launched == 0 ? nil : Double(frames) / Double(launched),
                                wait: waits.isEmpty ? nil : pooled.quantiles))
            }
        }
        return BatchingSection(batchingScenario: batching.first?.scenarioName ?? "", oneAtATimeScenario: one.first?.scenarioName,
                               rows: rows)
    }

    private static func side(_ runs: [RunRecord], kind: String) -> Side? {
        let served = runs.compactMap { $0.kinds.first { $0.worker == kind }?.meanServedFPS }
        guard !served.isEmpty else { return nil }
        let (closed, formula) = closedForm(runs, kind: kind)
        let utilisation = runs.compactMap { run -> Double? in
            guard let device = run.scenario?.workers.first(where: { $0.name == kind })?.device else { return nil }
            return run.deviceUtilisation[device]
        }
        let jain = runs.compactMap { $0.fairness.first { $0.worker == kind }?.jain }
        return Side(runs: served.count, looksPerMinute: Descriptive.median(served) * 60, closedForm: closed.map { $0 * 60 },
                    formula: formula, utilisation: utilisation.isEmpty ? nil : Descriptive.median(utilisation),
                    jain: jain.isEmpty ? nil : Descriptive.median(jain))
    }

    /// §8 per stream for the configuration's pools of the kind, when each is one instance
    /// serving the same number of streams, those streams saturate it (each stream's rate
    /// above what the closed form serves it) and the load does not change.
    static func closedForm(_ runs: [RunRecord], kind: String) -> (Double?, String?) {
        guard let run = runs.first, let scenario = run.scenario, !scenario.hasVaryingCapture,
              let spec = scenario.workers.first(where: { $0.name == kind }) else { return (nil, nil) }
        let pools = run.pools.filter { $0.worker == kind }
        guard let streams = pools.first?.streams, pools.allSatisfy({ $0.instances == 1 && $0.streams == streams }) else { return (nil, nil) }
        let speed = spec.device.flatMap { name in scenario.devices.first { $0.name == name } }?.sharing.perJobSpeed(concurrentJobs: 1) ?? 1
        guard let perStream = spec.saturatedServedFPS(streams: streams, speed: speed), perStream < scenario.rate else { return (nil, nil) }
        let formula: String
        if let batch = spec.batch {
            formula = streams <= batch.max ? "60/L(\(streams))" : "60·\(batch.max)/(\(streams)·L(\(batch.max)))"
        } else {
            formula = streams == 1 ? "60/S" : "60/(\(streams)·S)"
        }
        return (perStream, formula)
    }
}
