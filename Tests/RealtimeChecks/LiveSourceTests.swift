import Foundation
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random
import TestSupport
import XCTest

/// A real ffmpeg sender on loopback: capture, sender killed, reconnects at the scaled
/// backoff, a restarted sender resumes, and a sender gone for good makes the source give up.
final class LiveSourceTests: XCTestCase {
    private var senders: [Process] = []

    override func tearDown() {
        for sender in senders where sender.isRunning { sender.terminate(); sender.waitUntilExit() }
    }

    /// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
    private func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(fd, $0, length)
                _ = getsockname(fd, $0, &length)
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// `ffmpeg -re` looping the fixture as MPEG-TS to the first client of a TCP listener.
    private func startSender(port: UInt16) throws -> Process {
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sender.arguments = ["ffmpeg", "-v", "error", "-nostdin", "-re", "-stream_loop", "-1",
                            "-i", Fixtures.path("corridor-640x360.mp4"), "-c", "copy", "-f", "mpegts",
                            "tcp://127.0.0.1:\(port)?listen=1"]
        sender.standardOutput = FileHandle.nullDevice
        sender.standardError = FileHandle.nullDevice
        try sender.run()
        senders.append(sender)
        return sender
    }

    private func kill(_ sender: Process) {
        Foundation.kill(sender.processIdentifier, SIGKILL)
        sender.waitUntilExit()
    }

    func testCaptureReconnectResumeAndGiveUp() throws {
        var port = freePort()
        var url = "tcp://127.0.0.1:\(port)"
        let stop = StopSignal()
        var first = try startSender(port: port)

        // Connect once the sender listens (refused until then; bounded). A sender that
        // exited lost its port to another process between freePort and its bind: it gets
        // a new port.
        var producer: RecordedProducer?
        let connectDeadline = monotonicNanos() + 10_000_000_000
        while producer == nil {
            if !first.isRunning {
                port = freePort()
                url = "tcp://127.0.0.1:\(port)"
                first = try startSender(port: port)
            }
            do {
                producer = try RecordedProducer(url: url, streamID: 0, options: .init(timeoutMicros: 2_000_000),
                                                targetFPS: nil, phaseNanos: 0, reconnect: ReconnectPolicy(scale: 0.05), stop: stop)
            } catch {
                XCTAssertLessThan(monotonicNanos(), connectDeadline, "the sender never listened: \(error)")
                if monotonicNanos() > connectDeadline { return }
                usleep(50_000)
            }
        }
        var source = try XCTUnwrap(producer)
        XCTAssertFalse(source.isPaced, "a live source presents frames as they arrive")

        // Capture: after the first second (connection start-up), 3 s at 15 fps ± 10 %.
        func frames(for seconds: Double) throws -> Int {
            let end = monotonicNanos() + UInt64(seconds * 1e9)
            var count = 0
            while monotonicNanos() < end {
                guard try source.next() != nil else { break }
                count += 1
            }
            return count
        }
        _ = try frames(for: 1)
        let captured = try frames(for: 3)
        XCTAssertEqual(Double(captured) / 3, 15, accuracy: 1.5, "live capture at the sender's rate")

        // The sender dies and a new one starts listening: the source reconnects and resumes.
        kill(first)
        _ = try startSender(port: port)
        let resumed = try frames(for: 3)
        XCTAssertGreaterThan(resumed, 15, "capture resumed after the sender restarted")
        XCTAssertGreaterThanOrEqual(source.reconnects, 1)
        XCTAssertTrue(source.failureCategories.allSatisfy { $0 == .network }, "\(source.failureCategories)")

        // The sender dies for good: five retries at 50, 100, 200, 400, 800 ms (scale 0.05),
        // then the 6th consecutive failure gives up with a network error.
        kill(senders.last!)
        let before = source.reconnectWaits.count
        XCTAssertThrowsError(try frames(for: 30)) { error in
            XCTAssertEqual((error as? VideoError)?.category, .network, "\(error)")
        }
        let waits = Array(source.reconnectWaits.dropFirst(before))
        XCTAssertEqual(waits.count, 5, "five reconnect attempts before giving up")
        for (wait, expected) in zip(waits, [50.0, 100, 200, 400, 800]) {
            XCTAssertEqual(Double(wait) / 1e6, expected, accuracy: expected * 0.1 + 20, "backoff delay")
        }
    }
}
