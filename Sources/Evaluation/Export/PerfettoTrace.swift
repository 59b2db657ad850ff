import Foundation
import ScaleBenchCore

/// A traced run's frames as a timeline in the Chrome trace event format (JSON), which the
/// Perfetto UI and chrome://tracing open: a reviewer sees each worker instance's services
/// one after the other (head-of-line blocking, the interleaving of rooms on a shared VLM)
/// and each room's frames waiting for their workers.
///
/// ```
/// process "workers"      thread per instance    X "stream 3"         (service; a batch: "batch of 4")
/// process "stream S"     thread "capture"       X "produce"          (real time: decode and conversion)
///                        thread "distribution"  X "distribute"       (capture → supplier's hand-off)
///                        thread per kind        X "wait KIND"        (in its slot or frame-buffer)
/// ```
///
/// Times are microseconds after the run's first traced capture (`ts`, `dur`). A track
/// never holds two slices that overlap without nesting: a slice starts no earlier than the
/// previous one on its track ended (real-time clocks are read on different threads, so a
/// wait may otherwise begin a few nanoseconds before the previous frame was taken).
/// Pure: the records in, the document out.
public enum PerfettoTrace {
    /// Seconds after the first traced capture; frames whose service ended in the window.
    public struct Window: Sendable, Equatable {
        public var from: Double
        public var to: Double
        public init(from: Double, to: Double) {
            self.from = from
            self.to = to
        }
    }

    /// The trace worker name of a capture's productions.
    static let captureWorker = RunScenario.captureTraceName

    /// The document for `records` (every traced row of the run, or those the window kept),
    /// with `origin` the ns of the run's first traced capture.
    public static func document(runID: String, scenario: String, topology: String, mode: String,
                                records: [FrameTraceRecord], origin: UInt64) -> [String: Any] {
        var events: [[String: Any]] = []
        func micros(_ nanos: UInt64) -> Double { Double(nanos &- min(nanos, origin)) / 1000 }
        func meta(_ name: String, pid: Int, tid: Int? = nil, _ value: String) {
            var event: [String: Any] = ["ph": "M", "name": name, "pid": pid, "args": ["name": value]]
            if let tid { event["tid"] = tid }
            events.append(event)
        }
        var tracks = Tracks()
        func slice(_ name: String, category: String, pid: Int, tid: Int, from start: UInt64, to end: UInt64, args: [String: Any]) {
            let begin = max(start, tracks.end(pid: pid, tid: tid))
            guard end >= begin else { return }
            tracks.setEnd(end, pid: pid, tid: tid)
            events.append(["ph": "X", "name": name, "cat": category, "pid": pid, "tid": tid,
                           "ts": micros(begin), "dur": Double(end - begin) / 1000, "args": args])
        }

        let services = records.filter { $0.worker != captureWorker }
        let productions = records.filter { $0.worker == captureWorker }
        // Instances, kinds and streams in a stable order, so that the same run exports the same file.
        let instances = services.map { instanceName($0) }.uniqued().sorted()
        let kinds = services.map(\.worker).uniqued().sorted()
        let streams = records.map(\.stream).uniqued().sorted()
        meta("process_name", pid: workersPID, "workers")
        for (index, instance) in instances.enumerated() { meta("thread_name", pid: workersPID, tid: index + 1, instance) }
        for stream in streams {
            meta("process_name", pid: streamPID(stream), "stream \(stream)")
            meta("thread_name", pid: streamPID(stream), tid: captureTID, "capture")
            meta("thread_name", pid: streamPID(stream), tid: distributionTID, "distribution")
            for (index, kind) in kinds.enumerated() { meta("thread_name", pid: streamPID(stream), tid: kindTID(index), "wait \(kind)") }
        }
        let instanceTID = Dictionary(uniqueKeysWithValues: instances.enumerated().map { ($1, $0 + 1) })
        let kindIndex = Dictionary(uniqueKeysWithValues: kinds.enumerated().map { ($1, $0) })

        for production in productions.sorted(by: { $0.serviceStart < $1.serviceStart }) {
            slice("produce", category: "capture", pid: streamPID(production.stream), tid: captureTID,
                  from: production.serviceStart, to: production.serviceEnd, args: ["seq": production.seq])
        }
        // The frames of one service: a batch's frames share their instance, start and end.
        let groups = Dictionary(grouping: services) { ServiceKey(instance: instanceName($0), start: $0.serviceStart, end: $0.serviceEnd) }
        for key in groups.keys.sorted(by: { ($0.start, $0.instance) < ($1.start, $1.instance) }) {
            let frames = groups[key]!.sorted { $0.stream < $1.stream }
            let name = frames.count == 1 ? "stream \(frames[0].stream)" : "batch of \(frames.count)"
            var args: [String: Any] = ["worker": frames[0].worker, "frames": frames.count,
                                       "streams": frames.map(\.stream), "seqs": frames.map(\.seq)]
            if let cpu = frames[0].cpuNanos { args["cpu_ms"] = Double(cpu) / 1e6 }
            slice(name, category: "service", pid: workersPID, tid: instanceTID[key.instance]!, from: key.start, to: key.end, args: args)
        }
        for frame in services.sorted(by: { ($0.distributedAt, $0.stream) < ($1.distributedAt, $1.stream) }) {
            let pid = streamPID(frame.stream)
            if frame.distributedAt > frame.capturedAt {
                slice("distribute", category: "distribution", pid: pid, tid: distributionTID, from: frame.capturedAt, to: frame.distributedAt,
                      args: ["seq": frame.seq])
            }
            slice("wait \(frame.worker)", category: "wait", pid: pid, tid: kindTID(kindIndex[frame.worker]!),
                  from: frame.distributedAt, to: frame.serviceStart, args: ["seq": frame.seq, "instance": instanceName(frame)])
        }
        return ["traceEvents": events, "displayTimeUnit": "ms",
                "otherData": ["run": runID, "scenario": scenario, "topology": topology, "mode": mode,
                              "origin": "microseconds after the run's first traced capture"]]
    }

    /// The document as JSON bytes.
    public static func json(runID: String, scenario: String, topology: String, mode: String,
                            records: [FrameTraceRecord], origin: UInt64) throws -> Data {
        try JSONSerialization.data(withJSONObject: document(runID: runID, scenario: scenario, topology: topology, mode: mode,
                                                            records: records, origin: origin),
                                   options: [.sortedKeys])
    }

    // MARK: - Tracks

    static let workersPID = 1
    static let captureTID = 1, distributionTID = 2
    static func streamPID(_ stream: Int) -> Int { 100 + stream }
    static func kindTID(_ index: Int) -> Int { 3 + index }

    /// The instance's track name: its kind and thread name (runs traced before instances
    /// were recorded: the kind alone).
    static func instanceName(_ record: FrameTraceRecord) -> String {
        record.instance.map { "\(record.worker) \($0)" } ?? record.worker
    }

    private struct ServiceKey: Hashable {
        var instance: String
        var start: UInt64
        var end: UInt64
    }

    /// Where each track's last slice ended.
    private struct Tracks {
        private var ends: [Int: UInt64] = [:]
        func end(pid: Int, tid: Int) -> UInt64 { ends[pid << 20 | tid] ?? 0 }
        mutating func setEnd(_ end: UInt64, pid: Int, tid: Int) { ends[pid << 20 | tid] = end }
    }
}
