#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import Realtime
import RuntimeSupport
import Video
import ScaleBenchCore
import TestSupport
import XCTest

/// The original's worker protocol against real child processes (python3 with Debian's
/// python3-msgpack): a worker that answers, and one that misbehaves in each way a bridge
/// must survive. Every test ends with no child process of the test left, zombie or not.
final class ProcessWorkerTests: XCTestCase {
    static let python = "/usr/bin/python3"
    static let fixture = Fixtures.path("workers/misbehaving_worker.py")

    func spec(_ mode: String, after: Int = 0, extra: [String] = []) -> ProcessWorkerSpec {
        var spec = ProcessWorkerSpec(command: [Self.python, Self.fixture, "--mode", mode, "--after", String(after)] + extra)
        spec.replyTimeout = .seconds(2)
        spec.stopTimeout = .milliseconds(500)
        spec.maxReplyBytes = 1 << 20
        return spec
    }

    static func frame(seq: UInt64, format: PixelFormat = .rgb24, width: Int = 64, height: Int = 48, stream: Int = 0) -> Frame {
        let buffer = PixelBuffer(layout: PixelLayout(format: format, width: width, height: height))
        let bytes = buffer.mutableBytes
        for index in 0..<bytes.count { bytes[index] = UInt8(truncatingIfNeeded: index &* 7) }
        return Frame(streamID: stream, seq: seq, capturedAt: monotonicNanos(), width: width, height: height, format: format, pixels: buffer)
    }

    /// Children of this process, by /proc (a zombie is still one).
    static func children() -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            // Fields after "(comm)": state, ppid, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == me
        }
    }

    override func tearDown() {
        XCTAssertEqual(Self.children(), [], "no child process is left after \(name)")
        super.tearDown()
    }

    /// Serves frames until the client fails; the failure (nil: none within `frames`).
    func failure(of spec: ProcessWorkerSpec, frames: Int = 3, format: PixelFormat = .rgb24,
                 log: WorkerLog = .silent) throws -> WorkerProcessFailure? {
        let client = ProcessWorkerClient(name: "detector-1", spec: spec, log: log)
        defer { client.stop() }
        try client.start()
        for seq in 1...UInt64(frames) {
            do { _ = try client.serve(Self.frame(seq: seq, format: format)) } catch { return error }
        }
        return nil
    }

    func testAWorkerThatAnswersGetsJPEGFramesWithTheirMetaAndItsCPUIsMeasured() throws {
        let log = WorkerLog(keepLines: true, write: { _ in })
        let client = ProcessWorkerClient(name: "detector-1", spec: spec("ok"), log: log)
        try client.start()
        var service: ProcessWorkerClient.Service?
        for seq in 1...5 as ClosedRange<UInt64> { service = try client.serve(Self.frame(seq: seq, stream: 2)) }
        let last = try XCTUnwrap(service)
        XCTAssertEqual(last.reply.frameSeq, 5)
        XCTAssertEqual(last.reply.personCount, 0)
        XCTAssertEqual(last.reply.totalMs, 1.0)
        XCTAssertEqual(last.reply.inferenceMs, 0.5)
        XCTAssertNotNil(last.childCPUNanos, "the child's process CPU clock is readable")
        XCTAssertNil(try ProcessWorkerClient(name: "cold", spec: spec("ok"), log: .silent).firstService(),
                     "a child's first service holds its start-up: no demand figure")
        XCTAssertGreaterThan(last.encodeNanos, 0)
        client.stop()
        XCTAssertNil(client.process)
        XCTAssertTrue(log.lines.contains { $0.hasPrefix("[detector-1 pid ") && $0.contains("misbehaving worker pid") },
                      "the child's stderr reaches the run's log with the instance's name: \(log.lines)")
    }

    func testTheRequestIsTheOriginalsJPEGOrRawPixels() throws {
        // The fixture echoes what it received; read it with the raw protocol here.
        for (frames, format) in [(ProcessWorkerSpec.FrameEncoding.jpeg, PixelFormat.rgb24), (.raw, .yuv420p), (.raw, .rgb24)] {
            var spec = spec("ok")
            spec.frames = frames
            let process = try WorkerProcess(name: "echo", spec: spec, log: .silent)
            defer { process.stop() }
            let frame = Self.frame(seq: 7, format: format)
            let payload = frames == .jpeg ? try JPEGEncoderProbe.encode(frame) : ProcessWorkerClient.packed(frame)
            let request = WorkerMessages.request(frame: payload, width: 64, height: 48, format: frames == .raw ? format.rawValue : nil,
                                                 meta: .init(instanceID: "echo", roomID: "room-0", seq: 7, timestamp: WorkerMessages.timestamp(unixNanos: 0)))
            XCTAssertEqual(try process.exchange(request, seq: 7, deadline: monotonicNanos() + 5_000_000_000),
                           .reply(.init(personCount: 0, detections: 0, frameSeq: 7, totalMs: 1, inferenceMs: 0.5, preprocessingMs: 0.3, postprocessingMs: 0.2)))
            if frames == .raw { XCTAssertEqual(payload.count, PixelLayout(format: format, width: 64, height: 48).pixelBytes, "rows packed, no padding") }
            if frames == .jpeg { XCTAssertEqual(Array(payload.prefix(2)), [0xff, 0xd8], "a JPEG's start of image") }
        }
    }

    func testACommandThatDoesNotExistIsNotStartedAndSaysWhich() throws {
        let client = ProcessWorkerClient(name: "detector-1", spec: ProcessWorkerSpec(command: ["/nonexistent/detector", "--x"]), log: .silent)
        XCTAssertThrowsError(try client.start()) { error in
            let failure = error as! WorkerProcessFailure
            XCTAssertEqual(failure.kind, .notStarted)
            XCTAssertEqual(failure.description, "worker detector-1 did not start: cannot run /nonexistent/detector --x: no such program")
        }
        XCTAssertEqual(ProcessWorkerSpec(command: ["no-such-detector-program"]).startProblem(), "no program no-such-detector-program in PATH")
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-program-\(getpid()).txt").path
        FileManager.default.createFile(atPath: plain, contents: Data("text".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: plain) }
        XCTAssertEqual(ProcessWorkerSpec(command: [plain]).startProblem(), "\(plain) is not an executable file")
        var inMissingFolder = ProcessWorkerSpec(command: [Self.python])
        inMissingFolder.directory = "/nonexistent-folder"
        XCTAssertEqual(inMissingFolder.startProblem(), "its cwd /nonexistent-folder is not a directory")
        XCTAssertNil(ProcessWorkerSpec(command: ["python3"]).startProblem())
    }

    func testAWorkerThatExitsAtStartIsFailedWithItsStatusAndLastLogLine() throws {
        let failure = try XCTUnwrap(try failure(of: spec("exit-at-start")))
        XCTAssertEqual(failure.kind, .exited, failure.description)
        XCTAssertTrue(failure.detail.contains("exit status 4"), failure.description)
        XCTAssertTrue(failure.detail.contains("its last log line: cannot load the model"), failure.description)
    }

    func testACrashMidRunFailsTheWorkerWithTheReason() throws {
        let failure = try XCTUnwrap(try failure(of: spec("crash", after: 2), frames: 5))
        XCTAssertEqual(failure.kind, .exited)
        XCTAssertTrue(failure.detail.contains("exit status 3") && failure.detail.contains("RuntimeError: inference failed"), failure.description)
    }

    func testAWorkerThatNeverAnswersIsFailedAsHungAtTheReplyTimeout() throws {
        var spec = spec("hang", after: 1)
        spec.replyTimeout = .milliseconds(300)
        let start = monotonicNanos()
        let failure = try XCTUnwrap(try failure(of: spec))
        XCTAssertEqual(failure.kind, .hung)
        XCTAssertEqual(failure.description, "worker detector-1 hung: no reply within 300ms (reply-timeout)")
        XCTAssertLessThan(monotonicNanos() - start, 10_000_000_000, "bounded by the timeouts, not forever")
    }

    func testAWorkerThatStopsReadingIsFailedAsHungNotBlockingTheWorker() throws {
        var spec = spec("stop-reading", after: 1)
        spec.replyTimeout = .milliseconds(300)
        let client = ProcessWorkerClient(name: "detector-1", spec: spec, log: .silent)
        defer { client.stop() }
        try client.start()
        _ = try client.serve(Self.frame(seq: 1))
        // Frames bigger than a pipe's buffer: the write itself must time out.
        var caught: WorkerProcessFailure?
        for seq in 2...4 as ClosedRange<UInt64> {
            do { _ = try client.serve(Self.frame(seq: seq, width: 640, height: 480)) } catch { caught = error; break }
        }
        XCTAssertEqual(caught?.kind, .hung, caught?.description ?? "no failure")
    }

    func testGarbageAWrongSeqATruncatedAndAnOversizedReplyFailTheWorker() throws {
        let garbage = try XCTUnwrap(try failure(of: spec("garbage", after: 1)))
        XCTAssertEqual(garbage.kind, .garbage)
        XCTAssertTrue(garbage.detail.contains("reserved"), garbage.description)
        let wrong = try XCTUnwrap(try failure(of: spec("wrong-seq", after: 1)))
        XCTAssertEqual(wrong.kind, .garbage)
        XCTAssertTrue(wrong.detail.contains("data.frame_seq 1002 answers another frame than 2"), wrong.description)
        let truncated = try XCTUnwrap(try failure(of: spec("truncated", after: 1)))
        XCTAssertEqual(truncated.kind, .truncated)
        XCTAssertTrue(truncated.detail.contains("ended 10 bytes into a 100-byte reply"), truncated.description)
        let oversized = try XCTUnwrap(try failure(of: spec("oversized", after: 1)))
        XCTAssertEqual(oversized.kind, .oversized)
        XCTAssertEqual(oversized.description,
                       "worker detector-1 sent an oversized reply: its reply to frame 2 announces 67108864 bytes; at most 1048576 are accepted (max-reply-bytes)")
    }

    func testARejectedFrameFailsTheWorkerWithTheWorkersReason() throws {
        let failure = try XCTUnwrap(try failure(of: spec("reject", after: 2)))
        XCTAssertEqual(failure.description, "worker detector-1 rejected a frame: frame 3 of stream 0: cannot decode frame 3")
    }

    func testStopKillsAChildThatIgnoresItsClosedInputAndItsOwnChildren() throws {
        // `hang` reads on to EOF, then sleeps: only the kill after the stop timeout ends it.
        var spec = spec("hang", extra: ["--grandchild"])
        spec.stopTimeout = .milliseconds(200)
        let process = try WorkerProcess(name: "detector-1", spec: spec, log: .silent)
        let group = process.pid
        XCTAssertTrue(process.isRunning)
        process.stop()
        XCTAssertFalse(process.isRunning)
        process.stop()
        // The process group is gone: the grandchild was killed with it.
        XCTAssertTrue(waitUntil(seconds: 5) { kill(-group, 0) != 0 }, "no member of the worker's process group is left")
    }

    private func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicNanos() + UInt64(seconds * 1e9)
        while monotonicNanos() < deadline {
            if condition() { return true }
            // Waiting on the kernel's reaping of a reparented process: no state of ours to wait on.
            usleep(10_000)
        }
        return condition()
    }
}

extension ProcessWorkerClient {
    /// A new child's first service's child CPU, the child stopped after it.
    func firstService() throws -> UInt64? {
        try start()
        defer { stop() }
        return try serve(ProcessWorkerTests.frame(seq: 1)).childCPUNanos
    }
}

/// The encoder as a process worker uses it.
enum JPEGEncoderProbe {
    static func encode(_ frame: Frame) throws -> [UInt8] { try JPEGEncoder().encode(frame) }
}
