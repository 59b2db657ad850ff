import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Runs a topology plan in real time: every capture, distribution loop and worker that
/// uses CPU on its own OS thread, blocking in the kernel (mutexes, futexes, timed sleeps)
/// where the original's goroutines park. A worker whose service only sleeps (an offload
/// worker with no host cost on an accelerator of its own) holds no thread: the offer that
/// hands it a frame starts its service and a timer thread ends it (``SleepingWorker``),
/// as the original's scheduler readies goroutines and runs their timers in user space.
///
/// ```
///  capture threads ──publish──► supplier inbox ─► distribution thread ─► worker slots ─► worker threads
///        (1 per stream)            (1 per pipeline)                        (1 per CPU worker instance)
///                                                                        └─► sleeping workers ◄─ timer threads
///                                                                                                  (1 per 32)
///  harness (calling thread): start ─ warm-up ─┤ measured window ├─ stop captures ─ stop suppliers ─ join
///                                             snapshot         snapshot
/// ```
///
/// A declared host pins every thread of the process to the box's threads before the
/// run's threads exist (they inherit it), and restores the CPUs afterwards.
///
/// Metrics cover the measured window only (warm-up is excluded by time); the accounting
/// covers the whole run. Stop order guarantees that every frame ends somewhere counted:
/// captures stop first, then each supplier discards what waits in its inbox and slots,
/// then workers finish the frame in hand and see their slot closed.
public struct RealtimeExecutor {
    public struct Options: Sendable {
        /// Keep every worker event in memory for writing out after the run.
        public var keepEvents = false
        /// Keep every processed frame's timestamps (``RunResult/trace``).
        public var trace = false
        /// Called on the harness thread after each timeline sample (for progress display).
        public var onSample: (@Sendable (TimelineSample) -> Void)?
        /// Time between starting the threads and the first arrival.
        public var leadNanos: UInt64 = 20_000_000
        /// Period of the timeline samples.
        public var samplingNanos: UInt64 = 250_000_000
        /// Raised from outside (a signal handler's thread) to end the run early; the result
        /// then covers what was measured and says `cancelled`.
        public var cancel = StopSignal()
        /// Run a declared box on the CPUs this machine has when it has fewer than the box's
        /// threads, instead of refusing (the result says it was not pinned to the box).
        public var onAvailableCPUs = false
        /// Where process workers' children's standard error and their failures go.
        public var workerLog = WorkerLog()
        public init(keepEvents: Bool = false, cancel: StopSignal = StopSignal()) {
            self.keepEvents = keepEvents
            self.cancel = cancel
        }
    }

    public let scenario: RunScenario
    public let options: Options

    public init(scenario: RunScenario, options: Options = Options()) {
        self.scenario = scenario
        self.options = options
    }

    /// Runs the scenario for its warm-up plus measured duration and returns the result.
    /// Also returns the kept events, when asked for.
    /// Throws ``ScenarioError`` for an invalid scenario and ``VideoError`` for a source
    /// that cannot be opened, in both cases before any thread starts.
    public func run() throws -> (result: RunResult, events: [WorkerEvent]) {
        try scenario.validate()
        try Self.check(scenario)
        // The box's CPUs: pinned before any thread of the run exists (they inherit it),
        // restored afterwards.
        let original = CPUAffinity.available()
        let placement = try scenario.host.map { try $0.placement(available: original, onAvailable: options.onAvailableCPUs) }
        if let placement { CPUAffinity.pin(to: placement.cpus) }
        defer { if placement != nil { CPUAffinity.pin(to: original) } }
        let clock = SystemClock()
        let stop = StopSignal()
        let sources = try SourceOpener(scenario: scenario, captures: RunInstances(scenario: scenario).captures).open(stop: stop)
        let harnessCPUStart = threadCPUNanos()
        let runStart = clock.now() + options.leadNanos
        let instances = RunInstances(scenario: scenario, origin: runStart)
        let components = Components(instances: instances, sources: sources.producers, options: options, runStart: runStart,
                                    stop: stop)
        let (suppliers, workers, captures) = (components.suppliers, components.workers, components.captures)
        // Process workers' children, before any thread: a program that cannot run is
        // refused before the run, and those already started are stopped (and reaped).
        for (index, worker) in workers.enumerated() {
            do { try worker.startProcess() } catch {
                for started in workers[..<index] { started.client?.stop() }
                throw ScenarioError(key: "worker \(worker.spec.name) process", value: worker.client?.spec.commandLine ?? "",
                                    allowed: "a program that starts (\(error.description))")
            }
        }

        // Start consumers before producers, so no early frame meets a missing reader.
        for supplier in suppliers { try! supplier.start() }
        for timers in components.timers { timers.start() }
        components.startWorkers(firstArrival: runStart)
        for capture in captures { capture.thread.start() }
        // CPU by role from the threads' clocks: the timer thread's, not its workers'.
        let threads = suppliers.compactMap(\.thread) + workers.compactMap { $0.runner as? OSThread }
            + components.timers.map { $0.thread } + captures.map(\.thread)

        var timeline: [TimelineSample] = []
        var runnable: [Int] = []
        var gridPoint: UInt64 = 0
        func sampleUntil(_ deadline: UInt64) {
            // Every 250 ms on a fixed grid from the run's start, up to the deadline. A
            // harness starved of CPU (more runnable threads than cores) skips the grid
            // points a whole period past instead of sampling each of them late: catching up
            // on them one by one delayed the window's end boundary by tens of seconds.
            while true {
                var point = gridPoint + 1
                let now = clock.now()
                while runStart + (point + 1) * options.samplingNanos <= now { point += 1 }
                let next = runStart + point * options.samplingNanos
                guard next <= deadline, options.cancel.sleep(until: next) else { break }
                gridPoint = point
                timeline.append(TimelineSample.take(at: next - runStart, suppliers: suppliers, captures: captures))
                if next > instances.windowStart, let threads = CPUAffinity.runnableThreads() { runnable.append(threads) }
                options.onSample?(timeline[timeline.count - 1])
            }
            _ = options.cancel.sleep(until: deadline)
        }
        sampleUntil(instances.windowStart)
        let before = Boundary.take(components, threads: threads, harnessCPU: threadCPUNanos() - harnessCPUStart)
        sampleUntil(instances.windowEnd)
        let cancelled = options.cancel.isRaised
        let measuredEnd = min(clock.now(), instances.windowEnd)
        let after = Boundary.take(components, threads: threads, harnessCPU: threadCPUNanos() - harnessCPUStart)

        stop.raise()
        for capture in captures { capture.thread.join() }
        for supplier in suppliers { supplier.stop() }
        for worker in workers { worker.runner.join() }
        for timers in components.timers { timers.finish() }

        let final = Boundary.take(components, threads: [], harnessCPU: 0)
        let measured = Double(measuredEnd > instances.windowStart ? measuredEnd - instances.windowStart : 0) / 1e9
        let memory = MemoryResult(
            peakRSSBytes: max(timeline.map(\.rssBytes).max() ?? 0, after.process.currentRSSBytes),
            rssAtEndOfWindowBytes: after.process.currentRSSBytes,
            framePoolBytes: UInt64(captures.reduce(0) { $0 + $1.report.bufferBytes }),
            preloadedClipBytes: UInt64(sources.clip?.memoryBytes ?? 0))
        var cpu = Boundary.cpu(before: before, after: after, window: max(measured, 1e-9))
        if workers.contains(where: { $0.client != nil }) {
            let seconds = Double(after.childCPU &- before.childCPU) / 1e9
            cpu.workerProcesses = CPUResult.Share(seconds: seconds, cores: seconds / max(measured, 1e-9))
        }
        var measures = RunMeasures(
            measuredSeconds: measured, cpu: cpu,
            memory: memory, deviceUsage: components.gates.map { $0.snapshot() },
            events: workers.reduce(0) { $0 + $1.emitter.count }, mode: .realtime)
        measures.batchSizes = components.batchSizes()
        measures.batchWaits = components.batchWaits()
        measures.deviceBusyInWindow = zip(after.deviceBusy, before.deviceBusy).map { $0 - $1 }
        var result = ResultAssembler(instances: instances).assemble(
            before: before.counts, after: after.counts, end: final.counts, captures: captures.map(\.report.end),
            rows: components.rowMeasurements(), measures: measures)
        result.timeline = timeline
        result.cancelled = cancelled
        result.workerFailures = workers.flatMap(\.failures).map { failure in
            var relative = failure
            relative.atNanos = failure.atNanos > runStart ? failure.atNanos - runStart : 0
            return relative
        }
        if let host = scenario.host, let placement {
            let window = max(measured, 1e-9)
            let sorted = runnable.sorted()
            // The box runs the workbench and its process workers' children alike.
            let coresInUse = result.cpu.process.cores + (result.cpu.workerProcesses?.cores ?? 0)
            result.host = HostResult(
                spec: host, cpus: placement.cpus.count, pinned: placement.pinned, coresInUse: coresInUse,
                utilisation: coresInUse / Double(placement.cpus.count),
                runQueueMean: sorted.isEmpty ? nil : Double(sorted.reduce(0, +)) / Double(sorted.count),
                runQueueP99: sorted.isEmpty ? nil : Double(sorted[min(sorted.count - 1, Int((0.99 * Double(sorted.count)).rounded(.up)) - 1)]),
                coresByKind: instances.kinds.map { kind in
                    HostResult.KindShare(worker: kind, cores: Double(after.workerCPU(kind) &- before.workerCPU(kind)
                                                                     + after.childCPU(kind) &- before.childCPU(kind)) / 1e9 / window)
                })
        }
        if options.trace { result.trace = captures.flatMap(\.report.trace) + workers.flatMap { $0.recorders.values.flatMap(\.trace) } }
        let events = options.keepEvents ? workers.flatMap(\.emitter.events).sorted { $0.at < $1.at } : []
        return (result, events)
    }
}

/// The threads and components of one run, built from its instances.
private struct Components {
    let instances: RunInstances
    var suppliers: [FrameSupplier] = []
    var workers: [WorkerRunner] = []
    var captures: [CaptureRunner] = []
    var buffers: [FrameBuffer] = []
    /// A shared kind's instances, by index in `workers`: their frame-buffer and their rank
    /// among its instances (the simulation's order).
    private var pooled: [Int: (buffer: FrameBuffer, rank: Int)] = [:]
    /// The ways in of kinds that some load state does not run, by the rows they feed.
    private var filters: [RowKey: StateFilter] = [:]
    /// One gate per declared device: offload jobs placed on it share its capacity.
    let gates: [DeviceGate]
    /// The threads that end the services of the workers that run without threads, the
    /// workers dealt to them in turn.
    let timers: [ServiceTimers]
    /// Workers a timer thread serves at most (but at least one thread per CPU): a thread
    /// that ends the services of hundreds of workers needs a large share of a CPU, and
    /// the scheduler makes it wait its turn behind the run's thousand other threads. At
    /// 512 pipelines, 2 timer threads let services overrun by 35–140 ms at the p99 in 7 of
    /// 21 runs (served fps 27–29); 16 did not in any of 3 (Reports/benchmarks.md).
    static let workersPerTimerThread = 32

    init(instances: RunInstances, sources: [any FrameProducer], options: RealtimeExecutor.Options, runStart: UInt64,
         stop: StopSignal) {
        self.instances = instances
        let scenario = instances.scenario
        gates = instances.devices.map { DeviceGate(spec: $0) }
        let expectedFrames = Int(scenario.peakRate * (scenario.warmup.seconds + scenario.duration.seconds) * 1.1) + 16
        let windows = instances.faults.windows
        func recorders(_ worker: RunInstances.Worker) -> [Int: WorkerRecorder] {
            Dictionary(uniqueKeysWithValues: worker.streams.map { stream in
                (stream, WorkerRecorder(windowStart: instances.windowStart, windowEnd: instances.windowEnd,
                                        traceWorker: options.trace ? worker.spec.name : nil, traceInstance: worker.name,
                                        expectedFrames: expectedFrames,
                                        faultWindows: windows, states: instances.loadStates))
            })
        }
        // Workers that only sleep, on their own slots, run without threads: timer threads
        // end their services, the workers dealt to them in turn.
        let gates = gates
        let sleeping = instances.suppliers.flatMap(\.ownWorkers).filter { index in
            let worker = instances.workers[index]
            return WorkerRunner.sleepsWithoutThread(worker.spec, device: worker.device.map { gates[$0] }, faults: worker.faults)
        }
        let timerThreads = min(sleeping.count, max(CPUAffinity.available().count,
                                                   (sleeping.count + Self.workersPerTimerThread - 1) / Self.workersPerTimerThread))
        timers = (0..<timerThreads).map { ServiceTimers(name: "service-timers-\($0)", expected: sleeping.count / timerThreads + 1) }
        let timersByWorker = Dictionary(uniqueKeysWithValues: sleeping.enumerated().map { [timers] in ($1, timers[$0 % timers.count]) })
        func runner(_ worker: RunInstances.Worker, batches: (@Sendable (UInt64) -> Taken<FrameBatch>)? = nil,
                    sleepingOn: (slot: Mailbox<Frame>, timers: ServiceTimers)? = nil,
                    next: @escaping @Sendable (UInt64) -> Taken<Frame>) -> WorkerRunner {
            WorkerRunner(name: worker.name, spec: worker.spec, seed: worker.seed, recorders: recorders(worker),
                         emitter: EventEmitter(worker: worker.spec.name, keepEvents: options.keepEvents, expected: expectedFrames),
                         device: worker.device.map { gates[$0] }, faults: worker.faults, stop: stop, next: next,
                         batches: batches.map { ($0, (instances.windowStart, instances.windowEnd)) }, log: options.workerLog,
                         sequence: worker.sequence, sleepingOn: sleepingOn)
        }
        // A kind that some stream's load state does not run gets its frames through a filter.
        let served = instances.servedStates, kinds = instances.kinds.count
        let filtered = Set(served.indices.filter { !served[$0] }.map { $0 % kinds })
        func filter(_ sink: any FrameSink, kind: Int, streams: [Int]) -> any FrameSink {
            guard filtered.contains(kind) else { return sink }
            let filter = StateFilter(sink: sink, kind: kind, instances: instances)
            for stream in streams { filters[RowKey(stream: stream, worker: instances.kinds[kind])] = filter }
            return filter
        }
        for supplier in instances.suppliers {
            let component = FrameSupplier(configuration: .init(fanOutThreshold: scenario.fanOutThreshold,
                                                               name: "supplier-\(supplier.plan.id)", inbox: supplier.plan.inbox,
                                                               publisherMayDistribute: supplier.plan.streams.count == 1))
            suppliers.append(component)
            for index in supplier.ownWorkers {
                // Subscription ids are unique within a supplier by construction of the plan.
                let worker = instances.workers[index]
                if filtered.contains(worker.kind) {
                    let slot = Mailbox<Frame>(policy: .overwrite, clock: SystemClock())
                    try! component.attach(worker.spec.name, sink: filter(slot, kind: worker.kind, streams: supplier.plan.streams))
                    let reader = FrameReader(id: worker.spec.name, slot: slot)
                    workers.append(runner(worker, sleepingOn: timersByWorker[index].map { (slot, $0) }) { reader.read(until: $0) })
                } else {
                    let reader = try! component.subscribe(worker.spec.name)
                    workers.append(runner(worker, sleepingOn: timersByWorker[index].map { (reader.slot, $0) }) { reader.read(until: $0) })
                }
            }
        }
        // Shared kinds: a frame-buffer subscribed under the kind's name to each stream's
        // supplier (option C) or to the one global supplier (option B), and its instances.
        for buffer in instances.frameBuffers {
            let plan = buffer.plan
            let component = FrameBuffer(streams: plan.streams, slotPolicy: plan.slotPolicy, scheduling: plan.scheduling,
                                        sharedSlot: plan.sharedSlot, batch: plan.spec.batch)
            buffers.append(component)
            let kind = instances.kinds.firstIndex(of: plan.spec.name)!
            if plan.fedByGlobalSupplier {
                try! suppliers[0].attach(plan.spec.name, sink: filter(component, kind: kind, streams: plan.streams))
            } else {
                for stream in plan.streams {
                    let pipeline = instances.captures[stream].pipeline
                    try! suppliers[pipeline].attach(plan.spec.name, sink: filter(component.intake(for: stream), kind: kind, streams: [stream]))
                }
            }
            for (rank, index) in buffer.workers.enumerated() {
                // A batching kind takes batches (its batch sizes counted per instance).
                var batches: (@Sendable (UInt64) -> Taken<FrameBatch>)?
                if plan.spec.batch != nil { batches = { @Sendable deadline in component.takeBatch(until: deadline) } }
                pooled[workers.count] = (component, rank)
                workers.append(runner(instances.workers[index], batches: batches) { component.take(until: $0) })
            }
        }
        for capture in instances.captures {
            captures.append(CaptureRunner(streamID: capture.stream, producer: sources[capture.stream],
                                          supplier: suppliers[capture.pipeline], stop: stop, runStart: runStart,
                                          faults: capture.faults, faultWindows: windows, trace: options.trace))
        }
    }

    /// Starts every worker thread, without waiting for it to run, except that a shared
    /// kind's instances start one at a time, each once the one before has reached its
    /// frame-buffer (``FrameBuffer/waitForTakes(_:until:)``): all idle at the start, they
    /// must wait in the order in which the simulation offers them a frame, or the first
    /// frames go to other instances, with other service times, and the run follows another
    /// trajectory than the simulated one. A thread that has not got there by the first
    /// arrival is not waited for any longer (the order is then the scheduler's).
    func startWorkers(firstArrival: UInt64) {
        for (index, worker) in workers.enumerated() {
            worker.runner.start()
            if let (buffer, rank) = pooled[index] { buffer.waitForTakes(rank + 1, until: firstArrival) }
        }
    }

    /// Each row's measurements, a shared kind's instances merged (read after the run).
    func rowMeasurements() -> [ServiceMeasurements] {
        var merged: [RowKey: ServiceMeasurements] = [:]
        for worker in workers {
            for (stream, recorder) in worker.recorders {
                let key = RowKey(stream: stream, worker: worker.spec.name)
                if merged[key] == nil { merged[key] = recorder.measurements } else { merged[key]!.add(recorder.measurements) }
            }
        }
        return instances.rows.map { merged[RowKey(stream: $0.stream, worker: $0.worker)]! }
    }

    /// By frame-buffer: its instances' batches in the window, by size (read after the run).
    func batchSizes() -> [[UInt64]] {
        instances.frameBuffers.map { buffer in
            buffer.workers.reduce(into: [UInt64](repeating: 0, count: buffer.plan.spec.batch?.max ?? 0)) { sizes, index in
                for (size, count) in workers[index].batchSizes.enumerated() where size < sizes.count { sizes[size] += count }
            }
        }
    }

    /// By frame-buffer: its instances' frames' waits for their batches in the window.
    func batchWaits() -> [LatencyHistogram] {
        instances.frameBuffers.map { buffer in
            buffer.workers.reduce(into: LatencyHistogram()) { waits, index in waits.add(workers[index].batchWaits) }
        }
    }

    /// Every slot's and capture's counters now.
    func counts() -> RunCounts {
        let stats = suppliers.map { $0.stats() }
        var counts = RunCounts(
            captures: captures.map { $0.counters.snapshot() },
            inboxes: stats.map(\.inbox.counts), distributed: stats.map(\.distributed), chunkedFanOuts: stats.map(\.chunkedFanOuts),
            ownSlots: instances.suppliers.indices.map { index in
                instances.suppliers[index].plan.workers.map { stats[index].worker($0.name)!.slot.counts }
            },
            bufferSlots: buffers.map { buffer in
                (buffer.sharedSlot ? [buffer.streams[0]] : buffer.streams).map { buffer.snapshot(stream: $0).counts }
            })
        if !filters.isEmpty {
            counts.notServed = instances.rows.map { filters[RowKey(stream: $0.stream, worker: $0.worker)]?.keptBack(stream: $0.stream) ?? 0 }
        }
        return counts
    }
}

/// A row of the results: one worker kind serving one stream.
private struct RowKey: Hashable {
    var stream: Int
    var worker: String
}

/// What the harness reads at a window boundary.
private struct Boundary {
    var counts: RunCounts
    var process: ProcessResources
    /// When `process` was read (monotonic ns, the middle of the call).
    var processAt: UInt64
    var threadCPU: [(OSThread.Role, UInt64)]
    /// When `threadCPU` was read (the middle of the pass over the threads).
    var threadsAt: UInt64
    /// CPU of the worker threads, by worker kind.
    var workerCPUByKind: [String: UInt64]
    /// CPU of process workers' children, by worker kind.
    var childCPUByKind: [String: UInt64]

    func workerCPU(_ kind: String) -> UInt64 { workerCPUByKind[kind] ?? 0 }
    func childCPU(_ kind: String) -> UInt64 { childCPUByKind[kind] ?? 0 }
    var childCPU: UInt64 { childCPUByKind.values.reduce(0, +) }
    var harnessCPU: UInt64
    var chunkCPU: UInt64
    /// By device: busy seconds so far.
    var deviceBusy: [Double]

    func cpu(_ role: OSThread.Role) -> UInt64 {
        role == .harness ? harnessCPU : threadCPU.filter { $0.0 == role }.reduce(0) { $0 + $1.1 }
    }

    static func take(_ components: Components, threads: [OSThread], harnessCPU: UInt64) -> Boundary {
        var byKind: [String: UInt64] = [:], childByKind: [String: UInt64] = [:]
        if !threads.isEmpty {
            for worker in components.workers {
                byKind[worker.spec.name, default: 0] += worker.runner.cpuNanos()
                if let client = worker.client { childByKind[worker.spec.name, default: 0] += client.published.nanos() }
            }
        }
        // CPU first, each reading stamped with the middle of the time it took (thousands of
        // threads take a while to read, the more so with the harness starved); the counts,
        // which take every supplier's locks, after.
        let processStart = monotonicNanos()
        let process = ProcessResources.sample()
        let processAt = processStart + (monotonicNanos() &- processStart) / 2
        let threadsStart = monotonicNanos()
        let threadCPU = threads.map { ($0.role, $0.cpuNanos()) }
        let threadsAt = threadsStart + (monotonicNanos() &- threadsStart) / 2
        let counts = components.counts()
        return Boundary(counts: counts, process: process, processAt: processAt, threadCPU: threadCPU, threadsAt: threadsAt,
                 workerCPUByKind: byKind, childCPUByKind: childByKind, harnessCPU: harnessCPU,
                 chunkCPU: components.suppliers.reduce(0) { $0 + $1.stats().chunkDeliveryCPUNanos },
                 deviceBusy: components.gates.map { $0.snapshot().busySeconds })
    }

    /// CPU by component class over the window, from the threads' own clocks.
    static func cpu(before: Boundary, after: Boundary, window: Double) -> CPUResult {
        let byRole = OSThread.Role.allCases.reduce(into: [OSThread.Role: UInt64]()) { sums, role in
            sums[role] = after.cpu(role) &- before.cpu(role)
        }
        let chunkCPU = after.chunkCPU - before.chunkCPU
        let process = after.process.cpuNanos - before.process.cpuNanos
        let attributed = byRole.values.reduce(0, +) + chunkCPU
        // Cores over the time between the two readings, not over the nominal window: a
        // starved harness reads a boundary late, and CPU spent after the window's end then
        // counted against the window's length (more cores than the machine has).
        let processSpan = Double(after.processAt &- before.processAt) / 1e9
        let threadSpan = Double(after.threadsAt &- before.threadsAt) / 1e9
        func share(_ nanos: UInt64, over span: Double) -> CPUResult.Share {
            CPUResult.Share(seconds: Double(nanos) / 1e9, cores: Double(nanos) / 1e9 / (span > 0 ? span : window))
        }
        return CPUResult(
            process: share(process, over: processSpan), capture: share(byRole[.capture]!, over: threadSpan),
            supplier: share(byRole[.supplier]! + chunkCPU, over: threadSpan),
            worker: share(byRole[.worker]!, over: threadSpan), harness: share(byRole[.harness]!, over: threadSpan),
            unattributed: share(process > attributed ? process - attributed : 0, over: processSpan))
    }
}

extension TimelineSample {
    fileprivate static func take(at nanos: UInt64, suppliers: [FrameSupplier], captures: [CaptureRunner]) -> TimelineSample {
        let process = ProcessResources.sample()
        let stats = suppliers.map { $0.stats() }
        return TimelineSample(
            seconds: Double(nanos) / 1e9, processCPUSeconds: Double(process.cpuNanos) / 1e9, rssBytes: process.currentRSSBytes,
            captureDrops: captures.reduce(0) { $0 + $1.counters.drops.load(ordering: .relaxed) },
            inboxDrops: stats.reduce(0) { $0 + $1.inboxDrops },
            slotDrops: stats.reduce(0) { $0 + $1.workers.reduce(0) { $0 + $1.totalDrops } },
            slotDeliveries: stats.reduce(0) { $0 + $1.workers.reduce(0) { $0 + $1.delivered } })
    }
}
