/// Something of a real-time run that the harness starts, joins and reads the CPU of: an
/// ``OSThread``, or a component that runs on other threads' calls (a worker that only
/// sleeps, driven by its hand-offs and a timer thread).
public protocol Runner: AnyObject, Sendable {
    var name: String { get }
    var role: OSThread.Role { get }
    func start()
    /// Waits for the component to end. Joining twice is harmless.
    func join()
    /// CPU time the component has consumed so far.
    func cpuNanos() -> UInt64
}

extension OSThread: Runner {}
