import Random

/// Everything one run needs, fully resolved (defaults filled in), and its validation.
///
/// The CLI builds one from flags; scenario files will build the same value.
public struct RunScenario: Sendable, Equatable, Codable {
    public var streams: Int = 4
    public var source = VideoSource.synthetic
    /// Streams that read another file or URL than `source` (by stream index).
    public var sourceOverrides: [Int: VideoSource] = [:]
    /// A corrupt packet ends the stream with an error instead of being concealed.
    public var fatalDecodeErrors = false
    /// How recorded video reaches the streams (ignored for synthetic and live URLs).
    public var decode = DecodeMode.live
    /// Decoder threads per decoding stream.
    public var decodeThreads = 1
    /// Simulated time only: the CPU each frame costs its capture thread — decoding and
    /// converting a recorded source (every frame the file presents, those rate control
    /// skips included), or rendering a synthetic one — as a job on the box's cores. Real
    /// time pays whatever decoding really costs. From `probe` or `calibrate`; nil: free.
    public var decodeCPU: ServiceDistribution?
    /// Loop a recorded file at its end.
    public var loop = true
    /// Scales the live reconnect delays (1 = the original's 1, 2, 4, 8, 16 s).
    public var reconnectScale = 1.0
    /// The synthetic frame rate, or the target rate of recorded video (which only drops);
    /// nil plays recorded video at its own rate.
    public var fps: Double? = 30
    /// Lets fps exceed the original's 30 (up to ``maximumStressFPS``) for stress runs.
    public var stress = false
    /// Frame size; nil keeps a recorded source's own size.
    public var resolution: Resolution? = Resolution(width: 1280, height: 720)
    public var pixelFormat = PixelFormat.rgb24
    public var arrival = ArrivalProcess.periodic
    public var phase = PhasePolicy.spread
    /// Every stream's load profile unless its group has its own; nil: a constant rate.
    public var load: LoadProfile?
    /// Recorded load (`capture.load-trace`): the streams it names replay its steps.
    public var loadTrace: LoadTrace?
    /// Correlated bursts over every stream with a load profile; nil when none.
    public var storms: [Storm]?
    /// Streams with a capture of their own (rate, arrival, phase, load), in order; nil
    /// when none (optional so that scenarios without groups keep their identity).
    public var captureGroups: [CaptureGroup]?
    public var workers: [WorkerSpec] = []
    /// Measured window, after the warm-up.
    public var duration = Duration.seconds(10)
    /// Excluded from every metric, before the measured window.
    public var warmup = Duration.seconds(1)
    public var seed: UInt64 = 1
    public var fanOutThreshold = 8
    public var topology = TopologyKind.independentPipelines
    /// Option B: the original's single inbox, or one inbox slot per stream (ADR-004).
    public var inbox = InboxKind.perStream
    /// Option C: worker names (as in `workers`) shared by all streams through a frame-buffer.
    public var sharedWorkers: [String] = []
    /// Options B and C: instances of each shared worker kind.
    public var sharedInstances = 1
    /// Option C: what a stream's frame-buffer slot does when a frame arrives and it is full.
    public var frameBufferSlot = SlotPolicy.overwrite
    /// Options B and C: which waiting stream a shared worker serves next (and, for B's
    /// per-stream inbox, which stream the supplier distributes next).
    public var scheduling = SchedulingPolicy.roundRobin
    /// Accelerators the workers may run on (scenario files only).
    public var devices: [DeviceSpec] = []
    /// The box the run models: its cores, threads and memory. Real-time runs are pinned to
    /// its threads; in simulated time its cores are shared by every CPU job. Nil: no box
    /// declared (real time on whatever runs it; simulated CPU work never waits for a core).
    public var host: HostSpec?
    /// Faults injected during the measured window (scenario files only).
    public var faults: [Fault] = []
    /// Service levels and decision criteria, for the report (scenario files only; not
    /// part of the scenario's identity).
    public var checkpoint: Checkpoint?
    /// Defaults of the regression gate (scenario files only; not part of the identity).
    public var gate: GateDefaults?
    /// The real-time run whose fitted service times this scenario's workers draw from
    /// (`--calibrated RUN`), so that a report can score the prediction against that run
    /// and against held-out repetitions. Nil for an uncalibrated scenario.
    public var calibratedFrom: String?

    public init() {}

    /// The devices that hold models: the accelerators and, when a box is declared, its
    /// memory under the name `host`.
    public var placementDevices: [DeviceSpec] {
        devices + (host.map { [DeviceSpec(name: HostSpec.deviceName, memoryGB: $0.memoryGB)] } ?? [])
    }

    /// Why the plan's models do not fit its devices (empty: feasible).
    public var infeasibilities: [DeviceInfeasibility] {
        TopologyPlan.build(self).infeasibilities(devices: placementDevices)
    }

    /// Worker names as the topology uses them (repeated kinds numbered).
    public var workerNames: [String] { WorkerSpec.uniquelyNamed(workers).map(\.name) }

    /// Whether worker `name` is one kind shared by all streams in this topology.
    public func isShared(_ name: String) -> Bool {
        switch topology {
        case .independentPipelines: return false
        case .globalPipeline: return true
        case .hybrid: return sharedWorkers.contains(name)
        }
    }

    /// The source stream `stream` reads (O(streams): resolves every stream's capture).
    public func source(of stream: Int) -> VideoSource { streamCaptures[stream].source }

    /// The synthetic rate (and the nominal rate when a recorded source's is unknown).
    public var rate: Double { fps ?? 30 }

    /// This scenario as one cell of a matrix: `streams` streams wired as `topology`. Shared
    /// kinds (`shared`, default this scenario's) describe options B and C; in option A
    /// every pipeline has its own instances, so it shares none.
    public func cell(streams: Int, topology: TopologyKind, shared: [String]? = nil) -> RunScenario {
        var cell = self
        cell.streams = streams
        cell.topology = topology
        cell.sharedWorkers = topology == .independentPipelines ? [] : (shared ?? sharedWorkers)
        return cell
    }

    /// The synthetic frame size.
    public var frameSize: Resolution { resolution ?? Resolution(width: 1280, height: 720) }

    /// Each stream's capture: its group's settings over the scenario's.
    public var streamCaptures: [StreamCapture] {
        let groups = captureGroups ?? []
        return CaptureGroup.membership(groups, streams: streams).enumerated().map { stream, index in
            let group = index.map { groups[$0] }
            // A group's own fps is a constant rate, and a group's own recorded or live video
            // plays at its own times: the scenario's load applies to a group that gives none.
            let ownVideo = group?.source.map { $0 != .synthetic } ?? false
            return StreamCapture(source: sourceOverrides[stream] ?? group?.source ?? source, resolution: group?.resolution ?? resolution,
                                 targetFPS: group?.fps ?? fps, fps: group?.fps ?? rate, arrival: group?.arrival ?? arrival, phase: group?.phase ?? phase,
                                 load: group?.load ?? (group?.fps == nil && !ownVideo ? load : nil))
        }.enumerated().map { stream, capture in
            // A stream the trace names replays it, whatever its group says of its load.
            guard let trace = loadTrace, let steps = trace.streams[stream] else { return capture }
            var traced = capture
            traced.load = trace.profile
            traced.trace = steps
            return traced
        }
    }

    /// The fastest any stream arrives (its group's rate, or its load profile's fastest
    /// state): bounds frame counts.
    public var peakRate: Double {
        streamCaptures.map { capture in capture.load?.states.map(\.fps).max() ?? capture.fps }.max() ?? rate
    }

    /// Whether some stream's rate differs from the scenario's or changes.
    public var hasVaryingCapture: Bool {
        load != nil || loadTrace != nil || !(captureGroups ?? []).isEmpty || !(storms ?? []).isEmpty
    }

    /// Whether a file is decoded once before the run (`decode: preload`): its frames then
    /// cost no capture CPU each, so there is no `decode-cpu` to model.
    public var decodesFileAhead: Bool {
        decode == .preload && (source.isFile || sourceOverrides.values.contains(where: \.isFile))
    }

    /// Stage names in accounting lines and traces, so never a worker's.
    public static let reservedWorkerNames = [captureTraceName, "supplier"]
    /// The worker name of the captures' rows in a frame trace (their productions).
    public static let captureTraceName = "capture"
    public static let fpsRange = 0.1...30.0
    public static let maximumStressFPS = 1000.0
    public static let streamRange = 1...4096

    /// Checks every field; the first problem found is thrown, naming its key.
    public func validate() throws(ScenarioError) {
        guard Self.streamRange.contains(streams) else {
            throw ScenarioError(key: "streams", value: "\(streams)", allowed: "an integer from \(Self.streamRange.lowerBound) to \(Self.streamRange.upperBound)")
        }
        let fpsLimit = stress ? Self.maximumStressFPS : Self.fpsRange.upperBound
        if source == .synthetic, fps == nil {
            throw ScenarioError(key: "fps", value: "none", allowed: "a frame rate for the synthetic source")
        }
        if let fps, !(fps.isFinite && fps >= Self.fpsRange.lowerBound && fps <= fpsLimit) {
            let allowed = stress
                ? "a number from 0.1 to \(format3(Self.maximumStressFPS)) (stress mode)"
                : "a number from 0.1 to 30 (the original's range; above 30 only in stress mode: --stress, or capture.stress: true in a scenario file)"
            throw ScenarioError(key: "fps", value: format3(fps), allowed: allowed)
        }
        guard !workers.isEmpty else {
            throw ScenarioError(key: "worker", value: "none", allowed: "at least one worker: \(WorkerSpec.grammar)")
        }
        guard duration.nanoseconds > 0 else {
            throw ScenarioError(key: "duration", value: duration.description, allowed: "a duration > 0, e.g. 10s")
        }
        guard (1...256).contains(fanOutThreshold) else {
            throw ScenarioError(key: "fanout-threshold", value: "\(fanOutThreshold)", allowed: "an integer from 1 to 256")
        }
        if pixelFormat == .yuv420p, let resolution, resolution.width % 2 != 0 || resolution.height % 2 != 0 {
            throw ScenarioError(key: "resolution", value: resolution.description, allowed: "even width and height for yuv420p")
        }
        if case .jittered(let jitter) = arrival, Double(jitter.nanoseconds) >= 5e8 / rate {
            throw ScenarioError(key: "arrival", value: arrival.description, allowed: "a jitter below half the frame period (\(Duration(nanoseconds: UInt64(5e8 / rate))))")
        }
        if let stream = sourceOverrides.keys.first(where: { !(0..<streams).contains($0) }) {
            throw ScenarioError(key: "sources[\(stream)]", value: "stream \(stream)", allowed: "a stream from 0 to \(streams - 1)")
        }
        if source == .synthetic, !sourceOverrides.isEmpty {
            throw ScenarioError(key: "sources", value: "overrides", allowed: "per-stream sources only with a recorded or live source")
        }
        switch topology {
        case .independentPipelines:
            if let shared = sharedWorkers.first {
                throw ScenarioError(key: "shared", value: shared, allowed: "no shared workers in option A (every pipeline has its own); use topology C")
            }
        case .globalPipeline:
            guard (1...64).contains(sharedInstances) else {
                throw ScenarioError(key: "shared-instances", value: "\(sharedInstances)", allowed: "an integer from 1 to 64")
            }
        case .hybrid:
            let names = WorkerSpec.uniquelyNamed(workers).map(\.name)
            guard !sharedWorkers.isEmpty else {
                throw ScenarioError(key: "shared", value: "none", allowed: "at least one shared worker in option C, one of: \(names.joined(separator: ", "))")
            }
            if let unknown = sharedWorkers.first(where: { !names.contains($0) }) {
                throw ScenarioError(key: "shared", value: unknown, allowed: "a worker of the scenario: \(names.joined(separator: ", "))")
            }
            guard (1...64).contains(sharedInstances) else {
                throw ScenarioError(key: "shared-instances", value: "\(sharedInstances)", allowed: "an integer from 1 to 64")
            }
        }
        guard (0...64).contains(decodeThreads) else {
            throw ScenarioError(key: "decode-threads", value: "\(decodeThreads)", allowed: "an integer from 0 (FFmpeg chooses) to 64")
        }
        guard reconnectScale.isFinite, reconnectScale > 0, reconnectScale <= 1 else {
            throw ScenarioError(key: "reconnect-scale", value: format3(reconnectScale), allowed: "a number in (0, 1]")
        }
        try validateCaptureGroups(fpsLimit: fpsLimit)
        if let decodeCPU {
            if decodesFileAhead {
                throw ScenarioError(key: "decode-cpu", value: decodeCPU.description,
                                    allowed: "no per-frame cost with decode: preload, which decodes the file once before the run (use decode: live)")
            }
        }
        if let reserved = workers.first(where: { Self.reservedWorkerNames.contains($0.name) }) {
            throw ScenarioError(key: "workers", value: "\"\(reserved.name)\"",
                                allowed: "a name that is not a stage of the pipeline (\(Self.reservedWorkerNames.joined(separator: ", ")))")
        }
        if let host, let problem = host.problem { throw ScenarioError(key: "host", value: host.description, allowed: problem) }
        for (index, worker) in workers.enumerated() {
            let known = placementDevices.map(\.name)
            if let device = worker.device, !known.contains(device) {
                throw ScenarioError(key: "workers[\(index)].device", value: "\"\(device)\"",
                                    allowed: "a declared device (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            }
            if worker.device == HostSpec.deviceName, case .offload = worker.cost {
                throw ScenarioError(key: "workers[\(index)].device", value: "host",
                                    allowed: "an accelerator for an offload worker (the host's memory holds CPU models; give an offload worker's host-side work as host-cost)")
            }
            if let batch = worker.batch {
                if !worker.cost.isOffload {
                    throw ScenarioError(key: "workers[\(index)].batch", value: "\(worker.cost)", allowed: "batching on offload workers (an accelerator's calls)")
                }
                if let problem = batch.problem() { throw ScenarioError(key: "workers[\(index)].batch", value: batch.description, allowed: problem) }
                if let name = worker.device, let device = placementDevices.first(where: { $0.name == name }),
                   batch.memoryGB(model: worker.modelMemory) > device.memoryGB {
                    throw ScenarioError(key: "workers[\(index)].batch", value: format3(batch.memoryGB(model: worker.modelMemory)) + " GB with a full batch",
                                        allowed: "a model and a full batch that fit \(name)'s \(format3(device.memoryGB)) GB")
                }
            }
            if worker.hostCost != nil, !(worker.cost.isOffload) {
                throw ScenarioError(key: "workers[\(index)].host-cost", value: worker.hostCost!.description,
                                    allowed: "a host cost only on an offload worker (a cpu worker's whole service is host CPU)")
            }
        }
        for (index, fault) in faults.enumerated() { try validate(fault, at: "faults[\(index)]") }
    }

    /// The kinds a state names are the scenario's workers.
    private func validateStateWorkers(_ load: LoadProfile?, key: String) throws(ScenarioError) {
        let names = workers.map(\.name)
        for (index, state) in (load?.states ?? []).enumerated() {
            if let unknown = state.workers?.first(where: { !names.contains($0) }) {
                throw ScenarioError(key: "\(key)[\(index)].workers", value: unknown,
                                    allowed: "the names of the scenario's workers (\(names.joined(separator: ", ")))")
            }
        }
    }

    /// Groups and load profiles: rates in range, sizes that fit, synthetic frames.
    private func validateCaptureGroups(fpsLimit: Double) throws(ScenarioError) {
        let range = Self.fpsRange.lowerBound...fpsLimit
        if let load, let problem = load.problem(fpsRange: range) {
            throw ScenarioError(key: "load", value: "\(load.states.count) state(s)", allowed: problem)
        }
        try validateStateWorkers(load, key: "load")
        for (index, group) in (captureGroups ?? []).enumerated() { try validateStateWorkers(group.load, key: "groups[\(index)].load") }
        let groups = captureGroups ?? []
        guard hasVaryingCapture else { return }
        // Rates and states are synthetic frames' (a recorded or live stream plays at its own
        // times, a group's own video at its fps as a target).
        let captures = streamCaptures
        if let stream = captures.indices.first(where: { captures[$0].source != .synthetic && captures[$0].load != nil }) {
            throw ScenarioError(key: groups.isEmpty ? "load" : "groups", value: "with source \(captures[stream].source)",
                                allowed: "synthetic frames for per-stream rates and load profiles (a recorded file plays at its own times)")
        }
        for (index, group) in groups.enumerated() {
            if pixelFormat == .yuv420p, let resolution = group.resolution, resolution.width % 2 != 0 || resolution.height % 2 != 0 {
                throw ScenarioError(key: "groups[\(index)].resolution", value: resolution.description, allowed: "even width and height for yuv420p")
            }
        }
        for (index, storm) in (storms ?? []).enumerated() {
            let key = "storms[\(index)]"
            guard storm.rooms > 0 && storm.rooms <= 1 else {
                throw ScenarioError(key: key + ".rooms", value: format3(storm.rooms * 100) + "%", allowed: "a share above 0 % and up to 100 %")
            }
            guard storm.every.meanNanos > 0, storm.lasts.meanNanos > 0 else {
                throw ScenarioError(key: key, value: "every \(storm.every), lasts \(storm.lasts)", allowed: "times with a mean above 0")
            }
            let profiles = streamCaptures.compactMap(\.load)
            guard !profiles.isEmpty else {
                throw ScenarioError(key: key, value: "state \(storm.state)", allowed: "a load profile for the storm to act on (capture.load)")
            }
            if let missing = profiles.first(where: { profile in !profile.states.contains { $0.name == storm.state } }) {
                throw ScenarioError(key: key + ".state", value: storm.state,
                                    allowed: "a state of every load profile (known: \(missing.states.map(\.name).joined(separator: ", ")))")
            }
        }
        var taken = 0
        for (index, group) in groups.enumerated() {
            let key = "groups[\(index)]"
            switch group.size {
            case .count(let n) where n < 1:
                throw ScenarioError(key: key + ".streams", value: "\(n)", allowed: "a count of at least 1, or a share such as 25%")
            case .share(let f) where !(f > 0 && f <= 1):
                throw ScenarioError(key: key + ".streams", value: group.size.description, allowed: "a share above 0 % and up to 100 %")
            default: break
            }
            if let fps = group.fps, !(fps.isFinite && range.contains(fps)) {
                throw ScenarioError(key: key + ".fps", value: format3(fps), allowed: "a number from 0.1 to \(format3(fpsLimit))")
            }
            if let load = group.load, let problem = load.problem(fpsRange: range) {
                throw ScenarioError(key: key + ".load", value: "\(load.states.count) state(s)", allowed: problem)
            }
            if case .jittered(let jitter)? = group.arrival, Double(jitter.nanoseconds) >= 5e8 / (group.fps ?? rate) {
                throw ScenarioError(key: key + ".arrival", value: "jitter(\(jitter))", allowed: "a jitter below half the group's frame period")
            }
            taken += group.size.streams(of: streams)
        }
        if taken > streams {
            throw ScenarioError(key: "groups", value: "\(taken) streams", allowed: "groups that fit the \(streams) streams of the cell (\(groups.map(\.size.description).joined(separator: " + ")))")
        }
        for (stream, capture) in streamCaptures.enumerated() {
            if let load = capture.load, case .jittered(let jitter) = capture.arrival,
               let fastest = load.states.map(\.fps).max(), Double(jitter.nanoseconds) >= 5e8 / fastest {
                throw ScenarioError(key: "arrival", value: "jitter(\(jitter)) for stream \(stream)",
                                    allowed: "a jitter below half the period of the load profile's fastest state (\(format3(fastest)) fps)")
            }
        }
    }

    private func validate(_ fault: Fault, at path: String) throws(ScenarioError) {
        if fault.at >= duration {
            throw ScenarioError(key: "\(path).at", value: fault.at.description,
                                allowed: "a time within the measured window (duration \(duration)), counted from its start")
        }
        if let stream = fault.stream, stream >= streams {
            throw ScenarioError(key: "\(path).stream", value: "\(stream)", allowed: "a stream from 0 to \(streams - 1)")
        }
        func require(_ present: Bool, _ key: String, _ what: String) throws(ScenarioError) {
            guard present else { throw ScenarioError(key: "\(path).\(key)", value: "missing", allowed: what) }
        }
        func forbid(_ present: Bool, _ key: String) throws(ScenarioError) {
            guard !present else { throw ScenarioError(key: "\(path).\(key)", value: "given", allowed: "no \(key) for a \(fault.kind.rawValue)") }
        }
        if fault.kind.isCapture {
            try require(fault.stream != nil, "stream", "the stream whose camera fails")
            try forbid(fault.worker != nil, "worker")
        } else {
            try require(fault.worker != nil, "worker", "the worker that fails, one of: \(workerNames.joined(separator: ", "))")
            let worker = fault.worker!
            guard workerNames.contains(worker) else {
                throw ScenarioError(key: "\(path).worker", value: "\"\(worker)\"", allowed: "a worker of the scenario: \(workerNames.joined(separator: ", "))")
            }
            if !isShared(worker) {
                try require(fault.stream != nil, "stream", "the stream whose \(worker) fails (it is not shared in topology \(topology.rawValue))")
            }
        }
        switch fault.kind {
        case .captureStall, .workerSlowdown:
            try require(fault.duration.map { $0.nanoseconds > 0 } ?? false, "duration", "how long the fault lasts (> 0)")
        case .captureCrash:
            try forbid(fault.duration != nil, "duration")
        case .workerCrash:
            break
        }
        if fault.kind == .workerSlowdown {
            try require(fault.factor != nil, "factor", "how many times slower each service gets (e.g. 3)")
        } else {
            try forbid(fault.factor != nil, "factor")
        }
    }
}

/// Option B's inbox variants.
public enum InboxKind: String, Sendable, Codable, CaseIterable {
    case single = "single-inbox"
    case perStream = "per-stream-inbox"
}

/// A scenario value that is not allowed: which key, what it was, what is allowed.
public struct ScenarioError: Error, Equatable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var allowed: String

    public init(key: String, value: String, allowed: String) {
        self.key = key
        self.value = value
        self.allowed = allowed
    }

    public var description: String { "\(key) \(value): expected \(allowed)" }
}
