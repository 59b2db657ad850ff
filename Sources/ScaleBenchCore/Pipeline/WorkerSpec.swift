import Random

/// How a worker spends its time on a frame.
public enum CostModel: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Sleeps for the service time: inference on an accelerator, no CPU on this host.
    case offload(ServiceDistribution)
    /// Spins until the thread's own CPU clock has advanced by the service time: CPU
    /// inference. On an oversubscribed host the wall time grows, as it would.
    case cpu(ServiceDistribution)
    /// Real work on the pixels: downscales the luma plane and scores motion against the
    /// previous frame. Costs whatever it costs.
    case pixels
    /// A process of its own speaking the original's worker protocol: a real detector.
    /// Costs whatever it costs, in the child and in the encoding on the worker's thread.
    case process(ProcessWorkerSpec)

    public var description: String {
        switch self {
        case .offload(let d): return "offload:\(d)"
        case .cpu(let d): return "cpu:\(d)"
        case .pixels: return "pixels"
        case .process(let p): return "process:\(p.commandLine)"
        }
    }

    public var processSpec: ProcessWorkerSpec? {
        if case .process(let spec) = self { return spec }
        return nil
    }

    public var isOffload: Bool {
        if case .offload = self { return true }
        return false
    }

    /// Mean service time where the model prescribes one (nil for `pixels` and `process`).
    public var meanServiceNanos: Double? {
        switch self {
        case .offload(let d), .cpu(let d): return d.meanNanos
        case .pixels, .process: return nil
        }
    }
}

/// A worker kind as a scenario names it: a preset (`person-detector`) or an explicit
/// cost model (`offload:50ms`, `cpu:lognormal(20ms,5ms)`, `pixels`).
public struct WorkerSpec: Sendable, Equatable, Codable {
    /// Label in reports and the worker's subscription id within its supplier.
    public var name: String
    public var cost: CostModel
    /// The device (by name) whose memory holds the model and, for `offload`, whose
    /// capacity its jobs share; nil: the host, unmodelled.
    public var device: String?
    /// Model memory per instance, GB: a preset's typical figure unless a scenario says
    /// otherwise; nil (0) for explicit cost models.
    public var modelMemoryGB: Double?
    /// Options B and C: instances of this kind when shared; nil: the scenario's default.
    public var instances: Int?
    /// An offload worker's CPU work on the host per service (pre- and post-processing and
    /// IPC: the original's bridge spends about 1 ms each way), half before the
    /// accelerator's part and half after; nil: none.
    public var hostCost: Duration?
    /// Frames of several streams in one call on its accelerator (an offload kind shared
    /// through a frame-buffer); nil: one frame a call.
    public var batch: BatchSpec?

    public init(name: String, cost: CostModel, device: String? = nil, modelMemoryGB: Double? = nil, instances: Int? = nil) {
        self.name = name
        self.cost = cost
        self.device = device
        self.modelMemoryGB = modelMemoryGB
        self.instances = instances
    }

    /// Model memory per instance, GB.
    public var modelMemory: Double { modelMemoryGB ?? 0 }

    /// Typical costs from the original (CPU figures are for its reference edge box).
    /// Model memory is per instance (weights plus runtime), in GB.
    public static let presets: [(name: String, cost: CostModel, memoryGB: Double, note: String)] = [
        ("person-detector", .cpu(.lognormal(mean: .milliseconds(20), sd: .milliseconds(4))), 0.5, "YOLO n @320, 10–20 ms CPU"),
        ("person-detector-640", .cpu(.lognormal(mean: .milliseconds(40), sd: .milliseconds(6))), 0.5, "YOLO n @640, 30–50 ms CPU"),
        ("yolo-m", .cpu(.lognormal(mean: .milliseconds(100), sd: .milliseconds(12))), 1, "YOLO m @640, 80–120 ms CPU"),
        ("pose", .cpu(.lognormal(mean: .milliseconds(50), sd: .milliseconds(8))), 0.5, "pose, ~50 ms CPU"),
        ("vlm", .offload(.lognormal(mean: .milliseconds(500), sd: .milliseconds(100))), 8, "VLM, ~500 ms on an accelerator"),
        ("vlm-slow", .offload(.lognormal(mean: .seconds(2), sd: .milliseconds(500))), 8, "VLM, 2–5 s on an accelerator"),
        ("motion", .pixels, 0, "luma downscale + frame-difference motion score"),
    ]

    public static let grammar = "a preset (\(presets.map(\.name).joined(separator: ", "))) or offload:DIST, cpu:DIST, pixels, process (with a process: command list), where DIST is \(ServiceDistribution.grammar)"

    /// Parses a preset name or `offload:DIST` / `cpu:DIST` / `pixels`.
    public static func parse(_ text: String) throws(ParseError) -> WorkerSpec {
        let trimmed = text.trimmingCharacters(in: " ")
        if let preset = presets.first(where: { $0.name == trimmed.lowercased() }) {
            // The model's size travels with the spec, so renaming the worker keeps it.
            return WorkerSpec(name: preset.name, cost: preset.cost, modelMemoryGB: preset.memoryGB > 0 ? preset.memoryGB : nil)
        }
        if trimmed.lowercased() == "pixels" { return WorkerSpec(name: "pixels", cost: .pixels) }
        // A scenario file's `process:` list arrives as `kind: process` (the command is read
        // by the reader); a stored run's scenario as `process:` and the spec's JSON.
        if trimmed.lowercased() == "process" { return WorkerSpec(name: "process", cost: .process(ProcessWorkerSpec(command: []))) }
        if trimmed.hasPrefix("process:{") {
            guard let spec = ProcessWorkerSpec.decode(json: String(trimmed.dropFirst("process:".count))) else {
                throw ParseError("malformed process worker '\(printable(text))'")
            }
            return WorkerSpec(name: "process", cost: .process(spec))
        }
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw ParseError("unknown worker '\(text)'; expected \(grammar)")
        }
        let kind = trimmed[..<colon].lowercased()
        let distribution: ServiceDistribution
        do {
            distribution = try ServiceDistribution.parse(String(trimmed[trimmed.index(after: colon)...]))
        } catch {
            throw ParseError("malformed worker '\(text)': \(error.message)")
        }
        switch kind {
        case "offload": return WorkerSpec(name: trimmed, cost: .offload(distribution))
        case "cpu": return WorkerSpec(name: trimmed, cost: .cpu(distribution))
        default: throw ParseError("unknown worker kind '\(kind)' in '\(text)'; expected offload, cpu, pixels or process")
        }
    }

    /// Gives repeated names a `#2`, `#3` suffix so every worker of a pipeline has its own id.
    public static func uniquelyNamed(_ specs: [WorkerSpec]) -> [WorkerSpec] {
        var seen: [String: Int] = [:]
        return specs.map { spec in
            let count = (seen[spec.name] ?? 0) + 1
            seen[spec.name] = count
            var renamed = spec
            if count > 1 { renamed.name = "\(spec.name)#\(count)" }
            return renamed
        }
    }
}
