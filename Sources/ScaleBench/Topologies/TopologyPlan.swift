/// Which of P001's options a run wires up.
public enum TopologyKind: String, Sendable, Codable, CaseIterable {
    /// A: N independent pipelines, each with its own capture, supplier and workers.
    case independentPipelines = "A"
}

/// One FrameSupplier and what feeds and reads it.
public struct PipelinePlan: Sendable, Equatable {
    public var id: Int
    /// Streams whose captures publish into this pipeline's supplier.
    public var streams: [Int]
    /// Worker instances subscribed to this pipeline's supplier.
    public var workers: [WorkerSpec]
}

/// The wiring of a run as data: which pipelines exist and what each holds. Executors
/// instantiate the components from this plan; builders never create components.
public struct TopologyPlan: Sendable, Equatable {
    public var kind: TopologyKind
    public var streamCount: Int
    public var pipelines: [PipelinePlan]

    /// Builds the plan of `scenario.topology`.
    public static func build(_ scenario: RunScenario) -> TopologyPlan {
        switch scenario.topology {
        case .independentPipelines: return independentPipelines(scenario)
        }
    }

    /// Option A: per stream its own pipeline with one instance of every worker kind.
    static func independentPipelines(_ scenario: RunScenario) -> TopologyPlan {
        let workers = WorkerSpec.uniquelyNamed(scenario.workers)
        return TopologyPlan(
            kind: .independentPipelines, streamCount: scenario.streams,
            pipelines: (0..<scenario.streams).map { PipelinePlan(id: $0, streams: [$0], workers: workers) })
    }

    /// Model instances the plan needs per worker kind (N × kinds for option A).
    public var workerInstances: Int { pipelines.reduce(0) { $0 + $1.workers.count } }
}
