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
        @inlinable static func < (a: Entry, b: Entry) -> Bool { a.tag != b.tag ? a.tag < b.tag : a.job < b.job }
    }

    public let spec: HostSpec
    // The figures below are public and settable only so that the hot methods can be
    // inlined into the event loop of another module; only the scheduler writes them.

    /// The instant the state describes.
    public var time: UInt64
    @usableFromInline internal var attained: Double = 0
    @usableFromInline internal var heap: [Entry] = []
    /// Per job id: its current generation (bumped when it leaves, so older heap entries
    /// are recognised as stale), its class, and whether it is runnable.
    @usableFromInline internal var generation: [UInt32]
    @usableFromInline internal var jobClass: [Int16]
    @usableFromInline internal var runnableJob: [Bool]
    /// Runnable jobs.
    public var runnable = 0
    @usableFromInline internal var classRunnable: [Int]
    /// Speed of each runnable job, cached per `runnable` count.
    @usableFromInline internal let speeds: [Double]
    @usableFromInline internal let capacities: [Double]

    /// Core-nanoseconds of CPU used, in all and per class.
    public var cpuNanos: Double = 0
    public var classCPUNanos: [Double]
    /// Nanoseconds spent with k jobs runnable, by k (the last entry: k or more).
    public var runQueueNanos: [Double]
    public var completed = 0

    /// Remaining demand below this (a picosecond) counts as done.
    @usableFromInline static let finishedBelow = 1e-3

    /// `jobs` bounds the job ids (ids are `0..<jobs`); `classes` the class ids.
    public init(spec: HostSpec, jobs: Int, classes: Int, start: UInt64 = 0) {
        self.spec = spec
        time = start
        generation = Array(repeating: 0, count: jobs)
        jobClass = Array(repeating: 0, count: jobs)
        runnableJob = Array(repeating: false, count: jobs)
        classRunnable = Array(repeating: 0, count: max(classes, 1))
        classCPUNanos = Array(repeating: 0, count: max(classes, 1))
        speeds = (0...max(jobs, 1)).map { spec.perJobSpeed(runnable: $0) }
        capacities = (0...max(jobs, 1)).map { spec.capacity(runnable: $0) }
        runQueueNanos = Array(repeating: 0, count: max(jobs, 1) + 1)
        heap.reserveCapacity(jobs)
    }

    /// Whether `job` has a demand in progress.
    @inlinable
    public func isRunnable(job: Int) -> Bool { runnableJob[job] }

    /// Progresses the clock and the accounting to `now`.
    @inlinable
    public mutating func advance(to now: UInt64) {
        precondition(now >= time, "time cannot go back (\(now) < \(time))")
        let elapsed = Double(now &- time)
        time = now
        guard elapsed > 0 else { return }
        runQueueNanos[runnable] += elapsed
        guard runnable > 0 else { return }
        let speed = speeds[runnable]
        attained += speed * elapsed
        cpuNanos += capacities[runnable] * elapsed
        for index in classRunnable.indices where classRunnable[index] > 0 {
            classCPUNanos[index] += speed * Double(classRunnable[index]) * elapsed
        }
    }

    /// Job `job` (of class `jobClass`) becomes runnable with `demand` solo nanoseconds.
    /// - Complexity: O(log k).
    @inlinable
    public mutating func add(job: Int, demand: UInt64, class jobClass: Int, at now: UInt64) {
        precondition(!runnableJob[job], "job \(job) is already runnable")
        advance(to: now)
        runnableJob[job] = true
        self.jobClass[job] = Int16(jobClass)
        runnable += 1
        classRunnable[jobClass] += 1
        push(Entry(tag: attained + Double(demand), job: Int32(job), generation: generation[job]))
    }

    /// The job leaves before finishing (its worker crashed): its remaining demand is dropped.
    @inlinable
    public mutating func cancel(job: Int, at now: UInt64) {
        guard runnableJob[job] else { return }
        advance(to: now)
        leave(job)
    }

    /// The earliest completion if nothing arrives or leaves, rounded up to a whole
    /// nanosecond so that advancing to it finds the job done; nil when nothing runs.
    @inlinable
    public mutating func nextCompletion() -> UInt64? {
        dropStale()
        guard let first = heap.first else { return nil }
        let left = max(first.tag - attained, 0)
        return time &+ UInt64((left / speeds[runnable]).rounded(.up))
    }

    /// Advances to `now` and returns the jobs whose demand is done, in tag order.
    @inlinable
    public mutating func finish(at now: UInt64) -> [Int] {
        advance(to: now)
        var done: [Int] = []
        while true {
            dropStale()
            guard let first = heap.first, first.tag - attained < Self.finishedBelow else { break }
            done.append(Int(first.job))
            leave(Int(first.job))
            completed += 1
        }
        return done
    }

    /// Time-average number of runnable jobs over `[start, time]`.
    public var meanRunQueue: Double {
        let total = runQueueNanos.reduce(0, +)
        return total > 0 ? zip(runQueueNanos.indices, runQueueNanos).reduce(0) { $0 + Double($1.0) * $1.1 } / total : 0
    }

    /// The number of runnable jobs not exceeded for `fraction` of the time.
    public func runQueueQuantile(_ fraction: Double) -> Int {
        let total = runQueueNanos.reduce(0, +)
        guard total > 0 else { return 0 }
        var sum = 0.0
        for (k, nanos) in runQueueNanos.enumerated() {
            sum += nanos
            if sum >= fraction * total { return k }
        }
        return runQueueNanos.count - 1
    }

    // MARK: - Heap

    @inlinable
    internal mutating func leave(_ job: Int) {
        runnableJob[job] = false
        generation[job] &+= 1
        runnable -= 1
        classRunnable[Int(jobClass[job])] -= 1
    }

    @inlinable
    internal mutating func dropStale() {
        while let first = heap.first, first.generation != generation[Int(first.job)] || !runnableJob[Int(first.job)] {
            popFirst()
        }
    }

    @inlinable
    internal mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @inlinable
    internal mutating func popFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left] < heap[smallest] { smallest = left }
            if right < heap.count, heap[right] < heap[smallest] { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
