import ScaleBenchCore
import RuntimeSupport
import Random

/// What `scalebench probe` reports about a file or live URL: the stream, the decode cost
/// per frame, and the original's warm-up check over the first seconds.
public struct ProbeReport: Sendable, Codable {
    public var source: String
    public var codec: String
    public var width: Int
    public var height: Int
    public var nominalFPS: Double?
    /// Frames decoded (all of a file; those within the probe window for a live URL).
    public var frames: Int
    public var corruptPackets: Int
    public var bytesRead: Int64
    /// Decode + conversion time per frame, in milliseconds.
    public var decodeMs: Quantiles
    /// The decoding thread's CPU time per frame, in milliseconds, and its standard
    /// deviation: the demand a simulation takes as `decode-cpu`.
    public var decodeCPUMs: Quantiles?
    public var decodeCPUSdMs: Double?

    /// The scenario line that gives a simulation this decode cost per frame, for the
    /// file played at its own rate. (Rate control decodes every frame, so played at a
    /// lower fps each published frame costs the file's rate over fps times as much.)
    public var decodeCPULine: String? {
        guard let mean = decodeCPUMs?.mean, mean > 0 else { return nil }
        return String(format: "decode-cpu: lognormal(%.3fms,%.3fms)", mean, max(decodeCPUSdMs ?? 0, 0.001))
    }
    /// Over the warm-up window: presentation times for a file, arrival times for a URL.
    public var warmup: WarmupReport?
    public var warmupFailure: String?
}

public enum SourceProbe {
    /// Decodes `location` (a whole file, or `window` of a live URL) and evaluates the first
    /// `warmup` of arrivals.
    public static func probe(_ location: String, warmup: Duration, window: Duration,
                             options: VideoDecoder.Options = VideoDecoder.Options()) throws(VideoError) -> ProbeReport {
        let decoder = try VideoDecoder(url: location, options: options)
        let live = VideoSource.isNetworkURL(location)
        let clock = SystemClock()
        let buffer = PixelBuffer(layout: decoder.outputLayout)
        var decode = LatencyHistogram(), cpu = LatencyHistogram()
        var cpuSum = 0.0, cpuSquares = 0.0
        var arrivals: [UInt64] = []
        let start = clock.now()
        var firstPTS: Double?
        while !live || clock.now() - start < window.nanoseconds {
            let before = clock.now(), cpuBefore = threadCPUNanos()
            guard case .frame(let pts) = try decoder.decode(into: buffer) else { break }
            let after = clock.now(), spent = threadCPUNanos() &- cpuBefore
            decode.record(after - before)
            cpu.record(spent)
            cpuSum += Double(spent)
            cpuSquares += Double(spent) * Double(spent)
            if firstPTS == nil { firstPTS = pts }
            let arrival = live ? after - start : UInt64(max(pts - firstPTS!, 0) * 1e9)
            if arrival <= warmup.nanoseconds { arrivals.append(arrival) }
        }
        guard decoder.framesDecoded > 0 else { throw decoder.nothingDecoded }
        var report = ProbeReport(
            source: location, codec: decoder.codecName, width: decoder.sourceWidth, height: decoder.sourceHeight,
            nominalFPS: decoder.nominalFPS, frames: decoder.framesDecoded, corruptPackets: decoder.corruptPackets,
            bytesRead: decoder.bytesRead, decodeMs: decode.quantiles)
        let n = Double(decoder.framesDecoded)
        report.decodeCPUMs = cpu.quantiles
        report.decodeCPUSdMs = n > 1 ? (max(cpuSquares - cpuSum * cpuSum / n, 0) / (n - 1)).squareRoot() / 1e6 : 0
        do {
            report.warmup = try WarmupReport.evaluate(arrivalsNanos: arrivals)
        } catch {
            report.warmupFailure = error.description
        }
        return report
    }
}
