import Random

/// The wiring of a plan for people: an indented text tree or Graphviz DOT.
extension TopologyPlan {
    public func text() -> String {
        var lines = ["topology \(kind.rawValue): \(streamCount) streams, \(pipelines.count) supplier\(pipelines.count == 1 ? "" : "s"), \(workerInstances) worker instances"]
        for pipeline in pipelines {
            let inbox: String
            switch pipeline.inbox {
            case .single: inbox = "single inbox"
            case .perStream(_, let scheduling): inbox = "per-stream inbox, \(scheduling)"
            }
            lines.append("  supplier \(pipeline.id) (\(inbox)) ← capture \(pipeline.streams.map(String.init).joined(separator: ", "))")
            for worker in pipeline.workers { lines.append("    → slot → worker \(worker.name) [\(worker.cost)]\(placement(worker))") }
            for (index, shared) in self.shared.enumerated() where feeds(shared, pipeline) {
                lines.append("    → frame-buffer \(index) (\(shared.spec.name))")
            }
        }
        for (index, shared) in shared.enumerated() {
            let slots = shared.sharedSlot ? "one slot for all streams" : "\(shared.slotPolicy.rawValue) slot per stream"
            lines.append("  frame-buffer \(index): \(shared.spec.name) [\(shared.spec.cost)]\(placement(shared.spec)) × \(shared.instances), \(slots), \(shared.scheduling), streams \(shared.streams.count)")
        }
        return lines.joined(separator: "\n")
    }

    public func dot() -> String {
        var lines = ["digraph topology_\(kind.rawValue) {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
        for pipeline in pipelines {
            lines.append("  supplier\(pipeline.id) [label=\"supplier \(pipeline.id)\", shape=ellipse];")
            for stream in pipeline.streams {
                lines.append("  capture\(stream) [label=\"capture \(stream)\"];")
                lines.append("  capture\(stream) -> supplier\(pipeline.id);")
            }
            for (position, worker) in pipeline.workers.enumerated() {
                let node = "worker\(pipeline.id)_\(position)"
                lines.append("  \(node) [label=\"\(worker.name)\"];")
                lines.append("  supplier\(pipeline.id) -> \(node);")
            }
            for (index, shared) in shared.enumerated() where feeds(shared, pipeline) {
                lines.append("  supplier\(pipeline.id) -> framebuffer\(index);")
            }
        }
        for (index, shared) in shared.enumerated() {
            lines.append("  framebuffer\(index) [label=\"frame-buffer \(index)\\n\(shared.scheduling)\", shape=cylinder];")
            for instance in 0..<shared.instances {
                lines.append("  shared\(index)_\(instance) [label=\"\(shared.spec.name) #\(instance + 1)\"];")
                lines.append("  framebuffer\(index) -> shared\(index)_\(instance);")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    private func placement(_ spec: WorkerSpec) -> String {
        let memory = spec.batch?.memoryGB(model: spec.modelMemory) ?? spec.modelMemory
        return (spec.device.map { " on \($0) (\(format3(memory)) GB)" } ?? "") + (spec.batch.map { ", \($0)" } ?? "")
    }

    private func feeds(_ shared: SharedWorkerPlan, _ pipeline: PipelinePlan) -> Bool {
        shared.fedByGlobalSupplier ? pipeline.id == 0 : shared.streams.contains { pipeline.streams.contains($0) }
    }
}
