/// Everything one run needs, fully resolved (defaults filled in), and its validation.
///
/// The CLI builds one from flags; scenario files will build the same value.
public struct RunScenario: Sendable, Equatable, Codable {
    public var streams: Int = 4
    public var fps: Double = 30
    /// Lets fps exceed the original's 30 (up to ``maximumStressFPS``) for stress runs.
    public var stress = false
    public var resolution = Resolution(width: 1280, height: 720)
    public var pixelFormat = PixelFormat.rgb24
    public var arrival = ArrivalProcess.periodic
    public var phase = PhasePolicy.spread
    public var workers: [WorkerSpec] = []
    /// Measured window, after the warm-up.
    public var duration = Duration.seconds(10)
    /// Excluded from every metric, before the measured window.
    public var warmup = Duration.seconds(1)
    public var seed: UInt64 = 1
    public var fanOutThreshold = 8
    public var topology = TopologyKind.independentPipelines

    public init() {}

    public static let fpsRange = 0.1...30.0
    public static let maximumStressFPS = 1000.0
    public static let streamRange = 1...4096

    /// Checks every field; the first problem found is thrown, naming its key.
    public func validate() throws(ScenarioError) {
        guard Self.streamRange.contains(streams) else {
            throw ScenarioError(key: "streams", value: "\(streams)", allowed: "an integer from \(Self.streamRange.lowerBound) to \(Self.streamRange.upperBound)")
        }
        let fpsLimit = stress ? Self.maximumStressFPS : Self.fpsRange.upperBound
        guard fps.isFinite, fps >= Self.fpsRange.lowerBound, fps <= fpsLimit else {
            let allowed = stress
                ? "a number from 0.1 to \(format3(Self.maximumStressFPS)) (stress mode)"
                : "a number from 0.1 to 30 (the original's range; above 30 only with --stress)"
            throw ScenarioError(key: "fps", value: format3(fps), allowed: allowed)
        }
        guard !workers.isEmpty else {
            throw ScenarioError(key: "worker", value: "none", allowed: "at least one worker: \(WorkerSpec.grammar)")
        }
        guard duration.nanoseconds > 0 else {
            throw ScenarioError(key: "duration", value: duration.description, allowed: "a duration > 0, e.g. 10s")
        }
        guard (1...256).contains(fanOutThreshold) else {
            throw ScenarioError(key: "fanout-threshold", value: "\(fanOutThreshold)", allowed: "an integer from 1 to 256")
        }
        if pixelFormat == .yuv420p, resolution.width % 2 != 0 || resolution.height % 2 != 0 {
            throw ScenarioError(key: "resolution", value: resolution.description, allowed: "even width and height for yuv420p")
        }
        if case .jittered(let jitter) = arrival, Double(jitter.nanoseconds) >= 5e8 / fps {
            throw ScenarioError(key: "arrival", value: arrival.description, allowed: "a jitter below half the frame period (\(Duration(nanoseconds: UInt64(5e8 / fps))))")
        }
    }
}

/// A scenario value that is not allowed: which key, what it was, what is allowed.
public struct ScenarioError: Error, Equatable, CustomStringConvertible {
    public var key: String
    public var value: String
    public var allowed: String

    public init(key: String, value: String, allowed: String) {
        self.key = key
        self.value = value
        self.allowed = allowed
    }

    public var description: String { "\(key) \(value): expected \(allowed)" }
}
