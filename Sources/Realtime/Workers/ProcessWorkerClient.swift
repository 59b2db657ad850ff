#if canImport(Glibc)
import Glibc
#endif
import CRuntime
import ScaleBenchCore
import RuntimeSupport
import Video

/// The workbench's side of one process worker instance, as the original's bridge: encodes
/// each frame (JPEG, or raw pixels), sends it with its meta, reads the reply, and measures
/// the service from both sides. Owned and used by its worker instance's thread alone.
final class ProcessWorkerClient {
    /// One service's measurements.
    struct Service {
        var reply: WorkerMessages.Reply
        /// The child's CPU time over the service (every thread of it), ns; nil for a child's
        /// first service (its start-up's CPU is in it) or when its clock cannot be read.
        var childCPUNanos: UInt64?
        /// Encoding the frame on the worker's thread, ns.
        var encodeNanos: UInt64
    }

    let name: String
    let spec: ProcessWorkerSpec
    private let log: WorkerLog
    private let encoder: JPEGEncoder
    private(set) var process: WorkerProcess?
    /// CPU of the children this instance has already stopped (a restart's predecessors).
    private(set) var endedChildrenCPUNanos: UInt64 = 0
    /// The live child's pid and the CPU its predecessors used, for the harness's reads.
    let published = ChildCPU()
    /// The live child has served no frame yet: its first service's CPU includes its
    /// start-up (an interpreter, a model loading), which is not a frame's demand.
    private var cold = true

    init(name: String, spec: ProcessWorkerSpec, log: WorkerLog) {
        self.name = name
        self.spec = spec
        self.log = log
        encoder = JPEGEncoder(quality: Int32(spec.jpegQuality))
    }

    /// Starts the child (again, after a failure).
    func start() throws(WorkerProcessFailure) {
        stop()
        let child = try WorkerProcess(name: name, spec: spec, log: log)
        process = child
        cold = true
        published.set(pid: child.pid, ended: endedChildrenCPUNanos)
    }

    /// Stops the child, keeping the CPU it used in the instance's total.
    func stop() {
        guard let child = process else { return }
        // Reaped, its total comes from the kernel's account, the part after the last read included.
        child.stop()
        endedChildrenCPUNanos += child.cpuNanos() ?? 0
        process = nil
        published.set(pid: nil, ended: endedChildrenCPUNanos)
    }

    /// Serves one frame; throws the reason the worker must be failed.
    func serve(_ frame: Frame) throws(WorkerProcessFailure) -> Service {
        guard let child = process else { throw WorkerProcessFailure(worker: name, kind: .exited, detail: "it is not running") }
        let encodeStart = threadCPUNanos()
        let payload: [UInt8], format: String?
        let layout = frame.pixels.layout
        switch spec.frames {
        case .jpeg:
            do { payload = try encoder.encode(frame) } catch {
                throw WorkerProcessFailure(worker: name, kind: .encoding, detail: error.description)
            }
            format = nil
        case .raw:
            payload = Self.packed(frame)
            format = layout.format.rawValue
        }
        let encodeNanos = threadCPUNanos() &- encodeStart
        let meta = WorkerMessages.RequestMeta(instanceID: name, roomID: "room-\(frame.streamID)", seq: frame.seq,
                                              timestamp: WorkerMessages.timestamp(unixNanos: Self.wallNanos(ofMonotonic: frame.capturedAt)))
        let request = WorkerMessages.request(frame: payload, width: layout.width, height: layout.height, format: format, meta: meta)
        let cpuBefore = child.cpuNanos()
        let outcome = try child.exchange(request, seq: frame.seq, deadline: monotonicNanos() &+ spec.replyTimeout.nanoseconds)
        let cpuAfter = child.cpuNanos()
        switch outcome {
        case .rejected(let reason):
            throw WorkerProcessFailure(worker: name, kind: .rejected, detail: "frame \(frame.seq) of stream \(frame.streamID): \(reason)")
        case .reply(let reply):
            let childCPU = cold ? nil : cpuBefore.flatMap { before in cpuAfter.map { $0 &- before } }
            cold = false
            return Service(reply: reply, childCPUNanos: childCPU, encodeNanos: encodeNanos)
        }
    }

    /// The frame's pixels with the layout's row padding removed, plane after plane.
    static func packed(_ frame: Frame) -> [UInt8] {
        let layout = frame.pixels.layout, bytes = frame.pixels.bytes
        var out: [UInt8] = []
        out.reserveCapacity(layout.pixelBytes)
        for plane in layout.planes {
            for row in 0..<plane.rows {
                let start = plane.offset + row * plane.stride
                out.append(contentsOf: bytes[start ..< start + plane.rowBytes])
            }
        }
        return out
    }

    /// Unix time of a monotonic instant: the request's RFC 3339 timestamp.
    static func wallNanos(ofMonotonic instant: UInt64) -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let wall = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
        let age = monotonicNanos() &- instant
        return age < wall ? wall - age : wall
    }
}

/// A worker instance's child CPU as the harness reads it at the window's boundaries:
/// the live child's process CPU clock plus what its predecessors used.
final class ChildCPU: @unchecked Sendable {
    private let lock = ConditionLock()
    private var pid: Int32?
    private var ended: UInt64 = 0

    func set(pid: Int32?, ended: UInt64) {
        lock.withLock {
            self.pid = pid
            self.ended = ended
        }
    }

    /// CPU so far, ns.
    func nanos() -> UInt64 {
        lock.withLock {
            guard let pid else { return ended }
            let live = scalebench_process_cpu_ns(pid)
            return ended + (live > 0 ? UInt64(live) : 0)
        }
    }
}
