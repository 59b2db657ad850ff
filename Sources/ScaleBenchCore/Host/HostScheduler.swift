/// The host's cores as a pure policy: egalitarian processor sharing of every runnable CPU
/// job (docs/queueing.md §6). With k jobs runnable each progresses at
/// ``HostSpec/perJobSpeed(runnable:)``; a job's demand is its solo CPU time. In simulated
/// time the virtual executor drives it; in real time the operating system's scheduler is
/// the host.
///
/// Virtual-time processor sharing: all runnable jobs progress at the same speed, so one
/// clock `attained` (solo nanoseconds every runnable job has received since it started,
/// offset by its start) orders them all. A job arriving when the clock reads a with demand
/// d finishes when the clock reaches a + d; the earliest such tag is the next completion.
/// A heap of tags makes arrivals and completions O(log k) and the clock O(1) per event,
/// against O(k) for advancing every job.
///
/// Also accounts what the host did: CPU time in all and per class (a worker kind, or
/// capture), and the run queue (time at each number of runnable jobs).
///
/// No clock: every mutation says what time it is. Time never goes back.
public struct HostScheduler: Sendable {
    @usableFromInline
    struct Entry: Comparable, Sendable {
        @usableFromInline var tag: Double
        @usableFromInline var job: Int32
        @usableFromInline var generation: UInt32
        @usableFromInline init(tag: Double, job: Int32, generation: UInt32) {
            self.tag = tag
            self.job = job
            self.generation = generation
        }
        /// By tag alone: equal tags (jobs finishing at the same instant) leave in the order
        /// the heap holds them, which the sequence of operations fixes, so runs stay
        /// deterministic; one comparison lets the sift-down pick a child without a branch.
        @inlinable static func < (a: Entry, b: Entry) -> Bool { a.tag < b.tag }
    }

    /// Per job id: its current generation (bumped when it leaves, so older heap entries
    /// are recognised as stale), its class, whether it is runnable, and the clock when it
    /// started (its CPU so far is `attained − start`). One array, so that a job's state is
    /// one cache line and one uniqueness check.
    @usableFromInline
    struct Job: Sendable {
        @usableFromInline var generation: UInt32 = 0
        @usableFromInline var jobClass: Int16 = 0
        @usableFromInline var runnable = false
        @usableFromInline var start: Double = 0
        @usableFromInline init() {}
    }

    /// The heap, the per-job state and the tallies, in one object's buffers: a mutation
    /// checks uniqueness once (copy on write) and then works on raw memory, where through
    /// arrays every access paid a uniqueness and a bounds check (seven a service). Its
    /// properties are constants (a variable of a class pays a dynamic exclusivity check
    /// per access); the heap's count is the scheduler's, and a full heap is copied larger.
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline let heap: UnsafeMutablePointer<Entry>
        @usableFromInline let heapCapacity: Int
        @usableFromInline let jobs: UnsafeMutablePointer<Job>
        @usableFromInline let jobCount: Int
        /// Core-nanoseconds used by the jobs that have left, per class. A job's CPU is its
        /// progress: every runnable job progresses at the speed each is given, which is
        /// also the share of the cores it occupies.
        @usableFromInline let leftClassNanos: UnsafeMutablePointer<Double>
        @usableFromInline let classCount: Int
        /// Nanoseconds spent with k jobs runnable, by k (the last entry: k or more).
        @usableFromInline let runQueueNanos: UnsafeMutablePointer<Double>
        @usableFromInline let runQueueCount: Int
        /// Speed of each runnable job, and the cores they use, per `runnable` count.
        @usableFromInline let speeds: UnsafeMutablePointer<Double>
        @usableFromInline let capacities: UnsafeMutablePointer<Double>

        init(jobs: Int, classes: Int, heapCapacity: Int, speeds: [Double], capacities: [Double]) {
            jobCount = jobs
            self.jobs = .allocate(capacity: max(jobs, 1))
            self.jobs.initialize(repeating: Job(), count: jobs)
            classCount = classes
            leftClassNanos = .allocate(capacity: classes)
            leftClassNanos.initialize(repeating: 0, count: classes)
            runQueueCount = speeds.count
            runQueueNanos = .allocate(capacity: runQueueCount)
            runQueueNanos.initialize(repeating: 0, count: runQueueCount)
            self.heapCapacity = max(heapCapacity, 1)
            heap = .allocate(capacity: self.heapCapacity)
            self.speeds = .allocate(capacity: speeds.count)
            self.speeds.initialize(from: speeds, count: speeds.count)
            self.capacities = .allocate(capacity: capacities.count)
            self.capacities.initialize(from: capacities, count: capacities.count)
        }

        /// A copy with the heap's first `heapCount` entries, and room for `capacity` of them.
        @usableFromInline
        func copy(heapCount: Int, capacity: Int? = nil) -> Storage {
            let copy = Storage(jobs: jobCount, classes: classCount, heapCapacity: capacity ?? heapCapacity,
                               speeds: Array(UnsafeBufferPointer(start: speeds, count: runQueueCount)),
                               capacities: Array(UnsafeBufferPointer(start: capacities, count: runQueueCount)))
            copy.jobs.update(from: jobs, count: jobCount)
            copy.leftClassNanos.update(from: leftClassNanos, count: classCount)
            copy.runQueueNanos.update(from: runQueueNanos, count: runQueueCount)
            copy.heap.initialize(from: heap, count: heapCount)
            return copy
        }

        deinit {
            for buffer in [UnsafeMutableRawPointer(heap), UnsafeMutableRawPointer(jobs), UnsafeMutableRawPointer(leftClassNanos),
                           UnsafeMutableRawPointer(runQueueNanos), UnsafeMutableRawPointer(speeds), UnsafeMutableRawPointer(capacities)] {
                buffer.deallocate()
            }
        }
    }

    public let spec: HostSpec
    // The figures below are public and settable only so that the hot methods can be
    // inlined into the event loop of another module; only the scheduler writes them.

    /// The instant the state describes.
    public var time: UInt64
    @usableFromInline internal var attained: Double = 0
    @usableFromInline internal var storage: Storage
    @usableFromInline internal var heapCount = 0
    /// Runnable jobs.
    public var runnable = 0

    /// Core-nanoseconds of CPU used.
    public var cpuNanos: Double = 0
    /// Nanoseconds spent with k jobs runnable, by k (the last entry: k or more).
    public var runQueueNanos: [Double] { Array(UnsafeBufferPointer(start: storage.runQueueNanos, count: storage.runQueueCount)) }
    public var completed = 0

    /// Remaining demand below this (a picosecond) counts as done.
    @usableFromInline static let finishedBelow = 1e-3

    /// `jobs` bounds the job ids (ids are `0..<jobs`); `classes` the class ids.
    public init(spec: HostSpec, jobs: Int, classes: Int, start: UInt64 = 0) {
        self.spec = spec
        time = start
        storage = Storage(jobs: jobs, classes: max(classes, 1), heapCapacity: jobs,
                          speeds: (0...max(jobs, 1)).map { spec.perJobSpeed(runnable: $0) },
                          capacities: (0...max(jobs, 1)).map { spec.capacity(runnable: $0) })
    }

    /// Before a mutation: the buffers this value's own (copy on write).
    @inlinable
    internal mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy(heapCount: heapCount) }
    }

    /// Core-nanoseconds of CPU used, per class: the jobs that left and the progress of
    /// those still runnable.
    /// - Complexity: O(jobs); for the window's boundaries, not the event loop.
    public var classCPUNanos: [Double] {
        var nanos = Array(UnsafeBufferPointer(start: storage.leftClassNanos, count: storage.classCount))
        for job in UnsafeBufferPointer(start: storage.jobs, count: storage.jobCount) where job.runnable {
            nanos[Int(job.jobClass)] += attained - job.start
        }
        return nanos
    }

    /// Whether `job` has a demand in progress.
    @inlinable
    public func isRunnable(job: Int) -> Bool {
        precondition(job >= 0 && job < storage.jobCount, "no job \(job)")
        return storage.jobs[job].runnable
    }

    /// Progresses the clock and the accounting to `now`.
    @inlinable
    public mutating func advance(to now: UInt64) {
        makeUnique()
        advanceUnique(to: now)
    }

    /// ``advance(to:)`` once the buffers are unique.
    @inlinable
    internal mutating func advanceUnique(to now: UInt64) {
        precondition(now >= time, "time cannot go back (\(now) < \(time))")
        let elapsed = Double(now &- time)
        time = now
        guard elapsed > 0 else { return }
        storage.runQueueNanos[runnable] += elapsed
        guard runnable > 0 else { return }
        attained += storage.speeds[runnable] * elapsed
        cpuNanos += storage.capacities[runnable] * elapsed
    }

    /// Job `job` (of class `jobClass`) becomes runnable with `demand` solo nanoseconds.
    /// - Complexity: O(log k).
    @inlinable
    public mutating func add(job: Int, demand: UInt64, class jobClass: Int, at now: UInt64) {
        precondition(job >= 0 && job < storage.jobCount && !storage.jobs[job].runnable, "job \(job) is already runnable or unknown")
        makeUnique()
        advanceUnique(to: now)
        let jobs = storage.jobs
        jobs[job].runnable = true
        jobs[job].jobClass = Int16(jobClass)
        jobs[job].start = attained
        runnable += 1
        push(Entry(tag: attained + Double(demand), job: Int32(job), generation: jobs[job].generation))
    }

    /// The job leaves before finishing (its worker crashed): its remaining demand is dropped.
    @inlinable
    public mutating func cancel(job: Int, at now: UInt64) {
        guard isRunnable(job: job) else { return }
        makeUnique()
        advanceUnique(to: now)
        leave(job)
        dropStale()
    }

    /// The earliest completion if nothing arrives or leaves, rounded up to a whole
    /// nanosecond so that advancing to it finds the job done; nil when nothing runs.
    /// Reads only: every mutation leaves a current entry on top of the heap (the stale
    /// ones of jobs that left are dropped as they surface). Mutating only so that it runs
    /// on the caller's value in place: called on a buffer's element, a non-mutating call
    /// copied the scheduler (a retain and release of its storage) every time.
    @inlinable
    public mutating func nextCompletion() -> UInt64? {
        guard heapCount > 0 else { return nil }
        let left = max(storage.heap[0].tag - attained, 0)
        return time &+ Self.roundedUp(left / storage.speeds[runnable])
    }

    /// `UInt64(x.rounded(.up))` for x ≥ 0, without the call to libm's `ceil` that the
    /// baseline x86-64 target makes (no SSE4.1 rounding instruction): the truncation, plus
    /// one when it fell short. The same value for every x in range.
    @inlinable @inline(__always)
    static func roundedUp(_ x: Double) -> UInt64 {
        let truncated = UInt64(x)
        return Double(truncated) < x ? truncated &+ 1 : truncated
    }

    /// Advances to `now` and writes the jobs whose demand is done into the caller's
    /// buffer, in tag order: the count written. The buffer has room for every job id
    /// (`jobs` of them) and is reused across calls: no allocation, uniqueness check or
    /// reference counting per host check. Ends with a current entry on top (its loop
    /// drops the stale ones first).
    @inlinable
    public mutating func finish(at now: UInt64, into done: UnsafeMutableBufferPointer<Int>) -> Int {
        precondition(done.count >= storage.jobCount, "room for \(done.count) of \(storage.jobCount) jobs")
        makeUnique()
        advanceUnique(to: now)
        var count = 0
        while let job = popFinished() {
            done[count] = job
            count &+= 1
        }
        return count
    }

    /// The first job in tag order if its demand is done, after it leaves (the buffers unique).
    @inlinable @inline(__always)
    internal mutating func popFinished() -> Int? {
        dropStale()
        guard heapCount > 0 else { return nil }
        let first = storage.heap[0]
        guard first.tag - attained < Self.finishedBelow else { return nil }
        leave(Int(first.job))
        completed += 1
        return Int(first.job)
    }

    /// Advances to `now` and returns the jobs whose demand is done, in tag order.
    public mutating func finish(at now: UInt64) -> [Int] {
        makeUnique()
        advanceUnique(to: now)
        var done: [Int] = []
        while let job = popFinished() { done.append(job) }
        return done
    }

    /// Time-average number of runnable jobs over `[start, time]`.
    public var meanRunQueue: Double {
        let runQueueNanos = runQueueNanos
        let total = runQueueNanos.reduce(0, +)
        return total > 0 ? zip(runQueueNanos.indices, runQueueNanos).reduce(0) { $0 + Double($1.0) * $1.1 } / total : 0
    }

    /// The number of runnable jobs not exceeded for `fraction` of the time.
    public func runQueueQuantile(_ fraction: Double) -> Int {
        let runQueueNanos = runQueueNanos
        let total = runQueueNanos.reduce(0, +)
        guard total > 0 else { return 0 }
        var sum = 0.0
        for (k, nanos) in runQueueNanos.enumerated() {
            sum += nanos
            if sum >= fraction * total { return k }
        }
        return runQueueNanos.count - 1
    }

    // MARK: - Heap (the buffers unique: the callers made them so)

    @inlinable
    internal mutating func leave(_ job: Int) {
        let jobs = storage.jobs
        storage.leftClassNanos[Int(jobs[job].jobClass)] += attained - jobs[job].start
        jobs[job].runnable = false
        jobs[job].generation &+= 1
        runnable -= 1
    }

    /// Pops the entries of jobs that have left (finished or cancelled): their generation
    /// moved on when they left.
    @inlinable
    internal mutating func dropStale() {
        while heapCount > 0, storage.heap[0].generation != storage.jobs[Int(storage.heap[0].job)].generation {
            popFirst()
        }
    }

    /// Sift-up and sift-down move a hole rather than swapping, on the heap's buffer
    /// directly: one write per level and no bounds or uniqueness check inside the loop.
    @inlinable
    internal mutating func push(_ entry: Entry) {
        // Stale entries of cancelled jobs may outnumber the jobs: then a larger copy.
        if heapCount == storage.heapCapacity { storage = storage.copy(heapCount: heapCount, capacity: 2 * heapCount) }
        let heap = storage.heap
        var child = heapCount
        heapCount &+= 1
        (heap + child).initialize(to: entry)
        // Wrapping arithmetic: indices stay below the heap's capacity, so the overflow
        // checks of `+`, `-` and `*` were only instructions on every level.
        while child > 0 {
            let parent = (child &- 1) >> 1
            guard entry < heap[parent] else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    @inlinable
    internal mutating func popFirst() {
        let heap = storage.heap
        heapCount &-= 1
        let count = heapCount
        let last = heap[count]
        guard count > 0 else { return }
        var hole = 0
        while true {
            var child = hole &* 2 &+ 1
            guard child < count else { break }
            if child &+ 1 < count { child &+= heap[child &+ 1].tag < heap[child].tag ? 1 : 0 }
            guard heap[child] < last else { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = last
    }
}
