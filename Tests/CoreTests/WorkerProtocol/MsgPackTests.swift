import Random
@testable import ScaleBenchCore
import XCTest

/// The MsgPack subset of the worker protocol: byte-exact encodings from the spec (what
/// msgpack-python writes), round trips, and decoding that refuses garbage without crashing.
final class MsgPackTests: XCTestCase {
    func testEncodingsAreTheSpecsSmallestForms() {
        let cases: [(MsgPack, [UInt8])] = [
            (.nil, [0xc0]), (.bool(true), [0xc3]), (.bool(false), [0xc2]),
            (.int(0), [0x00]), (.int(127), [0x7f]), (.int(128), [0xcc, 0x80]), (.int(256), [0xcd, 0x01, 0x00]),
            (.int(65536), [0xce, 0x00, 0x01, 0x00, 0x00]), (.int(1 << 32), [0xcf, 0, 0, 0, 1, 0, 0, 0, 0]),
            (.int(-1), [0xff]), (.int(-32), [0xe0]), (.int(-33), [0xd0, 0xdf]), (.int(-129), [0xd1, 0xff, 0x7f]),
            (.int(-32769), [0xd2, 0xff, 0xff, 0x7f, 0xff]), (.int(Int64.min), [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
            (.uint(UInt64.max), [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            (.double(1.5), [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]),
            (.string("seq"), [0xa3, 0x73, 0x65, 0x71]),
            (.string(String(repeating: "a", count: 40)), [0xd9, 40] + Array(repeating: 0x61, count: 40)),
            (.binary([1, 2]), [0xc4, 2, 1, 2]),
            (.array([.int(1), .nil]), [0x92, 0x01, 0xc0]),
            (.map([(.string("a"), .int(1))]), [0x81, 0xa1, 0x61, 0x01]),
        ]
        for (value, bytes) in cases {
            XCTAssertEqual(value.encoded(), bytes, "\(value)")
            XCTAssertEqual(try MsgPack.decode(bytes), value, "\(bytes)")
        }
        XCTAssertEqual(MsgPack.binary(Array(repeating: 0, count: 300)).encoded().prefix(3), [0xc5, 0x01, 0x2c])
        XCTAssertEqual(MsgPack.array(Array(repeating: .nil, count: 20)).encoded().prefix(3), [0xdc, 0x00, 0x14])
    }

    func testWhatPythonWritesDecodes() throws {
        // msgpack.packb({"data": {"person_count": 2, "frame_seq": 7, "detections": []}, "timing": {"total_ms": 1.25}})
        let bytes: [UInt8] = [0x82, 0xa4, 0x64, 0x61, 0x74, 0x61, 0x83, 0xac] + Array("person_count".utf8) + [0x02, 0xa9]
            + Array("frame_seq".utf8) + [0x07, 0xaa] + Array("detections".utf8) + [0x90, 0xa6] + Array("timing".utf8)
            + [0x81, 0xa8] + Array("total_ms".utf8) + [0xcb, 0x3f, 0xf4, 0, 0, 0, 0, 0, 0]
        let value = try MsgPack.decode(bytes)
        XCTAssertEqual(value["data"]?["person_count"]?.integer, 2)
        XCTAssertEqual(value["timing"]?["total_ms"]?.number, 1.25)
        // float 32, as a worker using single precision writes it
        XCTAssertEqual(try MsgPack.decode([0xca, 0x3f, 0xa0, 0x00, 0x00]), .double(1.25))
    }

    func testGarbageIsAnErrorNeverACrash() {
        let cases: [([UInt8], String)] = [
            ([], "truncated at byte 0"),
            ([0xc1], "byte 0xc1 at 0 is reserved, never used"),
            ([0xd4, 0x01, 0x02], "ext type 0xd4 at byte 0 is not part of the protocol"),
            ([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61], "a length of 4294967295 bytes at byte 5, only 1 left"),
            ([0xdd, 0x7f, 0xff, 0xff, 0xff], "an array of 2147483647 items at byte 5, only 0 bytes left"),
            ([0xdf, 0x00, 0x01, 0x00, 0x00, 0x01], "a map of 65536 entries at byte 5, only 1 bytes left"),
            ([0xa2, 0xff, 0xfe], "a str at byte 1 is not UTF-8"),
            ([0xc0, 0xc0], "1 bytes after the message"),
            ([0xcd, 0x01], "truncated at byte 1: 2 bytes expected, 1 left"),
            (Array(repeating: 0x91, count: 100) + [0xc0], "nested deeper than 32 levels"),
        ]
        for (bytes, message) in cases {
            XCTAssertThrowsError(try MsgPack.decode(bytes), "\(bytes)") { error in
                XCTAssertEqual((error as? MsgPackError)?.description, message)
            }
        }
    }

    /// Seeded mutations of a valid reply (flipped, cut, inserted bytes) decode or fail,
    /// never crash; a failure names its seed and iteration.
    func testMutatedRepliesNeverCrashTheDecoder() {
        let reply = WorkerMessagesTests.reply(seq: 42, persons: 3)
        for seed in 1...4 as ClosedRange<UInt64> {
            let random = GSLRandom(seed: seed, algorithm: .taus2)
            for iteration in 0..<2000 {
                var bytes = reply
                for _ in 0...Int(random.uniformInt(below: 4)) {
                    let at = Int(random.uniformInt(below: UInt64(max(bytes.count, 1))))
                    switch random.uniformInt(below: 3) {
                    case 0 where !bytes.isEmpty: bytes[at] = UInt8(truncatingIfNeeded: random.uniformInt(below: 256))
                    case 1 where !bytes.isEmpty: bytes.removeSubrange(at...)
                    default: bytes.insert(UInt8(truncatingIfNeeded: random.uniformInt(below: 256)), at: min(at, bytes.count))
                    }
                }
                // Whatever the bytes, an outcome or an error: the test is that this returns.
                _ = try? WorkerMessages.reply(bytes, expecting: 42)
                _ = iteration
            }
        }
    }
}

/// The original's request and reply, message by message.
final class WorkerMessagesTests: XCTestCase {
    static func reply(seq: Int64, persons: Int64, extra: [(MsgPack, MsgPack)] = []) -> [UInt8] {
        MsgPack.map([
            (.string("data"), .map([
                (.string("detections"), .array((0..<persons).map { _ in .map([(.string("class"), .string("person"))]) })),
                (.string("person_count"), .int(persons)),
                (.string("frame_seq"), .int(seq)),
            ])),
            (.string("timing"), .map([
                (.string("total_ms"), .double(12.5)), (.string("inference_ms"), .double(10)),
                (.string("preprocessing_ms"), .int(2)), (.string("postprocessing_ms"), .double(0.5)),
            ])),
        ] + extra).encoded()
    }

    func testTheRequestCarriesTheFrameItsSizeAndTheMeta() throws {
        let bytes = WorkerMessages.request(frame: [0xff, 0xd8], width: 768, height: 576,
                                           meta: .init(instanceID: "worker-1", roomID: "room-1", seq: 9, timestamp: "2026-01-02T03:04:05.000006Z"))
        let request = try MsgPack.decode(bytes)
        XCTAssertEqual(request["frame_data"], .binary([0xff, 0xd8]), "bin, not base64")
        XCTAssertEqual(request["width"]?.integer, 768)
        XCTAssertEqual(request["height"]?.integer, 576)
        XCTAssertEqual(request["meta"]?["instance_id"]?.text, "worker-1")
        XCTAssertEqual(request["meta"]?["room_id"]?.text, "room-1")
        XCTAssertEqual(request["meta"]?["seq"]?.integer, 9)
        XCTAssertEqual(request["meta"]?["timestamp"]?.text, "2026-01-02T03:04:05.000006Z")
        XCTAssertNil(request["frame_format"], "a JPEG request has no format, as in the original")
        XCTAssertEqual(WorkerMessages.prefix(300), [0, 0, 1, 44])
        XCTAssertEqual(WorkerMessages.length(prefix: [0, 0, 1, 44]), 300)
    }

    func testTimestampsAreRFC3339() {
        XCTAssertEqual(WorkerMessages.timestamp(unixNanos: 0), "1970-01-01T00:00:00.000000Z")
        XCTAssertEqual(WorkerMessages.timestamp(unixNanos: 951_782_400_123_456_789), "2000-02-29T00:00:00.123456Z")
        XCTAssertEqual(WorkerMessages.timestamp(unixNanos: 1_798_761_599_000_000_000), "2026-12-31T23:59:59.000000Z")
    }

    func testAReplyIsReadAndCheckedAgainstItsFrame() throws {
        XCTAssertEqual(try WorkerMessages.reply(Self.reply(seq: 5, persons: 2), expecting: 5),
                       .reply(.init(personCount: 2, detections: 2, frameSeq: 5, totalMs: 12.5, inferenceMs: 10, preprocessingMs: 2, postprocessingMs: 0.5)))
        XCTAssertEqual(try WorkerMessages.reply(MsgPack.map([(.string("error"), .string("bad JPEG"))]).encoded(), expecting: 5), .rejected("bad JPEG"))
        let problems: [([UInt8], String)] = [
            (Self.reply(seq: 6, persons: 0), "data.frame_seq 6 answers another frame than 5"),
            (MsgPack.array([]).encoded(), "the reply is not a map"),
            (MsgPack.map([(.string("timing"), .map([]))]).encoded(), "the reply has no data map"),
            (MsgPack.map([(.string("data"), .map([(.string("person_count"), .int(-1))]))]).encoded(), "data.person_count is missing or not a count"),
        ]
        for (bytes, message) in problems {
            XCTAssertThrowsError(try WorkerMessages.reply(bytes, expecting: 5)) { XCTAssertEqual(($0 as? MsgPackError)?.description, message) }
        }
    }
}
