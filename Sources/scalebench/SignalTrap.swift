import ArgumentParser
import Dispatch
import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// Turns SIGINT and SIGTERM into a cancellation the executor honours: the current run
/// stops, what it measured is committed as `aborted`, and the process exits 130 or 143.
final class SignalTrap: @unchecked Sendable {
    let cancel = StopSignal()
    private var sources: [DispatchSourceSignal] = []
    private let lock = ConditionLock()
    private var received: Int32?

    init() {
        for signalNumber in [SIGINT, SIGTERM] {
            Glibc.signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                lock.withLock { if received == nil { received = signalNumber } }
                cancel.raise()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal that arrived, if any.
    var signal: Int32? { lock.withLock { received } }

    /// Exits 128 + signal when a signal arrived (130 for SIGINT, 143 for SIGTERM).
    func exitIfSignalled() throws {
        if let number = signal { throw ExitCode(128 + number) }
    }
}
