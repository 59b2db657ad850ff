import Foundation
import ScaleBenchCore

extension ScenarioFile {
    /// Reads and checks a scenario file; every problem is one located ``ScenarioFileError``.
    public static func load(path: String) throws(ScenarioFileError) -> ScenarioFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ScenarioFileError(file: path, line: 1, path: "",
                                    message: exists ? "cannot be read" : "no such scenario file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioFileError(file: path, line: 1, path: "", message: "is not UTF-8 text")
        }
        let base = (path as NSString).lastPathComponent
        let name = base.hasSuffix(".yaml") ? String(base.dropLast(5)) : base.hasSuffix(".yml") ? String(base.dropLast(4)) : base
        return try parse(text, file: path, defaultName: name)
    }
}
