import Random

/// A problem in a scenario file, located for people: file, line and key path.
///
/// `Scenarios/x.yaml:14 workers[1].device: unknown device "gpu1" (known: gpu0)`
public struct ScenarioFileError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// Dotted key path with indices (`workers[1].device`); empty for the whole file.
    public var path: String
    public var message: String

    public init(file: String, line: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(file):\(line): \(message)" : "\(file):\(line) \(path): \(message)"
    }
}

/// The closest of `candidates` to a misspelt `word`, when one is close enough to be
/// what was meant: edit distance at most a third of the word (at least 1), and less
/// than the word's length (a one-letter word suggests nothing).
public func didYouMean(_ word: String, among candidates: [String]) -> String? {
    let limit = max(1, word.count / 3)
    return candidates
        .map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        .filter { $0.1 <= limit && $0.1 < word.count }
        .min { $0.1 < $1.1 }?.0
}

/// Levenshtein distance over characters (two rows; words here are short).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
