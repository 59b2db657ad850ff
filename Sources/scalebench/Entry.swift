import ArgumentParser
import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// Runs the CLI with the workbench's exit-status contract: bad input of any kind
/// (a flag ArgumentParser rejects or a value the library rejects) prints one line and
/// exits 2; help and version exit 0.
@main
enum Entry {
    static func main() {
        do {
            var command = try ScaleBenchCommand.parseAsRoot()
            try command.run()
        } catch let error as UsageError {
            fail(error.description)
        } catch {
            let code = ScaleBenchCommand.exitCode(for: error)
            if code == .success || error is ExitCode {
                ScaleBenchCommand.exit(withError: error)
            }
            if code == .validationFailure {
                let message = ScaleBenchCommand.message(for: error)
                fail(message.split(separator: "\n").first.map(String.init) ?? message)
            }
            FileHandleStderr.write("scalebench: \(ScaleBenchCommand.message(for: error))\n")
            exit(1)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandleStderr.write("scalebench: error: \(message)\n")
        exit(2)
    }
}

/// Bad input, with a message that names the flag, the value and what is allowed.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum FileHandleStderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
