import Random

/// Reads a scenario file's YAML tree into a ``ScenarioFile``: the schema of
/// Scenarios/README.md, key by key, with defaults filled in from ``RunScenario``.
struct ScenarioReader {
    let file: String
    /// Line of every key path read.
    var lines: [String: Int] = [:]

    init(file: String) { self.file = file }

    static let topKeys = ["name", "description", "streams", "topology", "duration", "warmup", "repetitions", "seed",
                          "cooldown", "host", "capture", "workers", "devices", "options", "faults", "checkpoint", "gate"]
    static let captureKeys = ["source", "sources", "fps", "stress", "resolution", "pixel-format", "arrival", "phase",
                              "decode", "decode-threads", "decode-cpu", "loop", "reconnect-scale", "fatal-decode-errors",
                              "load", "load-trace", "groups", "storms"]
    static let stormKeys = ["every", "lasts", "rooms", "state"]
    static let loadStateKeys = ["state", "fps", "dwell", "next", "workers"]
    static let groupKeys = ["streams", "fps", "arrival", "phase", "load", "source", "resolution"]
    static let workerKeys = ["kind", "name", "device", "model-memory-gb", "shared", "instances", "host-cost", "batch"] + processKeys
    /// A process worker's keys besides `process` itself (the command list).
    static let processOptionKeys = ["env", "cwd", "frames", "jpeg-quality", "reply-timeout", "max-reply-bytes", "stop-timeout", "restart"]
    static let processKeys = ["process"] + processOptionKeys
    static let batchKeys = ["max", "wait", "extra", "curve", "memory-gb"]
    static let hostKeys = ["profile", "cores", "threads", "smt", "memory-gb"]
    static let deviceKeys = ["name", "memory-gb", "sharing"]
    static let optionKeys = ["inbox", "shared-instances", "framebuffer-slot", "scheduling", "fanout-threshold"]
    static let faultKeys = ["kind", "at", "stream", "worker", "duration", "factor"]
    static let checkpointKeys = ["service-levels", "criteria", "alert-chain", "sensitivity"]
    static let sensitivityKeys = ["assumption", "range", "steps"]
    static let gateKeys = ["alpha", "thresholds"]
    static let serviceLevelKeys = ["metric", "max", "min", "across-rooms"]
    static let criterionKeys = ["item", "metric", "streams", "option", "versus", "within", "exceeds"]

    mutating func entries(_ value: YAMLValue, _ allowed: [String]) throws(ScenarioFileError) -> [String: YAMLValue] {
        let entries = try value.mapping(allowed: allowed)
        for entry in entries.values { lines[entry.path] = entry.line }
        return entries
    }

    mutating func items(_ value: YAMLValue, single: Bool = false) throws(ScenarioFileError) -> [YAMLValue] {
        let items = try value.list(single: single)
        for item in items { lines[item.path] = item.line }
        return items
    }

    mutating func read(_ root: YAMLValue, defaultName: String) throws(ScenarioFileError) -> ScenarioFile {
        let top = try entries(root, Self.topKeys)
        var scenario = RunScenario()
        let name = try top["name"]?.string("a name") ?? defaultName
        let summary = try top["description"]?.scalar("text")

        guard let streamsValue = top["streams"] else { throw root.error("streams is missing: the number of cameras, or a list of them (e.g. [4, 10, 32])") }
        var counts: [Int] = []
        for item in try items(streamsValue, single: true) {
            let count = try item.int(in: RunScenario.streamRange)
            guard !counts.contains(count) else { throw item.error("\(count) is listed twice") }
            counts.append(count)
        }
        guard !counts.isEmpty else { throw streamsValue.error("expected at least one stream count") }
        scenario.streams = counts[0]
        let topologyChoices = TopologyKind.allCases.map { ($0.rawValue, $0) }
        var topologies: [TopologyKind] = top["topology"] == nil ? [.independentPipelines] : []
        for item in try top["topology"].map({ value throws(ScenarioFileError) in try items(value, single: true) }) ?? [] {
            let kind = try item.choice(topologyChoices)
            guard !topologies.contains(kind) else { throw item.error("\(kind.rawValue) is listed twice") }
            topologies.append(kind)
        }
        guard !topologies.isEmpty else { throw top["topology"]!.error("expected at least one of A, B, C") }
        scenario.topology = topologies[0]
        if let value = top["duration"] { scenario.duration = try value.duration() }
        if let value = top["warmup"] { scenario.warmup = try value.duration() }
        if let value = top["seed"] { scenario.seed = try value.unsigned() }
        let repetitions = try top["repetitions"]?.int(in: 1...1000) ?? 1
        let cooldown = try top["cooldown"]?.duration() ?? .seconds(0)

        if let capture = top["capture"] {
            try readCapture(capture, into: &scenario)
            if let trace = try entries(capture, Self.captureKeys)["load-trace"] {
                scenario.loadTrace = try readLoadTrace(trace, states: scenario.load, streams: counts.max()!)
            }
        }
        if let host = top["host"] { scenario.host = try readHost(host) }
        if let devices = top["devices"] { scenario.devices = try readDevices(devices) }
        guard let workers = top["workers"] else { throw root.error("workers is missing: a list of worker kinds, e.g. - kind: person-detector") }
        try readWorkers(workers, into: &scenario)
        if let options = top["options"] { try readOptions(options, into: &scenario) }
        if let faults = top["faults"] {
            scenario.faults = try items(faults).map { item throws(ScenarioFileError) in try readFault(item) }
        }
        if let checkpoint = top["checkpoint"] { scenario.checkpoint = try readCheckpoint(checkpoint, scenario: scenario, counts: counts) }
        if let gate = top["gate"] { scenario.gate = try readGate(gate, scenario: scenario) }
        return ScenarioFile(path: file, name: name, summary: summary, base: scenario, streamCounts: counts,
                            topologies: topologies, repetitions: repetitions, cooldown: cooldown, lines: [:])
    }

    func readResolution(_ value: YAMLValue) throws(ScenarioFileError) -> Resolution {
        let text = try value.string("a resolution")
        guard let resolution = Resolution(parsing: text) else {
            throw value.error("'\(text)' is not a resolution; expected \(Resolution.presets.map(\.name).joined(separator: ", ")) or WIDTHxHEIGHT with sides 2–\(Resolution.maximumSide)")
        }
        return resolution
    }

    private mutating func readCapture(_ value: YAMLValue, into scenario: inout RunScenario) throws(ScenarioFileError) {
        let capture = try entries(value, Self.captureKeys)
        if let source = capture["source"] {
            scenario.source = VideoSource(parsing: try source.string("synthetic, a video file or a live URL"))
        }
        // Recorded and live video keep their own rate and size unless given.
        if scenario.source != .synthetic {
            scenario.fps = nil
            scenario.resolution = nil
        }
        if let sources = capture["sources"] {
            for (stream, source) in try sources.indexedMapping() {
                lines[source.path] = source.line
                scenario.sourceOverrides[stream] = VideoSource(parsing: try source.string("a video file or a live URL"))
            }
        }
        if let value = capture["stress"] { scenario.stress = try value.bool() }
        if let value = capture["fps"] { scenario.fps = try value.double(in: 0...RunScenario.maximumStressFPS, openBelow: true) }
        if let value = capture["resolution"] { scenario.resolution = try readResolution(value) }
        if let value = capture["pixel-format"] {
            let text = try value.string("rgb24 or yuv420p")
            guard let format = PixelFormat(userName: text) else { throw value.error("unknown pixel format '\(printable(text))'; expected rgb24 or yuv420p") }
            scenario.pixelFormat = format
        }
        if let value = capture["arrival"] { scenario.arrival = try value.parsed("an arrival process") { text throws(ParseError) in try ArrivalProcess.parse(text) } }
        if let value = capture["phase"] { scenario.phase = try value.choice(PhasePolicy.allCases.map { ($0.rawValue, $0) }) }
        if let value = capture["decode"] { scenario.decode = try value.choice([("live", DecodeMode.live), ("preload", DecodeMode.preload)]) }
        if let value = capture["decode-threads"] { scenario.decodeThreads = try value.int(in: 0...64) }
        if let value = capture["decode-cpu"] {
            scenario.decodeCPU = try value.parsed("a duration or distribution") { text throws(ParseError) in try ServiceDistribution.parse(text) }
        }
        if let value = capture["loop"] { scenario.loop = try value.bool() }
        if let value = capture["reconnect-scale"] { scenario.reconnectScale = try value.double(in: 0...1, openBelow: true) }
        if let value = capture["fatal-decode-errors"] { scenario.fatalDecodeErrors = try value.bool() }
        if let value = capture["load"] { scenario.load = try readLoad(value) }
        if let value = capture["storms"] {
            scenario.storms = try items(value).map { item throws(ScenarioFileError) in try readStorm(item) }
        }
        if let value = capture["groups"] {
            scenario.captureGroups = try items(value).map { item throws(ScenarioFileError) in try readGroup(item) }
        }
    }

    /// `host: {profile: nuc-i5-1135g7}` with overrides, or the box spelt out:
    /// `{cores: 4, threads: 8, smt: 1.25, memory-gb: 16}`.
    private mutating func readHost(_ value: YAMLValue) throws(ScenarioFileError) -> HostSpec {
        let host = try entries(value, Self.hostKeys)
        var spec: HostSpec
        if let profile = host["profile"] {
            spec = try profile.choice(HostProfile.all.map { ($0.name, $0.spec) })
            if host.count > 1 { spec.profile = "\(spec.profile!) (modified)" }
        } else {
            guard host["cores"] != nil else {
                throw value.error("cores is missing: the box's physical cores, or a profile (\(HostProfile.all.map(\.name).joined(separator: ", ")))")
            }
            guard host["memory-gb"] != nil else { throw value.error("memory-gb is missing: the box's memory in GB") }
            spec = HostSpec(cores: 1, memoryGB: 1)
        }
        // Threads follow the cores (and the SMT curve) unless given.
        let threadsPerCore = spec.threads / max(spec.cores, 1)
        if let value = host["cores"] {
            spec.cores = try value.int(in: 0...4096)
            spec.threads = spec.cores * threadsPerCore
        }
        if let value = host["smt"] {
            if case .scalar = value.node {
                spec.smt = [1, try value.double(in: 0...64)]
            } else {
                spec.smt = try items(value).map { point throws(ScenarioFileError) in try point.double(in: 0...64) }
            }
            spec.threads = spec.cores * spec.smt.count
        }
        if let value = host["threads"] { spec.threads = try value.int(in: 0...8192) }
        if let value = host["memory-gb"] { spec.memoryGB = try value.double(in: 0...1_000_000, openBelow: true) }
        if let problem = spec.problem {
            let key = ["cores", "threads", "smt", "memory-gb"].first { problem.hasPrefix($0) } ?? "cores"
            throw (host[key] ?? value).error(problem)
        }
        return spec
    }

    private mutating func readDevices(_ value: YAMLValue) throws(ScenarioFileError) -> [DeviceSpec] {
        var devices: [DeviceSpec] = []
        for item in try items(value) {
            let device = try entries(item, Self.deviceKeys)
            guard let nameValue = device["name"] else { throw item.error("name is missing: a device needs a name, e.g. gpu0") }
            let name = try nameValue.string("a device name")
            guard name != HostSpec.deviceName else {
                throw nameValue.error("\"host\" is the box's memory: declare it as host: {memory-gb: N} (or host: {profile: …}), not as a device")
            }
            guard !devices.contains(where: { $0.name == name }) else { throw nameValue.error("device \"\(name)\" is declared twice") }
            guard let memory = device["memory-gb"] else { throw item.error("memory-gb is missing: the device's memory in GB") }
            let sharing = try device["sharing"].map { value throws(ScenarioFileError) in try readSharing(value) } ?? .divided
            devices.append(DeviceSpec(name: name, memoryGB: try memory.double(in: 0...1_000_000, openBelow: true), sharing: sharing))
        }
        return devices
    }

    /// `divided`, `efficiency(1,1.6,1.9)` or `efficiency: [1, 1.6, 1.9]` (total throughput
    /// with 1, 2, 3 … concurrent jobs, relative to one).
    private mutating func readSharing(_ value: YAMLValue) throws(ScenarioFileError) -> DeviceSharing {
        if case .scalar = value.node {
            return try value.parsed("a sharing model") { text throws(ParseError) in try DeviceSharing.parse(text) }
        }
        let sharing = try entries(value, ["efficiency"])
        guard let curve = sharing["efficiency"] else { throw value.error("expected divided or efficiency: [1, …]") }
        let points = try items(curve).map { point throws(ScenarioFileError) in try point.double(in: 0...1024, openBelow: true) }
        guard !points.isEmpty else { throw curve.error("expected at least one point: the throughput with 1, 2, … concurrent jobs") }
        return .efficiency(points)
    }

    private mutating func readWorkers(_ value: YAMLValue, into scenario: inout RunScenario) throws(ScenarioFileError) {
        scenario.workers = []
        scenario.sharedWorkers = []
        for item in try items(value) {
            let worker = try entries(item, Self.workerKeys)
            guard let kind = worker["kind"] ?? worker["process"] else { throw item.error("kind is missing: \(WorkerSpec.grammar)") }
            var spec: WorkerSpec
            if worker["kind"] == nil || (try? kind.scalar("")) == "process" {
                spec = try readProcess(worker, at: item)
            } else {
                spec = try kind.parsed("a worker kind") { text throws(ParseError) in try WorkerSpec.parse(text) }
                if let key = Self.processKeys.first(where: { worker[$0] != nil }) {
                    throw worker[key]!.error("\(key) is for process workers (kind: process, with a process: command list); this worker is \(spec.cost)")
                }
            }
            if let value = worker["name"] { spec.name = try value.string("a worker name") }
            if let value = worker["device"] {
                let name = try value.string("a device name")
                let known = scenario.placementDevices.map(\.name)
                guard known.contains(name) else {
                    let hint = didYouMean(name, among: known).map { "; did you mean \($0)?" } ?? ""
                    throw value.error("unknown device \"\(name)\" (known: \(known.isEmpty ? "none; declare it under devices" : known.joined(separator: ", ")))\(hint)")
                }
                spec.device = name
            }
            if let value = worker["model-memory-gb"] { spec.modelMemoryGB = try value.double(in: 0...1_000_000) }
            if let value = worker["instances"] { spec.instances = try value.int(in: 1...64) }
            if let value = worker["host-cost"] {
                guard spec.cost.isOffload else {
                    throw value.error("host-cost is for offload workers (a \(spec.cost) worker's whole service is host CPU)")
                }
                spec.hostCost = try value.duration()
            }
            if let value = worker["batch"] {
                guard spec.cost.isOffload else {
                    throw value.error("batch is for offload workers on an accelerator (a \(spec.cost) worker serves one frame at a time)")
                }
                spec.batch = try readBatch(value)
            }
            if let value = worker["shared"], try value.bool() { scenario.sharedWorkers.append(spec.name) }
            guard !scenario.workers.contains(where: { $0.name == spec.name }) else {
                throw (worker["name"] ?? kind).error("a second worker named \"\(spec.name)\"; give one a name: key")
            }
            scenario.workers.append(spec)
        }
    }

    /// A process worker: `process: [PROGRAM, ARG, …]` with its options (Scenarios/README.md).
    /// Named after its script (the first argument that looks like a file) unless named.
    private mutating func readProcess(_ worker: [String: YAMLValue], at item: YAMLValue) throws(ScenarioFileError) -> WorkerSpec {
        guard let commandValue = worker["process"] else {
            throw item.error("process is missing: a process worker's command, e.g. process: [/usr/bin/python3, workers/hog_person_detector.py]")
        }
        var command: [String] = []
        for part in try items(commandValue, single: true) { command.append(try part.string("a program or argument")) }
        guard !command.isEmpty else { throw commandValue.error("expected the program and its arguments, e.g. [/usr/bin/python3, worker.py]") }
        var spec = ProcessWorkerSpec(command: command)
        if let value = worker["env"] {
            for (key, entry) in try value.namedMapping("environment variables to values") {
                lines[entry.path] = entry.line
                guard !key.isEmpty, !key.contains("="), !key.contains("\0") else { throw entry.error("'\(printable(key))' is not an environment variable's name") }
                spec.environment[key] = try entry.scalar("a value (text)")
            }
        }
        if let value = worker["cwd"] { spec.directory = try value.string("a directory") }
        if let value = worker["frames"] { spec.frames = try value.choice(ProcessWorkerSpec.FrameEncoding.allCases.map { ($0.rawValue, $0) }) }
        if let value = worker["jpeg-quality"] { spec.jpegQuality = try value.int(in: 2...31) }
        if let value = worker["reply-timeout"] {
            spec.replyTimeout = try value.duration()
            guard spec.replyTimeout.nanoseconds > 0 else { throw value.error("expected a timeout above 0") }
        }
        if let value = worker["max-reply-bytes"] { spec.maxReplyBytes = try value.int(in: ProcessWorkerSpec.replyBytesRange) }
        if let value = worker["stop-timeout"] { spec.stopTimeout = try value.duration() }
        if let value = worker["restart"] { spec.restart = try value.bool() }
        return WorkerSpec(name: ProcessWorkerSpec.defaultName(command), cost: .process(spec))
    }

    /// `{max: 4, wait: 20ms, extra: 5ms}` or `{max: 4, wait: 20ms, curve: [1, 1.02, 1.05, 1.1]}`,
    /// with `memory-gb` a frame.
    private mutating func readBatch(_ value: YAMLValue) throws(ScenarioFileError) -> BatchSpec {
        let entry = try entries(value, Self.batchKeys)
        guard let max = entry["max"] else { throw value.error("max is missing: the most frames a batch holds, e.g. max: 4") }
        var spec = BatchSpec(max: try max.int(in: Int.min...Int.max), wait: try entry["wait"]?.duration() ?? .seconds(0))
        switch (entry["extra"], entry["curve"]) {
        case (let extra?, nil): spec.time = .linear(extra: try extra.duration())
        case (nil, let curve?):
            var times: [Double] = []
            for item in try items(curve, single: true) { times.append(try item.double(in: -1e12...1e12)) }
            spec.time = .curve(times)
        case (nil, nil): spec.time = .linear(extra: .seconds(0))
        case (_?, _?): throw value.error("extra and curve both given: a batch's time is one or the other")
        }
        if let memory = entry["memory-gb"] { spec.memoryGBPerFrame = try memory.double(in: 0...1_000_000) }
        if let problem = spec.problem() { throw value.error("expected \(problem)") }
        return spec
    }

    private mutating func readOptions(_ value: YAMLValue, into scenario: inout RunScenario) throws(ScenarioFileError) {
        let options = try entries(value, Self.optionKeys)
        if let value = options["inbox"] { scenario.inbox = try value.choice(InboxKind.allCases.map { ($0.rawValue, $0) }) }
        if let value = options["shared-instances"] { scenario.sharedInstances = try value.int(in: 1...64) }
        if let value = options["framebuffer-slot"] {
            scenario.frameBufferSlot = try value.choice([("overwrite", SlotPolicy.overwrite), ("drop-new", SlotPolicy.dropNew)])
        }
        if let value = options["scheduling"] { scenario.scheduling = try value.parsed("a scheduling policy") { text throws(ParseError) in try SchedulingPolicy.parse(text) } }
        if let value = options["fanout-threshold"] { scenario.fanOutThreshold = try value.int(in: 1...256) }
    }

    private mutating func readFault(_ value: YAMLValue) throws(ScenarioFileError) -> Fault {
        let fault = try entries(value, Self.faultKeys)
        guard let kindValue = fault["kind"] else {
            throw value.error("kind is missing: one of \(Fault.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let kind = try kindValue.choice(Fault.Kind.allCases.map { ($0.rawValue, $0) })
        guard let at = fault["at"] else { throw value.error("at is missing: when the fault happens, from the start of the measured window (e.g. 5s)") }
        var result = Fault(kind: kind, at: try at.duration())
        result.stream = try fault["stream"]?.int(in: 0...(RunScenario.streamRange.upperBound - 1))
        result.worker = try fault["worker"]?.string("a worker name")
        result.duration = try fault["duration"]?.duration()
        result.factor = try fault["factor"]?.double(in: 1...1000)
        return result
    }
}
