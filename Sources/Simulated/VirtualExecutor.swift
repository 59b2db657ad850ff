import Foundation
import ScaleBenchCore
import Random

/// Runs a topology plan in virtual time: a discrete-event simulation of the realtime
/// executor with zero overhead, driven from an event queue in virtual nanoseconds. No
/// threads, no sleeps, no wall clock.
///
/// It builds the same ``RunInstances`` from the scenario and drives the same pure
/// policies: the captures' ``ArrivalSchedule`` (same seeds and ``PhasePolicy`` phases),
/// ``LatestFrameSlot`` for inboxes and worker slots, ``FrameBufferPolicy`` for shared
/// kinds and option B's per-stream inbox, ``ProcessorSharing`` for declared devices and
/// ``FaultSchedule`` for faults; service times are drawn from each worker's
/// ``ServiceDistribution`` with the realtime worker's seed.
///
/// What "zero overhead" means here: a frame is published at its due time, the supplier
/// distributes it at that instant (so inboxes never drop and hand-off is 0 unless the
/// worker is busy), and an idle worker takes it at once. With a declared host, every CPU
/// job — a `cpu` worker's service, an offload worker's host cost — shares the box's
/// cores by processor sharing (``HostScheduler``, docs/queueing.md §6); without one, a
/// `cpu` service lasts its sampled time whatever else runs. An `offload` worker placed
/// on a declared device shares it with the other jobs there.
///
/// Faults follow ``CaptureFaults`` and ``WorkerFaults``, as in real time.
///
/// The result has the realtime shape (rows, window figures, accounting, fairness,
/// devices, fault isolation), built by the same ``ResultAssembler``. CPU figures come
/// from the host model (none without a declared host); there are no memory figures, no
/// timeline (it samples process CPU and memory), capture production and lateness are
/// zero, and there are no worker events to keep.
///
/// Deterministic: the same scenario (seed included) gives the same result.
public struct VirtualExecutor {
    public let scenario: RunScenario
    /// Whether the result keeps every processed frame's timestamps (``RunResult/trace``),
    /// as a real-time `--trace` run does.
    public var trace = false

    public init(scenario: RunScenario, trace: Bool = false) {
        self.scenario = scenario
        self.trace = trace
    }

    /// Simulates the warm-up plus the measured window. Throws ``ScenarioError`` for an
    /// invalid scenario or one a simulation cannot run: a source other than synthetic
    /// (recorded and live video have no arrival model), or a `pixels` worker.
    public func run() throws -> RunResult {
        let simulation = try prepare()
        simulation.simulate()
        return simulation.result()
    }

    /// The simulation built and not yet run, so that a benchmark can time building,
    /// simulating and summarising apart. Throws as ``run()``.
    public func prepare() throws -> Simulation {
        try scenario.validate()
        try Self.check(scenario)
        if trace { try SimulationBudget(scenario).checkTrace(availableBytes: SimulationBudget.availableMemory()) }
        return Simulation(run: try VirtualRun(scenario: scenario, trace: trace))
    }

    /// A prepared simulation: ``simulate()`` once, then ``result()``. A reference, as the
    /// run it holds cannot be copied.
    public final class Simulation {
        private var run: VirtualRun
        private var boundaries: (before: RunCounts, after: RunCounts)?

        init(run: consuming VirtualRun) { self.run = run }

        /// Runs the event loop to the end of the measured window and drains it.
        public func simulate() {
            precondition(boundaries == nil, "a simulation runs once")
            boundaries = run.run()
        }

        /// Events handled so far: arrivals, productions, service ends, device and host
        /// checks, batch waits, crashes and restarts, stale ones included (each but the host
        /// check, kept beside the queue, costs a pop). The arrivals and faults still queued
        /// when the window ends are discarded, not counted.
        public var handledEvents: UInt64 { run.handledEvents }

        public func result() -> RunResult {
            guard let boundaries else { preconditionFailure("simulate() first") }
            return run.result(before: boundaries.before, after: boundaries.after)
        }
    }

    /// What a simulation cannot run, refused before anything starts: a live URL, a
    /// recorded file without a target fps or that is not there (a file's frames arrive
    /// as periodic arrivals at that fps, their decoding as the scenario's `decode-cpu`), a `pixels` worker (its cost is the real work on real pixels), and
    /// a ``SimulationBudget`` over the available memory (``SimulationBudget/availableMemory(environment:)``
    /// unless given) or over what a row's histograms can count.
    public static func check(_ scenario: RunScenario) throws(ScenarioError) {
        try check(scenario, availableBytes: SimulationBudget.availableMemory())
    }

    public static func check(_ scenario: RunScenario, availableBytes: Double) throws(ScenarioError) {
        var sources: [(VideoSource, target: Double?)] = [(scenario.source, scenario.fps)]
        for capture in scenario.streamCaptures where !sources.contains(where: { $0.0 == capture.source && $0.target == capture.targetFPS }) {
            sources.append((capture.source, capture.targetFPS))
        }
        for (source, target) in sources {
            switch source {
            case .synthetic:
                continue
            case .url:
                throw ScenarioError(key: "source", value: "\(source)",
                                    allowed: "synthetic or a recorded file in a simulated run (live video arrives when it arrives; run it in real time)")
            case .file(let path):
                guard target != nil else {
                    throw ScenarioError(key: "fps", value: "the file's own rate",
                                        allowed: "a target fps for a recorded file in a simulated run (its frames arrive at that rate; the file is not opened)")
                }
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw ScenarioError(key: "source", value: path, allowed: "a readable file (there is none at that path)")
                }
            }
        }
        if let worker = scenario.workers.first(where: { $0.cost == .pixels }) {
            throw ScenarioError(key: "worker \(worker.name)", value: "pixels",
                                allowed: "offload or cpu cost models in a simulated run (pixels does real work on real frames; run it in real time)")
        }
        if let worker = scenario.workers.first(where: { $0.cost.processSpec != nil }) {
            throw ScenarioError(key: "worker \(worker.name)", value: "process",
                                allowed: "a calibrated demand in a simulated run (a process worker is a real program; run it in real time with --trace, `scalebench calibrate RUN`, then simulate with --calibrated RUN)")
        }
        try SimulationBudget(scenario).check(availableBytes: availableBytes)
    }
}
