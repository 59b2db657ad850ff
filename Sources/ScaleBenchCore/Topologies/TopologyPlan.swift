import Random

/// Which of P001's options a run wires up.
public enum TopologyKind: String, Sendable, Codable, CaseIterable {
    /// A: N independent pipelines, each with its own capture, supplier and workers.
    case independentPipelines = "A"
    /// B: one global pipeline: every stream publishes into one supplier, and every worker
    /// kind is a pool of instances shared by all streams.
    case globalPipeline = "B"
    /// C: N pipelines for light workers; heavy worker kinds shared by all streams through
    /// a frame-buffer that looks like an ordinary worker to every supplier.
    case hybrid = "C"
}

/// How a supplier's publishes wait for its distribution loop.
public enum InboxVariant: Sendable, Equatable {
    /// One slot for every stream: a frame of one stream overwrites another's (the
    /// original; the coupling P001 warns about in option B).
    case single
    /// One overwrite slot per stream; the loop takes the next by `scheduling`.
    case perStream(streams: [Int], scheduling: SchedulingPolicy)
}

/// One FrameSupplier and what feeds and reads it.
public struct PipelinePlan: Sendable, Equatable {
    public var id: Int
    /// Streams whose captures publish into this pipeline's supplier.
    public var streams: [Int]
    /// Worker instances subscribed to this pipeline's supplier.
    public var workers: [WorkerSpec]
    public var inbox: InboxVariant = .single
}

/// A worker kind shared by several streams through a ``FrameBuffer`` (option C).
public struct SharedWorkerPlan: Sendable, Equatable {
    public var spec: WorkerSpec
    /// Worker instances taking from the frame-buffer.
    public var instances: Int
    /// Streams served, each through its pipeline's supplier.
    public var streams: [Int]
    public var slotPolicy: SlotPolicy
    public var scheduling: SchedulingPolicy
    /// Option C: one intake per stream's supplier. Option B: the one global supplier
    /// delivers every stream's frames, routed to their slots by stream id.
    public var fedByGlobalSupplier = false
    /// Option B with the single inbox: the original's one worker slot for all streams.
    public var sharedSlot = false
}

/// The wiring of a run as data: which pipelines exist and what each holds. Executors
/// instantiate the components from this plan; builders never create components.
public struct TopologyPlan: Sendable, Equatable {
    public var kind: TopologyKind
    public var streamCount: Int
    public var pipelines: [PipelinePlan]
    public var shared: [SharedWorkerPlan] = []

    /// Builds the plan of `scenario.topology`.
    public static func build(_ scenario: RunScenario) -> TopologyPlan {
        switch scenario.topology {
        case .independentPipelines: return independentPipelines(scenario)
        case .globalPipeline: return globalPipeline(scenario)
        case .hybrid: return hybrid(scenario)
        }
    }

    /// Option B: one supplier for all streams; every worker kind a pool of
    /// `sharedInstances`. `single-inbox` is the original throughout: one inbox slot and one
    /// worker slot shared by all streams (a frame of one stream overwrites another's).
    /// `per-stream-inbox` (ADR-004) keeps a slot per stream in the inbox and in each pool,
    /// served by the dispatch policy.
    static func globalPipeline(_ scenario: RunScenario) -> TopologyPlan {
        let streams = Array(0..<scenario.streams)
        let inbox: InboxVariant = scenario.inbox == .single
            ? .single : .perStream(streams: streams, scheduling: scenario.scheduling)
        return TopologyPlan(
            kind: .globalPipeline, streamCount: scenario.streams,
            pipelines: [PipelinePlan(id: 0, streams: streams, workers: [], inbox: inbox)],
            shared: WorkerSpec.uniquelyNamed(scenario.workers).map {
                SharedWorkerPlan(spec: $0, instances: $0.instances ?? scenario.sharedInstances, streams: streams, slotPolicy: .overwrite,
                                 scheduling: scenario.scheduling, fedByGlobalSupplier: true,
                                 sharedSlot: scenario.inbox == .single)
            })
    }

    /// Option C: per stream a pipeline with the light (unshared) workers; one frame-buffer
    /// and its instances per shared kind, fed by every stream's supplier.
    static func hybrid(_ scenario: RunScenario) -> TopologyPlan {
        let workers = WorkerSpec.uniquelyNamed(scenario.workers)
        let light = workers.filter { !scenario.sharedWorkers.contains($0.name) }
        let streams = Array(0..<scenario.streams)
        return TopologyPlan(
            kind: .hybrid, streamCount: scenario.streams,
            pipelines: streams.map { PipelinePlan(id: $0, streams: [$0], workers: light) },
            shared: workers.filter { scenario.sharedWorkers.contains($0.name) }.map {
                SharedWorkerPlan(spec: $0, instances: $0.instances ?? scenario.sharedInstances, streams: streams,
                                 slotPolicy: scenario.frameBufferSlot, scheduling: scenario.scheduling)
            })
    }

    /// Option A: per stream its own pipeline with one instance of every worker kind.
    static func independentPipelines(_ scenario: RunScenario) -> TopologyPlan {
        let workers = WorkerSpec.uniquelyNamed(scenario.workers)
        return TopologyPlan(
            kind: .independentPipelines, streamCount: scenario.streams,
            pipelines: (0..<scenario.streams).map { PipelinePlan(id: $0, streams: [$0], workers: workers) })
    }

    /// Model instances the plan needs (N × kinds for option A).
    public var workerInstances: Int { pipelines.reduce(0) { $0 + $1.workers.count } + shared.reduce(0) { $0 + $1.instances } }
}
