import Foundation

/// The built `scalebench` binary, run as a real subprocess.
public enum CLIProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var timedOut = false
    }

    public static var binary: URL {
        // The test bundle sits in the build folder next to the products it depends on.
        var folder = Bundle(for: CLIBundleAnchor.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("scalebench").path) {
            folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        return folder.appendingPathComponent("scalebench")
    }

    /// `environment` adds to (or overrides) this process's environment. With a `timeout`
    /// the child is killed (SIGKILL) once it has run that long; its outcome then says
    /// `timedOut`.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment
        // Under AddressSanitizer the children detect leaks, which the test runner cannot.
        if let child = inherited["SCALEBENCH_CHILD_ASAN_OPTIONS"] { inherited["ASAN_OPTIONS"] = child }
        process.environment = inherited.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let killer = timeout.map { seconds in
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + seconds)
            timer.setEventHandler { kill(process.processIdentifier, SIGKILL) }
            timer.resume()
            return timer
        }
        // Both pipes drain at once, so a child filling one of them cannot block on it.
        let errorBytes = Collected()
        let drained = DispatchGroup()
        DispatchQueue.global().async(group: drained) { errorBytes.data = err.fileHandleForReading.readDataToEndOfFile() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        killer?.cancel()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: errorBytes.data, as: UTF8.self),
                       timedOut: timeout != nil && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }
}

private final class CLIBundleAnchor {}

/// Bytes read on another thread; read back only after that thread's work has finished.
private final class Collected: @unchecked Sendable { var data = Data() }

/// Runs the CLI; for test cases.
public func runCLI(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIProcess.Outcome {
    try CLIProcess.run(arguments, environment: environment)
}
