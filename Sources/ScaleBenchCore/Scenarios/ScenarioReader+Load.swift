import Foundation
import Random

/// The capture's changing load: load profiles, storms and groups of streams.
extension ScenarioReader {
    /// A load profile: a list of states, `{state: idle, fps: 0.5, dwell: exponential(60s),
    /// next: {active: 1}, workers: [person-detector]}`.
    mutating func readLoad(_ value: YAMLValue) throws(ScenarioFileError) -> LoadProfile {
        let list = try items(value)
        var states: [LoadProfile.State] = []
        var nextValues: [YAMLValue?] = []
        var workerLists: [[String]?] = []
        for item in list {
            let entry = try entries(item, Self.loadStateKeys)
            guard let name = entry["state"] else { throw item.error("state is missing: each state has a name, e.g. state: idle") }
            guard let fps = entry["fps"] else { throw item.error("fps is missing: the state's frame rate, e.g. fps: 0.5") }
            guard let dwell = entry["dwell"] else { throw item.error("dwell is missing: how long the state lasts, e.g. dwell: exponential(60s)") }
            states.append(LoadProfile.State(
                name: try name.string("a state name"), fps: try fps.double(in: 0...RunScenario.maximumStressFPS, openBelow: true),
                dwell: try dwell.parsed("a duration or distribution") { text throws(ParseError) in try ServiceDistribution.parse(text) }))
            nextValues.append(entry["next"])
            var workers: [String]?
            if let value = entry["workers"] {
                workers = []
                for name in try items(value, single: true) { workers!.append(try name.string("a worker name")) }
            }
            workerLists.append(workers)
        }
        for index in states.indices { states[index].workers = workerLists[index] }
        let names = states.map(\.name)
        for (index, next) in nextValues.enumerated() {
            guard let next else { continue }
            for (name, weight) in try next.mapping(allowed: names) {
                lines[weight.path] = weight.line
                states[index].next[name] = try weight.double(in: 0...1e12)
            }
        }
        return LoadProfile(states: states)
    }

    /// `{every: exponential(2h), lasts: 5m, rooms: 50%, state: alert}`.
    mutating func readStorm(_ value: YAMLValue) throws(ScenarioFileError) -> Storm {
        let entry = try entries(value, Self.stormKeys)
        func distribution(_ key: String, _ example: String) throws(ScenarioFileError) -> ServiceDistribution {
            guard let value = entry[key] else { throw value.error("\(key) is missing: e.g. \(key): \(example)") }
            return try value.parsed("a duration or distribution") { text throws(ParseError) in try ServiceDistribution.parse(text) }
        }
        guard let rooms = entry["rooms"] else { throw value.error("rooms is missing: the share of rooms a storm takes, e.g. rooms: 50%") }
        guard let state = entry["state"] else { throw value.error("state is missing: the state a storm puts its rooms in, e.g. state: alert") }
        let text = try rooms.string("a share")
        guard text.hasSuffix("%"), let percent = Double(String(text.dropLast()).trimmingCharacters(in: " ")) else {
            throw rooms.error("'\(printable(text))' is not a share; expected a percentage such as 50%")
        }
        return Storm(every: try distribution("every", "exponential(2h)"), lasts: try distribution("lasts", "5m"),
                     rooms: percent / 100, state: try state.string("a state name"))
    }

    /// `{streams: 25%, fps: 10, arrival: poisson, phase: random, load: [...], source: FILE,
    /// resolution: 640x360}`.
    mutating func readGroup(_ value: YAMLValue) throws(ScenarioFileError) -> CaptureGroup {
        let entry = try entries(value, Self.groupKeys)
        guard let size = entry["streams"] else { throw value.error("streams is missing: how many streams the group takes, a count (2) or a share (25%)") }
        let text = try size.string("a count or a share")
        var group: CaptureGroup
        if text.hasSuffix("%"), let percent = Double(String(text.dropLast()).trimmingCharacters(in: " ")) {
            group = CaptureGroup(size: .share(percent / 100))
        } else if let count = Int(text) {
            group = CaptureGroup(size: .count(count))
        } else {
            throw size.error("'\(printable(text))' is neither a count (2) nor a share (25%)")
        }
        if let value = entry["fps"] { group.fps = try value.double(in: 0...RunScenario.maximumStressFPS, openBelow: true) }
        if let value = entry["arrival"] { group.arrival = try value.parsed("an arrival process") { text throws(ParseError) in try ArrivalProcess.parse(text) } }
        if let value = entry["phase"] { group.phase = try value.choice(PhasePolicy.allCases.map { ($0.rawValue, $0) }) }
        if let value = entry["load"] { group.load = try readLoad(value) }
        if let value = entry["source"] { group.source = VideoSource(parsing: try value.string("synthetic, a video file or a live URL")) }
        if let value = entry["resolution"] { group.resolution = try readResolution(value) }
        return group
    }

    /// `load-trace: FILE`: a CSV of `time,stream,state` or `time,stream,fps` (a path from the
    /// current folder, as a video source's).
    func readLoadTrace(_ value: YAMLValue, states: LoadProfile?, streams: Int) throws(ScenarioFileError) -> LoadTrace {
        let path = try value.string("a CSV file")
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw value.error(FileManager.default.fileExists(atPath: path) ? "\(path) cannot be read as UTF-8 text" : "\(path): no such file")
        }
        return try LoadTrace.parse(csv: text, file: path, states: states, streams: streams, fpsRange: RunScenario.fpsRange)
    }
}
