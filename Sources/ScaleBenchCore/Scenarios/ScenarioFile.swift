import Foundation
import Yams
import Random

/// A scenario file (YAML, documented key by key in Scenarios/README.md): one run's
/// settings, or a matrix of them when `streams` or `topology` is a list.
public struct ScenarioFile: Sendable {
    /// Where it was read from, as given (messages name it so).
    public var path: String
    /// The name runs are stored under; the file's base name unless `name:` says otherwise.
    public var name: String
    public var summary: String?
    /// Every setting resolved, for the first cell of the matrix.
    public var base: RunScenario
    public var streamCounts: [Int]
    public var topologies: [TopologyKind]
    public var repetitions: Int
    public var cooldown: Duration
    /// Line of each key path, to locate problems found after parsing.
    var lines: [String: Int]

    /// The scenario of one cell: the base with the cell's stream count and topology.
    /// Shared kinds describe options B/C; in option A every pipeline has its own.
    public func scenario(streams: Int, topology: TopologyKind) -> RunScenario {
        base.cell(streams: streams, topology: topology)
    }

    /// Every cell in the file's order: stream counts outer, topologies inner.
    public var cells: [(streams: Int, topology: TopologyKind)] {
        streamCounts.flatMap { count in topologies.map { (count, $0) } }
    }

    public var isMatrix: Bool { cells.count > 1 }

    /// Parses scenario text; `file` names it in messages.
    public static func parse(_ text: String, file: String, defaultName: String) throws(ScenarioFileError) -> ScenarioFile {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ScenarioFileError(file: file, line: 1, path: "", message: "is empty; a scenario needs at least streams and workers")
            }
            root = node
        } catch let error as ScenarioFileError {
            throw error
        } catch let error as YamlError {
            throw ScenarioFileError(file: file, line: error.line, path: "", message: "is not valid YAML: \(error.problem)")
        } catch {
            throw ScenarioFileError(file: file, line: 1, path: "", message: "is not valid YAML: \(error)")
        }
        var reader = ScenarioReader(file: file)
        var scenarioFile = try reader.read(YAMLValue(node: root, path: "", file: file), defaultName: defaultName)
        scenarioFile.lines = reader.lines
        try scenarioFile.validate()
        return scenarioFile
    }

    /// Checks every cell of the matrix; a problem names the key it comes from.
    public func validate() throws(ScenarioFileError) {
        if topologies == [.independentPipelines], let shared = base.sharedWorkers.first {
            let index = base.workers.firstIndex { $0.name == shared } ?? 0
            throw located("workers[\(index)].shared",
                          "a shared worker in option A (every pipeline has its own); share it in option B or C, or list topology: [A, C]")
        }
        for (count, topology) in cells {
            do {
                try scenario(streams: count, topology: topology).validate()
            } catch {
                let where_ = isMatrix ? " (streams \(count), topology \(topology.rawValue))" : ""
                throw located(Self.filePath(of: error.key), "\(error.value): expected \(error.allowed)\(where_)")
            }
        }
    }

    /// A problem at a key path, on the line of the nearest key that the file has.
    public func located(_ path: String, _ message: String) -> ScenarioFileError {
        var probe = path
        while lines[probe] == nil, let cut = probe.lastIndex(where: { $0 == "." || $0 == "[" }) {
            probe = String(probe[..<cut])
        }
        return ScenarioFileError(file: self.path, line: lines[probe] ?? 1, path: path, message: message)
    }

    /// Validation speaks in flag names (`fanout-threshold`); a file has its own paths.
    public static func filePath(of key: String) -> String {
        let paths = [
            "fps": "capture.fps", "resolution": "capture.resolution", "arrival": "capture.arrival",
            "sources": "capture.sources", "decode-threads": "capture.decode-threads",
            "decode-cpu": "capture.decode-cpu", "load": "capture.load", "groups": "capture.groups", "storms": "capture.storms",
            "reconnect-scale": "capture.reconnect-scale", "worker": "workers",
            "fanout-threshold": "options.fanout-threshold", "shared-instances": "options.shared-instances",
            "shared": "workers",
        ]
        if key.hasPrefix("sources[") || key.hasPrefix("groups[") || key.hasPrefix("storms[") || key.hasPrefix("load[") { return "capture." + key }
        return paths[key] ?? key
    }
}

extension YamlError {
    var line: Int {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return 1
        }
    }

    var problem: String {
        switch self {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
             .composer(let context, let problem, _, _):
            return context.map { "\(problem) (\($0.text))" } ?? problem
        case .reader(let problem, _, _, _): return problem
        case .duplicatedKeysInMapping(let duplicates, _): return "a key is given twice: \(duplicates.joined(separator: ", "))"
        default: return "\(self)"
        }
    }
}
