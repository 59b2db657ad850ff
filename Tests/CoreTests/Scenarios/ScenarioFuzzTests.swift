import TestSupport
import XCTest
@testable import ScaleBenchCore
@testable import RuntimeSupport
@testable import Video
@testable import Realtime
@testable import Simulated
@testable import Orchestration
import Random

/// Thousands of malformed scenarios, generated from good ones by seeded mutations: the
/// loader never crashes, and every file it refuses gets one located line.
final class ScenarioFuzzTests: XCTestCase {
    static let tokens = ["-1", "0", "1", "3.5", "abc", "[1, 2]", "{a: 1}", "1e400", "99999999999999999999", "", "~", "true",
                         "gpu9", "&anchor x", "*anchor", "\"quoted\"", "'", "- item", "nan", "-0", "0x10", "1,5", "30fps",
                         "jitter(", "priority(9=1)", "offload:", "cpu:lognormal(20ms,-1ms)", "!!binary aGk=", "|", ">", "@", "`"]
    static let keys = ScenarioReader.topKeys + ScenarioReader.captureKeys + ScenarioReader.workerKeys
        + ScenarioReader.deviceKeys + ScenarioReader.optionKeys + ScenarioReader.faultKeys + ["bogus", "Streams", "work ers"]

    func testThousandsOfMalformedScenariosNeverCrashAndAlwaysGetALocatedMessage() throws {
        let folder = Fixtures.repository.appendingPathComponent("Scenarios")
        var seeds = [ScenarioFileTests.good]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".yaml") {
            seeds.append(try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        let random = GSLRandom(seed: 20261125)
        var refused = 0, loaded = 0
        let pattern = try NSRegularExpression(pattern: #"^f\.yaml:[0-9]+( [A-Za-z0-9_.\[\]\- ]+)?: \S"#)
        for iteration in 0..<4000 {
            var lines = seeds[Int(random.uniformInt(below: UInt64(seeds.count)))].components(separatedBy: "\n")
            for _ in 0...random.uniformInt(below: 3) { Self.mutate(&lines, random) }
            let text = lines.joined(separator: "\n")
            do {
                let file = try ScenarioFile.parse(text, file: "f.yaml", defaultName: "f")
                loaded += 1
                // What loads is runnable as far as building and checking each cell goes.
                for (count, topology) in file.cells {
                    let scenario = file.scenario(streams: count, topology: topology)
                    _ = scenario.infeasibilities
                }
            } catch {
                refused += 1
                let message = error.description
                XCTAssertFalse(message.contains("\n"), "one line, iteration \(iteration): \(message)\n--- text:\n\(text)")
                XCTAssertNotNil(pattern.firstMatch(in: message, range: NSRange(message.startIndex..., in: message)),
                                "located, iteration \(iteration): \(message)")
                XCTAssertGreaterThanOrEqual(error.line, 1)
                XCTAssertLessThanOrEqual(error.line, max(1, lines.count + 1), "a line of the file: \(message)")
            }
        }
        // The generator must actually produce bad files, and some good ones.
        XCTAssertGreaterThan(refused, 2500, "refused \(refused), loaded \(loaded)")
        XCTAssertGreaterThan(loaded, 50, "refused \(refused), loaded \(loaded)")
    }

    static func mutate(_ lines: inout [String], _ random: GSLRandom) {
        func pick<T>(_ items: [T]) -> T { items[Int(random.uniformInt(below: UInt64(items.count)))] }
        let index = Int(random.uniformInt(below: UInt64(max(lines.count, 1))))
        guard !lines.isEmpty else { lines = [pick(tokens)]; return }
        switch random.uniformInt(below: 8) {
        case 0: // a value replaced by a token of another type
            if let colon = lines[index].firstIndex(of: ":") {
                lines[index] = String(lines[index][...colon]) + " " + pick(tokens)
            } else {
                lines[index] += " " + pick(tokens)
            }
        case 1: // a key misspelt or swapped for another level's
            let indent = lines[index].prefix { $0 == " " || $0 == "-" }
            lines[index] = indent + pick(keys) + (random.uniformInt(below: 2) == 0 ? "x" : "") + ": " + pick(tokens)
        case 2: lines.remove(at: index)
        case 3: lines.insert(lines[index], at: index)
        case 4: lines[index] = String(repeating: " ", count: Int(random.uniformInt(below: 5))) + lines[index].trimmingCharacters(in: .whitespaces)
        case 5: // a character inserted (control, punctuation, non-ASCII)
            var characters = Array(lines[index])
            let position = Int(random.uniformInt(below: UInt64(characters.count + 1)))
            characters.insert(pick(["\t", "\u{0}", "\u{7}", ":", "{", "[", "#", "é", "\u{FEFF}", "\"", "&"]), at: position)
            lines[index] = String(characters)
        case 6: // the line cut short
            lines[index] = String(lines[index].prefix(Int(random.uniformInt(below: UInt64(lines[index].count + 1)))))
        default: // a number pushed to an extreme
            lines[index] = lines[index].replacingOccurrences(of: "4", with: pick(["40000", "-4", "4.5", "0", "4e9"]))
        }
    }
}
