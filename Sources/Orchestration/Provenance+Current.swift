import Foundation
import ResultsStore
import Random
import RuntimeSupport
import ScaleBenchCore
import Video

extension Provenance {
    /// This machine and build: the run's fingerprint.
    public static func current() -> Provenance {
        let (commit, dirty) = workbenchRevision()
        return Provenance(machine: .current(), gitCommit: commit, gitDirty: dirty,
                          ffmpegVersion: LibraryVersions.ffmpeg, gslVersion: LibraryVersions.gsl)
    }

    /// The commit of the source tree this binary was built from, and whether that tree
    /// has uncommitted changes ("unknown" when git or the tree is not there).
    static func workbenchRevision() -> (String, Bool) {
        let tree = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let commit = git(["-C", tree.path, "rev-parse", "HEAD"]), commit.count == 40 else { return ("unknown", false) }
        let status = git(["-C", tree.path, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return (commit, !status.isEmpty)
    }

    private static func git(_ arguments: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
