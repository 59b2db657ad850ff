import Random

/// Every component of one run, named with everything an executor needs to build it: each
/// capture's stream, pipeline, phase, arrival seed, source and faults; each supplier's
/// subscribers; each worker instance's kind, source, seed, device and faults; each
/// frame-buffer's instances; and every result row. Pure data derived once from the
/// scenario and its ``TopologyPlan``: the realtime and the virtual executor both build
/// from it and derive nothing themselves, so both draw the same arrivals and services.
///
/// Times (faults, the measured window) are absolute: nanoseconds from `origin`, which is
/// the monotonic start of a real-time run (its first arrival) and 0 in virtual time.
///
/// ```
///  captures[s] ──► suppliers[p] ──► own slots ─────────► workers[ownWorkers]
///                               └─► frameBuffers[b] ───► workers[b.workers]
///  rows: stream × worker kind, own kinds first, in stream order
/// ```
public struct RunInstances: Sendable {
    public struct Capture: Sendable {
        public var stream: Int
        /// Index of the supplier it publishes into.
        public var pipeline: Int
        public var source: VideoSource
        public var arrivalSeed: UInt64
        /// Seeds the draws of the scenario's `decode-cpu` (simulated time only).
        public var decodeSeed: UInt64
        /// Its rate, arrival process and load profile (its group's, or the scenario's).
        public var fps: Double
        public var arrival: ArrivalProcess
        public var load: LoadProfile?
        /// A recorded stream's steps through `load`'s states (nil: drawn by its chain).
        public var trace: [LoadTrace.Step]?
        public var loadSeed: UInt64
        /// The building's storms, and their seed (the same for every stream).
        public var storms: [Storm]
        public var stormSeed: UInt64
        public var faults: CaptureFaults
        fileprivate var phasePolicy: PhasePolicy
        fileprivate var streamCount: Int
        fileprivate var seed: UInt64

        /// Where the stream starts within a frame period at `fps` (its rate, or a recorded
        /// source's own): the same for every executor.
        public func phase(fps: Double) -> UInt64 {
            ArrivalSchedule.phase(stream: stream, of: streamCount, policy: phasePolicy, fps: fps, seed: seed)
        }

        /// Its arrivals at its own rate (and load profile), as both executors draw them.
        public func arrivals() -> ArrivalSchedule {
            ArrivalSchedule(fps: fps, process: arrival, phaseNanos: phase(fps: fps), seed: arrivalSeed, load: loadSchedule())
        }

        /// Its states over time, fresh from the start: drawn by its chain, or replayed from
        /// its trace (nil: a constant rate).
        public func loadSchedule() -> LoadSchedule? {
            guard let load else { return nil }
            if let trace { return LoadSchedule(profile: load, steps: trace, storms: storms, stormSeed: stormSeed, stream: stream) }
            return LoadSchedule(profile: load, seed: loadSeed, storms: storms, stormSeed: stormSeed, stream: stream)
        }
    }

    public struct Supplier: Sendable {
        public var plan: PipelinePlan
        /// The worker instances with a slot of their own on this supplier, in subscription order.
        public var ownWorkers: Range<Int>
        /// The frame-buffers subscribed to this supplier, in subscription order.
        public var frameBuffers: [Int]
    }

    public enum WorkerSource: Sendable, Equatable {
        /// Its own slot on a supplier: the supplier's index and the slot's position.
        case slot(pipeline: Int, position: Int)
        /// A shared kind's frame-buffer.
        case frameBuffer(Int)
    }

    public struct Worker: Sendable {
        /// Thread name in real time: `worker-P` or `shared-K-I`.
        public var name: String
        public var spec: WorkerSpec
        /// Index into ``RunInstances/kinds``.
        public var kind: Int
        public var source: WorkerSource
        public var seed: UInt64
        /// Index into ``RunInstances/devices`` of the device its `offload` jobs share;
        /// nil: an accelerator of its own, or a worker whose device only holds its model.
        public var device: Int?
        public var faults: WorkerFaults
        /// The streams whose rows it records.
        public var streams: [Int]
        /// Where it reads a `sequence` service distribution (see ``SequencePosition``).
        public var sequence = SequencePosition()
    }

    public struct FrameBuffer: Sendable {
        public var plan: SharedWorkerPlan
        /// Indices of the worker instances that take from it.
        public var workers: Range<Int>
        /// Slots it holds: one per stream, or one for all (option B's single inbox).
        public var slotCount: Int { plan.sharedSlot ? 1 : plan.streams.count }
        /// The slot that `stream`'s frames go to.
        public func slot(of stream: Int) -> Int { plan.sharedSlot ? 0 : plan.streams.firstIndex(of: stream)! }
    }

    /// One row of the results: a worker kind serving a stream.
    public struct Row: Sendable, Hashable {
        public enum Slot: Sendable, Hashable {
            /// A kind of the stream's own pipeline: its slot on that supplier.
            case own(pipeline: Int, position: Int)
            /// A shared kind: the stream's slot in the kind's frame-buffer.
            case frameBuffer(Int)
        }
        public var stream: Int
        /// Index of the supplier the stream publishes into.
        public var pipeline: Int
        public var kind: Int
        public var worker: String
        public var slot: Slot
    }

    public let scenario: RunScenario
    public let plan: TopologyPlan
    public let captures: [Capture]
    public let suppliers: [Supplier]
    public let workers: [Worker]
    public let frameBuffers: [FrameBuffer]
    public let rows: [Row]
    /// Worker kind names; a row's and a worker's `kind` index into it.
    public let kinds: [String]
    public let devices: [DeviceSpec]
    public let faults: FaultSchedule
    public let windowStart: UInt64
    public let windowEnd: UInt64
    /// What the times above are counted from; arrival schedules count from the run's start.
    public let origin: UInt64

    public init(scenario: RunScenario, origin: UInt64 = 0) {
        self.scenario = scenario
        self.origin = origin
        let plan = TopologyPlan.build(scenario)
        self.plan = plan
        windowStart = origin + scenario.warmup.nanoseconds
        windowEnd = windowStart + scenario.duration.nanoseconds
        let faults = FaultSchedule(faults: scenario.faults, measuredStart: windowStart, measured: scenario.duration)
        self.faults = faults
        devices = scenario.devices
        let deviceIndex = Dictionary(uniqueKeysWithValues: scenario.devices.enumerated().map { ($1.name, $0) })
        let kinds = (plan.pipelines.flatMap { $0.workers.map(\.name) } + plan.shared.map(\.spec.name)).uniqued()
        self.kinds = kinds
        let kindOf = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })
        let pipelineOf = Dictionary(uniqueKeysWithValues: plan.pipelines.enumerated().flatMap { index, p in p.streams.map { ($0, index) } })

        func device(_ spec: WorkerSpec) -> Int? {
            guard case .offload = spec.cost else { return nil }
            return spec.device.flatMap { deviceIndex[$0] }
        }

        // Which frame-buffers each supplier delivers to: the global one (option B) or
        // every served stream's supplier (option C).
        var attached = Array(repeating: [Int](), count: plan.pipelines.count)
        for (index, shared) in plan.shared.enumerated() {
            for pipeline in (shared.fedByGlobalSupplier ? [0] : shared.streams.map { pipelineOf[$0]! })
            where !attached[pipeline].contains(index) {
                attached[pipeline].append(index)
            }
        }

        let streamCaptures = scenario.streamCaptures
        var captures: [Capture] = [], suppliers: [Supplier] = [], workers: [Worker] = [], buffers: [FrameBuffer] = []
        for (index, pipeline) in plan.pipelines.enumerated() {
            let first = workers.count
            for (position, spec) in pipeline.workers.enumerated() {
                workers.append(Worker(
                    name: "worker-\(pipeline.id)", spec: spec, kind: kindOf[spec.name]!,
                    source: .slot(pipeline: index, position: position),
                    seed: SeedSequence.derive(scenario.seed, 0x5E4F, UInt64(pipeline.id), UInt64(position)),
                    device: device(spec), faults: faults.worker(spec.name, stream: pipeline.streams[0]),
                    streams: pipeline.streams))
            }
            suppliers.append(Supplier(plan: pipeline, ownWorkers: first..<workers.count, frameBuffers: attached[index]))
            for stream in pipeline.streams {
                captures.append(Capture(
                    stream: stream, pipeline: index, source: streamCaptures[stream].source,
                    arrivalSeed: SeedSequence.derive(scenario.seed, 0xCA97, UInt64(stream)),
                    decodeSeed: SeedSequence.derive(scenario.seed, 0xDEC0, UInt64(stream)),
                    fps: streamCaptures[stream].fps, arrival: streamCaptures[stream].arrival, load: streamCaptures[stream].load,
                    trace: streamCaptures[stream].trace, loadSeed: SeedSequence.derive(scenario.seed, 0x10AD, UInt64(stream)),
                    storms: scenario.storms ?? [], stormSeed: SeedSequence.derive(scenario.seed, 0x5707),
                    faults: faults.capture(stream: stream), phasePolicy: streamCaptures[stream].phase, streamCount: scenario.streams,
                    seed: scenario.seed))
            }
        }
        captures.sort { $0.stream < $1.stream }
        for (kind, shared) in plan.shared.enumerated() {
            let first = workers.count
            for instance in 0..<shared.instances {
                workers.append(Worker(
                    name: "shared-\(kind)-\(instance)", spec: shared.spec, kind: kindOf[shared.spec.name]!,
                    source: .frameBuffer(kind),
                    seed: SeedSequence.derive(scenario.seed, 0x5A4E, UInt64(kind), UInt64(instance)),
                    device: device(shared.spec), faults: faults.worker(shared.spec.name, stream: nil),
                    streams: shared.streams))
            }
            buffers.append(FrameBuffer(plan: shared, workers: first..<workers.count))
        }
        Self.placeSequences(&workers, seed: scenario.seed)

        // Rows: every stream × every kind serving it, its own pipeline's kinds first.
        var rows: [Row] = []
        for stream in 0..<plan.streamCount {
            let pipeline = pipelineOf[stream]!
            for (position, spec) in plan.pipelines[pipeline].workers.enumerated() {
                rows.append(Row(stream: stream, pipeline: pipeline, kind: kindOf[spec.name]!, worker: spec.name,
                                slot: .own(pipeline: pipeline, position: position)))
            }
            for (index, buffer) in buffers.enumerated() where buffer.plan.streams.contains(stream) {
                rows.append(Row(stream: stream, pipeline: pipeline, kind: kindOf[buffer.plan.spec.name]!,
                                worker: buffer.plan.spec.name, slot: .frameBuffer(index)))
            }
        }
        self.captures = captures
        self.suppliers = suppliers
        self.workers = workers
        frameBuffers = buffers
        self.rows = rows
    }

    /// The most load states any stream's profile has (0: no stream has a profile).
    public var loadStates: Int { captures.map { $0.load?.states.count ?? 0 }.max() ?? 0 }

    /// Whether kind k gets the frames of stream s in state t, at `(s × loadStates + t) ×
    /// kinds.count + k`; empty when every kind gets every frame (no state names its
    /// workers), so that the executors skip the check.
    public var servedStates: [Bool] {
        guard captures.contains(where: { $0.load?.states.contains { $0.workers != nil } ?? false }) else { return [] }
        let states = loadStates
        var served = Array(repeating: true, count: plan.streamCount * states * kinds.count)
        for capture in captures {
            guard let load = capture.load else { continue }
            for (t, state) in load.states.enumerated() {
                for (k, kind) in kinds.enumerated() { served[(capture.stream * states + t) * kinds.count + k] = state.serves(kind) }
            }
        }
        return served
    }

    /// The index of each row by stream and kind (`stream × kinds.count + kind`; −1: the
    /// kind does not serve the stream), for per-frame lookups without hashing.
    public var rowIndex: [Int32] {
        var index = Array(repeating: Int32(-1), count: plan.streamCount * kinds.count)
        for (position, row) in rows.enumerated() { index[row.stream * kinds.count + row.kind] = Int32(position) }
        return index
    }
}

extension RunInstances {
    /// Each kind whose service distribution is a measured `sequence`: its instances take
    /// turns along it, instance `j` of `n` from the run's offset plus `j`, moving `n` a
    /// draw. The offset comes from the run's seed, so repetitions start at other places.
    static func placeSequences(_ workers: inout [Worker], seed: UInt64) {
        for kind in Set(workers.map(\.kind)) {
            let indices = workers.indices.filter { workers[$0].kind == kind }
            guard let first = indices.first else { continue }
            let samples: Int
            switch workers[first].spec.cost {
            case .offload(.sequence(let values)), .cpu(.sequence(let values)): samples = values.count
            default: continue
            }
            let offset = Int(SeedSequence.derive(seed, 0x5E9E, UInt64(kind)) % UInt64(max(samples, 1)))
            for (turn, index) in indices.enumerated() {
                workers[index].sequence = SequencePosition(start: offset + turn, stride: indices.count)
            }
        }
    }
}
