import Foundation

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
