#if canImport(Glibc)
import Glibc
#endif
import ScaleBenchCore

extension ProcessWorkerSpec {
    /// Why the command cannot start, found before the run: a working directory that is not
    /// one, a program that is not in PATH, or a path that is not an executable file. Nil
    /// when it looks runnable (whether it then speaks the protocol is the run's business).
    public func startProblem() -> String? {
        guard let program = command.first, !program.isEmpty else { return "the command is empty" }
        var isDirectory = stat()
        if let directory {
            guard stat(directory, &isDirectory) == 0, (isDirectory.st_mode & S_IFMT) == S_IFDIR else {
                return "its cwd \(directory) is not a directory"
            }
        }
        if program.contains("/") {
            let path = program.hasPrefix("/") || directory == nil ? program : "\(directory!)/\(program)"
            return Self.isExecutableFile(path) ? nil : "\(path) is not an executable file"
        }
        let search = environment["PATH"] ?? (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin")
        for folder in search.split(separator: ":", omittingEmptySubsequences: false) {
            if Self.isExecutableFile("\(folder.isEmpty ? "." : folder)/\(program)") { return nil }
        }
        return "no program \(program) in PATH"
    }

    private static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        // access(X_OK) alone says yes to root for any file: an execute bit must be set too.
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && (info.st_mode & 0o111) != 0 && access(path, X_OK) == 0
    }
}

extension RealtimeExecutor {
    /// What a real-time run refuses before it starts: process workers whose command
    /// cannot run.
    public static func check(_ scenario: RunScenario) throws(ScenarioError) {
        for worker in scenario.workers {
            guard let spec = worker.cost.processSpec, let problem = spec.startProblem() else { continue }
            throw ScenarioError(key: "worker \(worker.name) process", value: spec.commandLine,
                                allowed: "a command that can run (\(problem))")
        }
    }
}
