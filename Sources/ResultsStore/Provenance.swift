import Foundation
import ScaleBenchCore

/// Where and with what a run was measured: the fingerprint that says whether two runs are
/// comparable. Runs whose fingerprints differ should not be pooled.
public struct Provenance: Sendable, Equatable {
    public var machine: MachineInfo
    public var gitCommit: String
    public var gitDirty: Bool
    public var ffmpegVersion: String
    public var gslVersion: String

    public init(machine: MachineInfo, gitCommit: String, gitDirty: Bool, ffmpegVersion: String, gslVersion: String) {
        self.machine = machine
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.ffmpegVersion = ffmpegVersion
        self.gslVersion = gslVersion
    }

    /// A stable hash of every field.
    public var fingerprint: String {
        let m = machine
        return ContentHash.hex([m.hostName, m.cpuModel, "\(m.logicalCores)", "\(m.memoryBytes)", m.os, m.kernel,
                                m.swiftVersion, m.buildConfiguration, gitCommit, "\(gitDirty)", ffmpegVersion, gslVersion]
            .joined(separator: "\u{1F}"))
    }
}
