import ScaleBenchCore
import Random

/// One worker instance in virtual time: where it takes frames from, its seeded service
/// distribution, the device its offloaded jobs share, its faults and the frame in hand.
struct VirtualWorker {
    enum Source {
        /// Its own slot on its pipeline's supplier (index into the run's slots).
        case slot(Int)
        /// A shared kind's frame-buffer (index into the run's frame-buffers).
        case frameBuffer(Int)
    }

    // The fields a service's start and end read come first, in a line or two: declaration
    // order is the layout's, and a worker is out of the L1 cache by the time its next
    // frame comes (its readiness, which every offer asks, is kept beside the workers).

    /// The frame in service and when its service started, and the other frames of its
    /// batch (a batching kind's; empty otherwise).
    var inHand: (frame: VirtualFrame, start: UInt64)?
    /// Crashes not yet restarted (> 0: down, takes no frames).
    var down = 0
    /// Identifies the current service, so that the end of a service cancelled by a crash
    /// is recognised as stale when its event comes out of the queue.
    var service: UInt64 = 0
    /// The parts of a service: an offload worker's host cost before and after its
    /// accelerator's part (``WorkerSpec/hostCost``), or a single main part.
    enum Part { case before, main, after }
    var part = Part.main
    /// Whether the main part is CPU work on the host (a `cpu` worker).
    let onHost: Bool
    /// The drawn work of the current service's main part.
    var mainWork: UInt64 = 0
    /// Half the host cost per service (0: none), in ns.
    let hostHalf: UInt64
    /// Index of its worker kind, which with a frame's stream names the result row.
    let kind: Int
    let source: Source
    /// Service times drawn ahead, in order (as ``ArrivalSchedule`` draws arrivals): the
    /// generator is this worker's alone, so the times are the same as drawn one by one.
    /// Starts at the end of an empty batch: the first draw fills it.
    private var aheadPosition = Self.batch
    private var ahead: [UInt64] = []
    private static let batch = 32
    /// The work of every service when it never varies (a constant distribution and no
    /// slowdown), and whether a slowdown fault may stretch it: read at every start here,
    /// where the sampler and the faults, further on, are read only to draw a batch.
    private let constantWork: UInt64?
    private let slowed: Bool
    var rest: [VirtualFrame] = []
    /// Since when it has been free to take (its last service's end, its restart, or the
    /// run's start): a batching kind's frames wait for their batch from here at the earliest.
    var freeSince: UInt64 = 0
    /// How a batching kind taking from a frame-buffer serves several frames at once (nil:
    /// one at a time; an own slot holds one frame, so its batches are of one).
    let batch: BatchSpec?
    /// Index of the device its `offload` jobs share; nil: an accelerator of its own (or a
    /// `cpu` worker, whose device only holds its model's memory, as in real time).
    let device: Int?
    /// The service distribution with its parameters derived once.
    let sampler: ServiceDistribution.Sampler
    /// Seeded as the realtime worker of the same place in the plan, so both draw the same
    /// service times.
    let random: GSLRandom
    let faults: WorkerFaults

    var isReady: Bool { down == 0 && inHand == nil }

    init(instance: RunInstances.Worker, source: Source) throws(ScenarioError) {
        switch instance.spec.cost {
        case .offload(let distribution), .cpu(let distribution):
            sampler = ServiceDistribution.Sampler(distribution, position: instance.sequence)
        case .pixels:
            throw ScenarioError(key: "worker \(instance.spec.name)", value: "pixels",
                                allowed: "offload or cpu cost models in a simulated run (pixels does real work on real pixels, which virtual time cannot model; run it in real time)")
        case .process:
            throw ScenarioError(key: "worker \(instance.spec.name)", value: "process",
                                allowed: "a calibrated demand in a simulated run (run it in real time with --trace, then `scalebench calibrate RUN`)")
        }
        if case .cpu = instance.spec.cost { onHost = true } else { onHost = false }
        hostHalf = (instance.spec.hostCost?.nanoseconds ?? 0) / 2
        self.source = source
        device = instance.device
        random = GSLRandom(seed: instance.seed, algorithm: .taus2)
        faults = instance.faults
        kind = instance.kind
        if case .frameBuffer = source { batch = instance.spec.batch } else { batch = nil }
        slowed = !faults.slowdowns.isEmpty
        constantWork = slowed ? nil : sampler.constant
    }

    /// The solo work of a service starting at `time`: a sampled time, stretched by a
    /// slowdown fault as ``WorkerEngine`` stretches it.
    /// Mutating only so that it runs on the element in place: a non-mutating call on an
    /// array element copies the whole worker (spec, faults and all) first.
    mutating func drawWork(startingAt time: UInt64) -> UInt64 {
        if let work = constantWork { return work }
        // Against the batch's fixed size, and read through the buffer unchecked: the
        // array's header (its count), a line apart from most of its times, stays unread.
        if aheadPosition == Self.batch {
            if ahead.isEmpty { ahead = Array(repeating: 0, count: Self.batch) }
            let sampler = sampler, random = random
            ahead.withUnsafeMutableBufferPointer { sampler.fill($0, from: random) }
            aheadPosition = 0
        }
        let sampled = ahead.withUnsafeBufferPointer { $0[aheadPosition] }
        aheadPosition &+= 1
        return slowed ? UInt64(Double(sampled) * faults.slowdown(at: time)) : sampled
    }
}

/// A declared device in virtual time: the pure ``ProcessorSharing`` policy and the
/// worker instances whose jobs are on it (a job's id is its worker's index: an instance
/// has at most one job at a time).
struct VirtualDevice {
    let spec: DeviceSpec
    var sharing: ProcessorSharing
    var jobs: [Int] = []
    /// Bumped whenever the next completion may have moved (a job arrived or left), so an
    /// older completion event is recognised as stale.
    var generation: UInt64 = 0

    init(spec: DeviceSpec) {
        self.spec = spec
        sharing = ProcessorSharing(sharing: spec.sharing, start: 0)
    }

    /// Busy nanoseconds up to `time` (not before the accounting's own time), from a copy:
    /// reading the window's boundaries leaves the run's state as it was.
    func busyNanos(at time: UInt64) -> Double {
        var copy = sharing
        copy.advance(to: max(time, copy.time))
        return copy.busyNanos
    }

    /// When to look at the device next: now if a job is already done (e.g. zero work),
    /// else the earliest completion if nothing arrives; nil when idle.
    var nextCheck: UInt64? {
        if jobs.contains(where: { sharing.isFinished(job: $0) }) { return sharing.time }
        return sharing.nextCompletion()?.at
    }
}
