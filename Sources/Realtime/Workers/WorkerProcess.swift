#if canImport(Glibc)
import Glibc
#endif
import CRuntime
import ScaleBenchCore
import RuntimeSupport

/// Why a worker process was failed, in one line naming the worker and what happened.
public struct WorkerProcessFailure: Error, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case notStarted = "did not start"
        case exited = "exited"
        case hung = "hung"
        case garbage = "wrote garbage"
        case truncated = "sent a truncated reply"
        case oversized = "sent an oversized reply"
        case rejected = "rejected a frame"
        case encoding = "could not encode a frame"
    }
    public var worker: String
    public var kind: Kind
    public var detail: String

    public init(worker: String, kind: Kind, detail: String) {
        self.worker = worker
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "worker \(worker) \(kind.rawValue): \(detail)" }
}

/// Where a child's standard error goes: the run's log, a line at a time, each prefixed
/// with the worker instance and its process id.
public final class WorkerLog: @unchecked Sendable {
    private let lock = ConditionLock()
    private let write: @Sendable (String) -> Void
    public private(set) var lines: [String] = []
    private let keeps: Bool

    /// `keepLines` keeps every line in memory too (tests read them).
    public init(keepLines: Bool = false, write: @escaping @Sendable (String) -> Void = { line in
        var text = line + "\n"
        text.withUTF8 { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }) {
        self.write = write
        keeps = keepLines
    }

    public func log(_ line: String) {
        lock.withLock {
            if keeps { lines.append(line) }
            write(line)
        }
    }

    /// A log that writes nowhere.
    public static let silent = WorkerLog(write: { _ in })
}

/// One worker process and its three pipes: requests on its standard input, replies on its
/// standard output, log lines on its standard error (forwarded to a ``WorkerLog``).
///
/// Every read and write polls against a deadline, so a child that stops reading or never
/// answers is failed as hung instead of blocking the worker's thread; a reply is read
/// only up to ``ProcessWorkerSpec/maxReplyBytes``. ``stop()`` closes standard input (the
/// protocol's "stop"), gives the child ``ProcessWorkerSpec/stopTimeout`` to exit, then
/// kills its process group, and always reaps it: no zombie is left.
///
/// Used by one thread (its worker instance's); `stop` may be called again, harmlessly.
public final class WorkerProcess {
    public let name: String
    public let spec: ProcessWorkerSpec
    public let pid: Int32
    private var input: Int32
    private var output: Int32
    private var errors: Int32
    private let log: WorkerLog
    private var pendingLog: [UInt8] = []
    /// The child's last log line: a crash's traceback ends there.
    public private(set) var lastLogLine: String?
    private var exitStatus: Int32?
    /// Its whole CPU time, from the kernel's account at reaping (its clock is gone then).
    private var finalCPUNanos: UInt64?

    /// Starts the child. Throws a ``WorkerProcessFailure`` of kind `notStarted` when the
    /// command cannot be run.
    public init(name: String, spec: ProcessWorkerSpec, log: WorkerLog) throws(WorkerProcessFailure) {
        self.name = name
        self.spec = spec
        self.log = log
        Self.ignoreBrokenPipes
        guard !spec.command.isEmpty else { throw WorkerProcessFailure(worker: name, kind: .notStarted, detail: "the command is empty") }
        var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        guard scalebench_pipe_cloexec(&inPipe) == 0, scalebench_pipe_cloexec(&outPipe) == 0, scalebench_pipe_cloexec(&errPipe) == 0 else {
            let reason = String(cString: strerror(errno))
            for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) }
            throw WorkerProcessFailure(worker: name, kind: .notStarted, detail: "cannot make its pipes: \(reason)")
        }
        let environment = Self.environment(adding: spec.environment)
        var child: Int32 = 0
        let status = Self.withCStrings(spec.command) { argv in
            Self.withCStrings(environment) { envp in
                if let directory = spec.directory {
                    return directory.withCString { scalebench_spawn(argv, envp, $0, inPipe[0], outPipe[1], errPipe[1], &child) }
                }
                return scalebench_spawn(argv, envp, nil, inPipe[0], outPipe[1], errPipe[1], &child)
            }
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard status == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            let reason = status == ENOENT ? "no such program" : String(cString: strerror(status))
            throw WorkerProcessFailure(worker: name, kind: .notStarted,
                                       detail: "cannot run \(spec.commandLine)\(spec.directory.map { " in \($0)" } ?? ""): \(reason)")
        }
        pid = child
        input = inPipe[1]
        output = outPipe[0]
        errors = errPipe[0]
        for fd in [input, output, errors] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit { stop() }

    /// Writing to a pipe whose reader has died raises SIGPIPE, which would end the
    /// workbench; ignored once, the write returns EPIPE and the worker is failed instead.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// CPU time of every thread of the child so far, ns (once reaped: its total).
    public func cpuNanos() -> UInt64? {
        guard exitStatus == nil else { return finalCPUNanos }
        let nanos = scalebench_process_cpu_ns(pid)
        return nanos < 0 ? nil : UInt64(nanos)
    }

    /// waitpid with the child's resource usage kept; the result as waitpid's.
    private func wait(options: Int32) -> Int32 {
        var status: Int32 = 0, usage = rusage()
        let result = wait4(pid, &status, options, &usage)
        if result == pid {
            exitStatus = status
            let seconds = UInt64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            finalCPUNanos = seconds * 1_000_000_000 + UInt64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000
        }
        return result
    }

    /// Sends one request and reads its reply, both before the monotonic `deadline`.
    public func exchange(_ request: [UInt8], seq: UInt64, deadline: UInt64) throws(WorkerProcessFailure) -> WorkerMessages.Outcome {
        try send(WorkerMessages.prefix(request.count) + request, deadline: deadline)
        let prefix = try receive(WorkerMessages.prefixBytes, deadline: deadline, what: "the length prefix")
        let length = Int(WorkerMessages.length(prefix: prefix))
        guard length <= spec.maxReplyBytes else {
            throw failure(.oversized, "its reply to frame \(seq) announces \(length) bytes; at most \(spec.maxReplyBytes) are accepted (max-reply-bytes)")
        }
        let body = try receive(length, deadline: deadline, what: "a \(length)-byte reply")
        do {
            return try WorkerMessages.reply(body, expecting: seq)
        } catch {
            throw failure(.garbage, "its reply to frame \(seq) is not the protocol's: \(error.description)")
        }
    }

    private func send(_ bytes: [UInt8], deadline: UInt64) throws(WorkerProcessFailure) {
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes { write(input, $0.baseAddress! + sent, bytes.count - sent) }
            if written > 0 { sent += written; continue }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard try wait(for: input, events: Int16(POLLOUT), deadline: deadline) else {
                    throw failure(.hung, "it stopped reading its input for \(spec.replyTimeout) (reply-timeout)")
                }
                continue
            }
            throw exited(while: "it was sent a frame")
        }
    }

    /// Exactly `count` bytes of standard output.
    private func receive(_ count: Int, deadline: UInt64, what: String) throws(WorkerProcessFailure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { read(output, $0.baseAddress! + got, count - got) }
            if n > 0 { got += n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                guard try wait(for: output, events: Int16(POLLIN), deadline: deadline) else {
                    throw failure(.hung, "no reply within \(spec.replyTimeout) (reply-timeout)\(got > 0 ? " (\(got) of \(what)'s \(count) bytes came)" : "")")
                }
                continue
            }
            // End of file: the child closed its output, or died.
            if got > 0 || what != "the length prefix" {
                reap(within: 200_000_000)
                throw failure(.truncated, "its output ended \(got) bytes into \(what) of \(count)\(statusText)")
            }
            throw exited(while: "a reply was awaited")
        }
        return bytes
    }

    /// Polls `fd` (and the child's standard error, forwarded to the log) until `events`
    /// or the deadline; false at the deadline.
    private func wait(for fd: Int32, events: Int16, deadline: UInt64) throws(WorkerProcessFailure) -> Bool {
        while true {
            let now = monotonicNanos()
            guard now < deadline else { return false }
            var fds = [pollfd(fd: fd, events: events, revents: 0), pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            let timeout = Int32(min((deadline - now + 999_999) / 1_000_000, 1000))
            let ready = poll(&fds, errors >= 0 ? 2 : 1, timeout)
            if ready < 0 && errno != EINTR { return false }
            if errors >= 0 && fds[1].revents != 0 { drainLog() }
            if fds[0].revents != 0 { return true }
        }
    }

    /// Forwards what the child has written to standard error, whole lines at a time.
    private func drainLog(final: Bool = false) {
        guard errors >= 0 else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(errors, $0.baseAddress!, 4096) }
            if n > 0 {
                pendingLog.append(contentsOf: chunk[0..<n])
                while let newline = pendingLog.firstIndex(of: 10) {
                    emit(Array(pendingLog[..<newline]))
                    pendingLog.removeSubrange(...newline)
                }
                // A child that never ends a line must not grow the buffer without bound.
                if pendingLog.count > 64 << 10 { emit(pendingLog); pendingLog.removeAll() }
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n == 0 {
                // End of file: nothing more will come.
                close(errors)
                errors = -1
            }
            break
        }
        if final || errors < 0, !pendingLog.isEmpty { emit(pendingLog); pendingLog.removeAll() }
    }

    private func emit(_ bytes: [UInt8]) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.contains(where: { !$0.isWhitespace }) { lastLogLine = String(line.prefix(300)) }
        log.log("[\(name) pid \(pid)] \(line)")
    }

    private func failure(_ kind: WorkerProcessFailure.Kind, _ detail: String) -> WorkerProcessFailure {
        WorkerProcessFailure(worker: name, kind: kind, detail: detail)
    }

    private func exited(while what: String) -> WorkerProcessFailure {
        reap(within: 1_000_000_000)
        return failure(.exited, "it \(exitStatus.map { _ in "ended" } ?? "closed its pipes") while \(what)\(statusText)")
    }

    /// How the child ended, and its last log line, for a failure's message.
    private var statusText: String {
        drainLog(final: true)
        var text = ""
        if let status = exitStatus {
            let signal = status & 0x7f
            text = signal == 0 ? " (exit status \((status >> 8) & 0xff))" : " (killed by signal \(signal))"
        }
        if let line = lastLogLine { text += "; its last log line: \(line)" }
        return text
    }

    /// Waits up to `nanos` for the child to end; true when it has been reaped.
    @discardableResult
    private func reap(within nanos: UInt64) -> Bool {
        guard exitStatus == nil else { return true }
        let deadline = monotonicNanos() + nanos
        while true {
            let result = wait(options: WNOHANG)
            if result == pid { return true }
            if result < 0 && errno != EINTR { exitStatus = -1; return true }
            guard monotonicNanos() < deadline else { return false }
            // Reaping is not on the frame path: a short sleep between looks is enough.
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }
    }

    /// Closes standard input, waits up to the stop timeout, kills the process group, reaps.
    public func stop() {
        if input >= 0 { close(input); input = -1 }
        if exitStatus == nil {
            let deadline = monotonicNanos() + spec.stopTimeout.nanoseconds
            while exitStatus == nil, monotonicNanos() < deadline {
                drainLog()
                if reap(within: 10_000_000) { break }
            }
            if exitStatus == nil {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while wait(options: 0) < 0 && errno == EINTR {}
                if exitStatus == nil { exitStatus = -1 }
            }
        }
        // The group's other members (a worker's own children) go with it.
        kill(-pid, SIGKILL)
        drainLog(final: true)
        if output >= 0 { close(output); output = -1 }
        if errors >= 0 { close(errors); errors = -1 }
    }

    /// Whether the child is still running (reaps it when it has ended).
    public var isRunning: Bool { exitStatus == nil && !reap(within: 0) }

    // MARK: - C strings

    private static func environment(adding extra: [String: String]) -> [String] {
        var entries: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if extra[key] == nil { entries.append(text) }
            index += 1
        }
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { entries.append("\(key)=\(value)") }
        return entries
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
