import Foundation
import ScaleBenchCore
import RuntimeSupport
import Video
import Realtime
import Simulated
import ResultsStore
import Orchestration

/// Writes a whole file to a temporary name in the same folder and renames it into place,
/// so a reader never sees half a file and a failure leaves nothing behind.
func writeAtomically(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
    try data.write(to: temporary)
    guard rename(temporary.path, url.path) == 0 else {
        let error = POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        try? FileManager.default.removeItem(at: temporary)
        throw error
    }
}
