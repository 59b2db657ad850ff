/// The machine a measurement ran on: what says whether two figures are comparable.
public struct MachineInfo: Sendable, Codable, Equatable {
    public var hostName: String
    public var cpuModel: String
    public var logicalCores: Int
    public var memoryBytes: UInt64
    public var kernel: String
    public var os: String
    public var swiftVersion: String
    public var buildConfiguration: String

    public init(hostName: String, cpuModel: String, logicalCores: Int, memoryBytes: UInt64, kernel: String, os: String,
                swiftVersion: String, buildConfiguration: String) {
        self.hostName = hostName
        self.cpuModel = cpuModel
        self.logicalCores = logicalCores
        self.memoryBytes = memoryBytes
        self.kernel = kernel
        self.os = os
        self.swiftVersion = swiftVersion
        self.buildConfiguration = buildConfiguration
    }
}
