/// The original's worker protocol, message by message (docs/semantics.md, "Process
/// workers"): one request per frame, one reply per request, each a MsgPack map behind a
/// 4-byte big-endian length.
///
/// ```
///  request  {frame_data: bin (JPEG, or raw pixels with frame_format), width, height,
///            meta: {instance_id, room_id, seq, timestamp (RFC 3339)}}
///  reply    {data: {detections: [{…}], person_count, frame_seq},
///            timing: {total_ms, inference_ms, preprocessing_ms, postprocessing_ms}}
///           or {error: "why the frame was rejected"}
/// ```
/// Pure values: building and checking messages needs no process, clock or file.
public enum WorkerMessages {
    /// Bytes of the length prefix.
    public static let prefixBytes = 4

    /// The 4-byte big-endian length prefix of a message of `count` bytes.
    public static func prefix(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        MsgPack.append(UInt64(count), bytes: 4, to: &out)
        return out
    }

    /// The length a 4-byte prefix announces.
    public static func length(prefix bytes: [UInt8]) -> UInt32 {
        bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// What a request carries besides the frame's bytes.
    public struct RequestMeta: Sendable, Equatable {
        public var instanceID: String
        public var roomID: String
        public var seq: UInt64
        /// RFC 3339, UTC.
        public var timestamp: String

        public init(instanceID: String, roomID: String, seq: UInt64, timestamp: String) {
            self.instanceID = instanceID
            self.roomID = roomID
            self.seq = seq
            self.timestamp = timestamp
        }
    }

    /// One request's MsgPack bytes (without the prefix). `format` is given for raw pixels
    /// (`gray`, `rgb24`, `yuv420p`) and absent for JPEG, as in the original.
    public static func request(frame: [UInt8], width: Int, height: Int, format: String? = nil, meta: RequestMeta) -> [UInt8] {
        var entries: [(MsgPack, MsgPack)] = [
            (.string("frame_data"), .binary(frame)),
            (.string("width"), .int(Int64(width))),
            (.string("height"), .int(Int64(height))),
            (.string("meta"), .map([
                (.string("instance_id"), .string(meta.instanceID)),
                (.string("room_id"), .string(meta.roomID)),
                (.string("seq"), .int(Int64(clamping: meta.seq))),
                (.string("timestamp"), .string(meta.timestamp)),
            ])),
        ]
        if let format { entries.append((.string("frame_format"), .string(format))) }
        return MsgPack.map(entries).encoded()
    }

    /// A reply, checked.
    public struct Reply: Sendable, Equatable {
        public var personCount: Int
        public var detections: Int
        public var frameSeq: UInt64
        /// The worker's own figures, ms.
        public var totalMs: Double
        public var inferenceMs: Double
        public var preprocessingMs: Double
        public var postprocessingMs: Double

        public init(personCount: Int, detections: Int, frameSeq: UInt64, totalMs: Double, inferenceMs: Double,
                    preprocessingMs: Double, postprocessingMs: Double) {
            self.personCount = personCount
            self.detections = detections
            self.frameSeq = frameSeq
            self.totalMs = totalMs
            self.inferenceMs = inferenceMs
            self.preprocessingMs = preprocessingMs
            self.postprocessingMs = postprocessingMs
        }
    }

    /// What a reply's bytes were.
    public enum Outcome: Sendable, Equatable {
        case reply(Reply)
        /// The worker answered but refused the frame (`{error: …}`).
        case rejected(String)
    }

    /// Reads a reply to the request for `seq`; throws with what is wrong with it.
    public static func reply(_ bytes: [UInt8], expecting seq: UInt64) throws(MsgPackError) -> Outcome {
        let message = try MsgPack.decode(bytes)
        guard case .map = message else { throw MsgPackError("the reply is not a map") }
        if let error = message["error"] {
            return .rejected(error.text.map { String($0.prefix(200)) } ?? "(a non-text error)")
        }
        guard let data = message["data"], case .map = data else { throw MsgPackError("the reply has no data map") }
        guard let count = data["person_count"]?.integer, count >= 0, count <= 1_000_000 else {
            throw MsgPackError("data.person_count is missing or not a count")
        }
        guard let echoed = data["frame_seq"]?.integer else { throw MsgPackError("data.frame_seq is missing") }
        guard echoed == Int64(clamping: seq) else { throw MsgPackError("data.frame_seq \(echoed) answers another frame than \(seq)") }
        guard let detections = data["detections"]?.elements else { throw MsgPackError("data.detections is missing or not a list") }
        guard let timing = message["timing"], case .map = timing else { throw MsgPackError("the reply has no timing map") }
        func ms(_ key: String) throws(MsgPackError) -> Double {
            guard let value = timing[key]?.number, value.isFinite, value >= 0 else { throw MsgPackError("timing.\(key) is missing or not a duration in ms") }
            return value
        }
        return .reply(Reply(personCount: Int(count), detections: detections.count, frameSeq: seq,
                            totalMs: try ms("total_ms"), inferenceMs: try ms("inference_ms"),
                            preprocessingMs: try ms("preprocessing_ms"), postprocessingMs: try ms("postprocessing_ms")))
    }

    /// RFC 3339 (UTC, microseconds) of Unix nanoseconds, without Foundation.
    public static func timestamp(unixNanos: UInt64) -> String {
        let seconds = Int64(unixNanos / 1_000_000_000), micros = Int(unixNanos / 1000 % 1_000_000)
        // Days to civil date (Howard Hinnant's algorithm).
        let days = seconds / 86400, secondOfDay = Int(seconds % 86400)
        let z = days + 719_468, era = z / 146_097, doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int, _ width: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, width - s.count)) + s }
        return "\(pad(Int(year), 4))-\(pad(Int(month), 2))-\(pad(Int(day), 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(micros, 6))Z"
    }
}
