import Yams
import Random

/// A node of a parsed YAML document with where it came from, read with types: every
/// accessor throws a ``ScenarioFileError`` naming the file, line and key path, and what
/// was expected instead of what was found.
struct YAMLValue {
    let node: Node
    let path: String
    let file: String

    var line: Int { node.mark?.line ?? 1 }

    func error(_ message: String) -> ScenarioFileError {
        ScenarioFileError(file: file, line: line, path: path, message: message)
    }

    /// What the node is, for "expected X, got Y" messages.
    var shape: String {
        switch node {
        case .scalar(let scalar): return scalar.string.isEmpty ? "nothing" : "'\(printable(scalar.string))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The plain text of a scalar; anything else is an error naming `expected`.
    func scalar(_ expected: String) throws(ScenarioFileError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected \(expected), got \(shape)") }
        return scalar.string
    }

    func string(_ expected: String = "text") throws(ScenarioFileError) -> String {
        let text = try scalar(expected)
        guard !text.isEmpty else { throw error("expected \(expected), got nothing") }
        return text
    }

    func int(in range: ClosedRange<Int>) throws(ScenarioFileError) -> Int {
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        let text = try scalar(expected)
        guard let value = Int(text.trimmingCharacters(in: " ")) else { throw error("expected \(expected), got \(shape)") }
        guard range.contains(value) else { throw error("\(value) is out of range; expected \(expected)") }
        return value
    }

    func unsigned() throws(ScenarioFileError) -> UInt64 {
        let text = try scalar("a non-negative integer")
        guard let value = UInt64(text.trimmingCharacters(in: " ")) else {
            throw error("expected a non-negative integer, got \(shape)")
        }
        return value
    }

    /// A finite number in `range`, or above `range`'s lower bound when `openBelow`.
    func double(in range: ClosedRange<Double>, openBelow: Bool = false) throws(ScenarioFileError) -> Double {
        let lower = openBelow ? "above \(format3(range.lowerBound))" : "from \(format3(range.lowerBound))"
        let expected = "a number \(lower) to \(format3(range.upperBound))"
        let text = try scalar(expected)
        guard let value = Double(text.trimmingCharacters(in: " ")), value.isFinite else {
            throw error("expected \(expected), got \(shape)")
        }
        guard range.contains(value), !(openBelow && value == range.lowerBound) else {
            throw error("\(format3(value)) is out of range; expected \(expected)")
        }
        return value
    }

    func bool() throws(ScenarioFileError) -> Bool {
        switch try scalar("true or false").lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \(shape)")
        }
    }

    func duration() throws(ScenarioFileError) -> Duration {
        let text = try string(Duration.grammar)
        do {
            return try Duration.parse(text.trimmingCharacters(in: " "))
        } catch {
            throw self.error(error.message)
        }
    }

    /// Parses a scalar with one of the library's grammars, keeping its message.
    func parsed<T>(_ expected: String, _ parse: (String) throws(ParseError) -> T) throws(ScenarioFileError) -> T {
        let text = try string(expected)
        do {
            return try parse(text)
        } catch {
            throw self.error(error.message)
        }
    }

    /// One of `choices` (case-insensitive).
    func choice<T>(_ choices: [(String, T)]) throws(ScenarioFileError) -> T {
        let names = choices.map(\.0)
        let expected = "one of \(names.joined(separator: ", "))"
        let text = try string(expected)
        if let match = choices.first(where: { $0.0.lowercased() == text.lowercased() }) { return match.1 }
        let hint = didYouMean(text, among: names).map { " (did you mean \($0)?)" } ?? ""
        throw error("unknown value '\(text)'\(hint); expected \(expected)")
    }

    /// The entries of a mapping, every key checked against `allowed`: an unknown key is
    /// an error with a did-you-mean, a repeated key too.
    func mapping(allowed: [String]) throws(ScenarioFileError) -> [String: YAMLValue] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of \(allowed.joined(separator: ", ")), got \(shape)") }
        var entries: [String: YAMLValue] = [:]
        for (keyNode, valueNode) in mapping {
            let keyValue = YAMLValue(node: keyNode, path: path, file: file)
            guard case .scalar(let keyScalar) = keyNode, !keyScalar.string.isEmpty else {
                throw keyValue.error("expected a key (one of \(allowed.joined(separator: ", "))), got \(keyValue.shape)")
            }
            let key = keyScalar.string
            guard allowed.contains(key) else {
                // The path stays the parent's: an unknown key may hold any character.
                let hint = didYouMean(key, among: allowed).map { "did you mean \($0)? " } ?? ""
                throw keyValue.error("unknown key '\(printable(key))'; \(hint)allowed here: \(allowed.joined(separator: ", "))")
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            let located = YAMLValue(node: keyNode, path: childPath, file: file)
            guard entries[key] == nil else { throw located.error("the key is given twice") }
            entries[key] = YAMLValue(node: valueNode.isNull ? keyNode.blank : valueNode, path: childPath, file: file)
        }
        return entries
    }

    /// A mapping whose keys are the user's own (an environment's variables), in order;
    /// a repeated key is an error.
    func namedMapping(_ expected: String) throws(ScenarioFileError) -> [(String, YAMLValue)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of \(expected), got \(shape)") }
        var entries: [(String, YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            let keyValue = YAMLValue(node: keyNode, path: path, file: file)
            guard case .scalar(let keyScalar) = keyNode, !keyScalar.string.isEmpty else { throw keyValue.error("expected a name, got \(keyValue.shape)") }
            let key = keyScalar.string
            let located = YAMLValue(node: valueNode.isNull ? keyNode.blank : valueNode, path: "\(path).\(key)", file: file)
            guard !entries.contains(where: { $0.0 == key }) else { throw located.error("the key is given twice") }
            entries.append((key, located))
        }
        return entries
    }

    /// A mapping from stream indices to values (`3: Fixtures/ward.mp4`), as `path[3]`.
    func indexedMapping() throws(ScenarioFileError) -> [(Int, YAMLValue)] {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping of stream index to value, got \(shape)") }
        var entries: [(Int, YAMLValue)] = []
        for (keyNode, valueNode) in mapping {
            let key = YAMLValue(node: keyNode, path: path, file: file)
            guard case .scalar(let scalar) = keyNode, let stream = Int(scalar.string), stream >= 0 else {
                throw key.error("expected a stream index (0, 1, …) as key, got \(key.shape)")
            }
            entries.append((stream, YAMLValue(node: valueNode, path: "\(path)[\(stream)]", file: file)))
        }
        return entries
    }

    /// The items of a list; a single scalar reads as a list of one when `single` is true.
    func list(single: Bool = false) throws(ScenarioFileError) -> [YAMLValue] {
        switch node {
        case .sequence(let sequence):
            return sequence.enumerated().map { YAMLValue(node: $0.element, path: "\(path)[\($0.offset)]", file: file) }
        case .scalar where single:
            return [self]
        default:
            throw error("expected a list, got \(shape)")
        }
    }
}

extension Node {
    /// `key:` with nothing after it.
    fileprivate var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.string.isEmpty || (scalar.style == .plain && ["~", "null"].contains(scalar.string))
    }

    /// An empty scalar at this node's place, so "nothing" is reported on the key's line.
    fileprivate var blank: Node {
        .scalar(Node.Scalar("", .implicit, .plain, mark))
    }
}

/// Text from a file as one printable line: control characters escaped, long text cut.
func printable(_ text: String, limit: Int = 40) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
        if scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
            || scalar == "\u{2028}" || scalar == "\u{2029}" {
            out += scalar.escaped(asASCII: true)
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out.count > limit ? String(out.prefix(limit)) + "…" : out
}
