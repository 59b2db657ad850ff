#if canImport(Glibc)
import Glibc
#endif
import CRuntime
import ScaleBenchCore

/// What the process as a whole has consumed: CPU (user + system) and memory.
public struct ProcessResources: Sendable, Equatable {
    public var userNanos: UInt64
    public var systemNanos: UInt64
    /// Peak resident set size since the process started.
    public var peakRSSBytes: UInt64
    /// Resident set size now.
    public var currentRSSBytes: UInt64

    public var cpuNanos: UInt64 { userNanos + systemNanos }

    /// Bytes in live heap allocations now (under AddressSanitizer, its own count, which
    /// leaves out the freed blocks it quarantines; RSS includes them).
    public static var liveHeapBytes: UInt64 { UInt64(scalebench_live_heap_bytes()) }

    public static func sample() -> ProcessResources {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func nanos(_ t: timeval) -> UInt64 { UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_usec) * 1_000 }
        return ProcessResources(
            userNanos: nanos(usage.ru_utime),
            systemNanos: nanos(usage.ru_stime),
            peakRSSBytes: UInt64(usage.ru_maxrss) * 1024,
            currentRSSBytes: currentRSS()
        )
    }

    /// Reads the second field of /proc/self/statm (resident pages).
    private static func currentRSS() -> UInt64 {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return 0 }
        let fields = String(decoding: bytes[0..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = UInt64(fields[1]) else { return 0 }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
