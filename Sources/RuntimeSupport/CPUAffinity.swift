import CRuntime
import Foundation

/// Which logical CPUs the process's threads may run on (`sched_setaffinity`), so that a
/// machine with more CPUs than the scenario's box measures the box.
///
/// Linux sets affinity per thread; threads inherit it from the thread that creates them.
/// ``pin(to:)`` sets every thread the process has now (those of `/proc/self/task`), so the
/// run's threads, created afterwards, inherit it too.
public enum CPUAffinity {
    /// Bytes of a CPU mask: 1024 CPUs, CPU i at bit i % 8 of byte i / 8.
    private static let maskBytes = 128

    /// The CPUs the calling thread may run on, in order.
    public static func available() -> [Int] {
        var mask = [UInt8](repeating: 0, count: maskBytes)
        guard scalebench_get_affinity(&mask, Int32(maskBytes)) == 0 else { return Array(0..<ProcessInfo.processInfo.activeProcessorCount) }
        return (0..<(maskBytes * 8)).filter { mask[$0 / 8] & (1 << ($0 % 8)) != 0 }
    }

    /// Restricts every thread of the process to `cpus`; returns false when the kernel refused.
    @discardableResult
    public static func pin(to cpus: [Int]) -> Bool {
        var mask = [UInt8](repeating: 0, count: maskBytes)
        for cpu in cpus where cpu < maskBytes * 8 { mask[cpu / 8] |= 1 << (cpu % 8) }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))?.compactMap { Int32($0) } ?? [0]
        var pinnedAll = true
        let me = scalebench_gettid()
        for thread in threads {
            // A thread may have ended since the listing; only the caller's own failure counts.
            if scalebench_set_affinity(thread, mask, Int32(maskBytes)) != 0 && thread == me { pinnedAll = false }
        }
        return pinnedAll
    }

    /// Runnable threads machine-wide right now (`procs_running` of /proc/stat), or nil.
    public static func runnableThreads() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("procs_running ") }) else { return nil }
        return Int(line.dropFirst("procs_running ".count))
    }
}
