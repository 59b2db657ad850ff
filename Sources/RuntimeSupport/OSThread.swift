#if canImport(Glibc)
import Glibc
#endif
import ScaleBenchCore

/// A joinable OS thread whose CPU time can be read from any other thread.
///
/// The realtime executor runs every capture, distribution loop and CPU worker on one of
/// these (not on a task pool): the operating system decides their contention for the
/// box's cores, which is what the host model is checked against.
public final class OSThread: @unchecked Sendable {
    /// What the thread's CPU time is attributed to in run reports.
    public enum Role: String, Sendable, Codable, CaseIterable {
        case capture, supplier, worker, harness
    }

    public let name: String
    public let role: Role
    private let body: @Sendable () -> Void
    private var handle = pthread_t()
    private let state = ConditionLock()
    private var cpuClock: clockid_t?
    private var finalCPUNanos: UInt64?
    private var started = false
    private var joined = false

    public init(name: String, role: Role, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.role = role
        self.body = body
    }

    /// Starts the thread; its CPU clock is readable at once. It does not wait for the new
    /// thread to run: starting a run's thousands of threads one handshake at a time took
    /// seconds on a busy machine, past the run's first frames and its measured window.
    public func start() {
        precondition(!started, "OSThread \(name) started twice")
        started = true
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&handle, nil, { raw in
            let thread = Unmanaged<OSThread>.fromOpaque(raw!).takeRetainedValue()
            thread.run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed: \(status)")
        var clock = clockid_t()
        precondition(pthread_getcpuclockid(handle, &clock) == 0, "pthread_getcpuclockid failed")
        state.withLock {
            // A thread that has already ended has its final figure.
            if finalCPUNanos == nil { cpuClock = clock }
        }
    }

    private func run() {
        body()
        let spent = threadCPUNanos()
        state.withLock {
            finalCPUNanos = spent
            cpuClock = nil
        }
    }

    /// CPU time this thread has consumed, whether it is still running or has ended.
    public func cpuNanos() -> UInt64 {
        state.withLock {
            if let spent = finalCPUNanos { return spent }
            guard let clock = cpuClock else { return 0 }
            var ts = timespec()
            clock_gettime(clock, &ts)
            return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        }
    }

    /// Waits for the thread to end. Joining twice is harmless.
    public func join() {
        let shouldJoin = state.withLock { () -> Bool in
            defer { joined = true }
            return started && !joined
        }
        if shouldJoin { pthread_join(handle, nil) }
    }
}
