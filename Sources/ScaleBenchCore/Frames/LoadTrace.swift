import Foundation

/// Load as it was recorded: a CSV whose rows put a stream into a state from a time on
/// (`time,stream,state`, the states of the scenario's load profile) or at a rate
/// (`time,stream,fps`, each distinct rate a state of its own). A stream is in its first
/// row's state from the start and in its last row's until the end; streams the trace does
/// not name keep their own capture. Both executors replay the same steps.
public struct LoadTrace: Sendable, Equatable, Codable {
    public struct Step: Sendable, Equatable, Codable {
        /// Nanoseconds from the run's start.
        public var at: UInt64
        /// Index into ``LoadTrace/profile``'s states.
        public var state: Int
    }

    public var file: String
    /// The states the rows name.
    public var profile: LoadProfile
    /// Each named stream's steps, in time order.
    public var streams: [Int: [Step]]

    /// Reads the CSV `text` of `file`. `states`: the scenario's load profile (nil: the
    /// trace must give rates); `streams`: the largest cell's stream count. Every problem
    /// names the file's line and the column.
    public static func parse(csv text: String, file: String, states: LoadProfile?, streams: Int,
                             fpsRange: ClosedRange<Double>) throws(ScenarioFileError) -> LoadTrace {
        func problem(_ line: Int, _ column: String, _ message: String) -> ScenarioFileError {
            ScenarioFileError(file: file, line: line, path: column, message: message)
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let header = lines.first.map { $0.lowercased().replacingOccurrences(of: " ", with: "") }
        let byRate: Bool
        switch header {
        case "time,stream,state":
            guard states != nil else {
                throw problem(1, "state", "a trace of states needs them in capture.load ({state: NAME, fps: N, dwell: …}); or give rates: time,stream,fps")
            }
            byRate = false
        case "time,stream,fps": byRate = true
        default: throw problem(1, "", "expected the header time,stream,state or time,stream,fps (times in seconds from the run's start)")
        }
        var profile = byRate ? LoadProfile(states: []) : states!
        var steps: [Int: [Step]] = [:]
        var last = 0.0, rows = 0
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty && !line.hasPrefix("#") {
            let number = index + 1
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3 else { throw problem(number, "", "expected 3 fields (\(header!)); got \(fields.count)") }
            guard let time = Double(fields[0]), time.isFinite, time >= 0 else {
                throw problem(number, "time", "'\(printable(fields[0]))' is not a time in seconds ≥ 0")
            }
            guard time >= last else { throw problem(number, "time", "\(format3(time)) s goes back (the row before is at \(format3(last)) s); rows in time order") }
            last = time
            guard let stream = Int(fields[1]), stream >= 0 else { throw problem(number, "stream", "'\(printable(fields[1]))' is not a stream index ≥ 0") }
            guard stream < streams else {
                throw problem(number, "stream", "\(stream) is not a stream of the scenario (0–\(streams - 1))")
            }
            let state: Int
            if byRate {
                guard let fps = Double(fields[2]), fps.isFinite, fpsRange.contains(fps) else {
                    throw problem(number, "fps", "'\(printable(fields[2]))': expected a rate from \(format3(fpsRange.lowerBound)) to \(format3(fpsRange.upperBound)) fps")
                }
                let name = "\(format3(fps)) fps"
                if let known = profile.states.firstIndex(where: { $0.name == name }) {
                    state = known
                } else {
                    guard profile.states.count < LoadProfile.maximumStates else {
                        throw problem(number, "fps", "at most \(LoadProfile.maximumStates) distinct rates (each is a state)")
                    }
                    profile.states.append(.init(name: name, fps: fps, dwell: .constant(.seconds(1))))
                    state = profile.states.count - 1
                }
            } else {
                guard let known = profile.states.firstIndex(where: { $0.name == fields[2] }) else {
                    throw problem(number, "state", "'\(printable(fields[2]))' is not a state of capture.load (known: \(profile.states.map(\.name).joined(separator: ", ")))")
                }
                state = known
            }
            steps[stream, default: []].append(Step(at: UInt64((time * 1e9).rounded()), state: state))
            rows += 1
        }
        guard rows > 0 else { throw problem(1, "", "no rows: expected at least one row after the header") }
        return LoadTrace(file: file, profile: profile, streams: steps)
    }
}
