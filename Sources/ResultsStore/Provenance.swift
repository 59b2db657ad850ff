import Foundation
import ScaleBench

/// Where and with what a run was measured: the fingerprint that says whether two runs are
/// comparable. Runs whose fingerprints differ should not be pooled.
public struct Provenance: Sendable, Equatable {
    public var machine: MachineInfo
    public var gitCommit: String
    public var gitDirty: Bool
    public var ffmpegVersion: String
    public var gslVersion: String

    public static func current() -> Provenance {
        let (commit, dirty) = workbenchRevision()
        return Provenance(machine: .current(), gitCommit: commit, gitDirty: dirty,
                          ffmpegVersion: LibraryVersions.ffmpeg, gslVersion: LibraryVersions.gsl)
    }

    /// A stable hash of every field.
    public var fingerprint: String {
        let m = machine
        return ContentHash.hex([m.hostName, m.cpuModel, "\(m.logicalCores)", "\(m.memoryBytes)", m.os, m.kernel,
                                m.swiftVersion, m.buildConfiguration, gitCommit, "\(gitDirty)", ffmpegVersion, gslVersion]
            .joined(separator: "\u{1F}"))
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

/// FNV-1a, 64 bits, as 16 hex digits: a content hash for scenarios and fingerprints
/// (identity, not security).
public enum ContentHash {
    public static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The scenario as canonical JSON (sorted keys) and its hash.
    /// The resolved scenario as JSON, and the hash of what it measures: the checkpoint's
    /// criteria and the gate's thresholds are left out, so revising them keeps a sweep
    /// resumable.
    public static func scenario(_ scenario: RunScenario) -> (json: String, hash: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: (try? encoder.encode(scenario)) ?? Data(), as: UTF8.self)
        var measured = scenario
        measured.checkpoint = nil
        measured.gate = nil
        let identity = String(decoding: (try? encoder.encode(measured)) ?? Data(), as: UTF8.self)
        return (json, hex(identity))
    }
}
