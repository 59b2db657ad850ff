import ScaleBenchCore
import RuntimeSupport
import Video
import Random

/// Opens every stream's source before a run starts, so a missing file, a malformed clip
/// or an unreachable URL is reported before any thread runs.
struct SourceOpener {
    let scenario: RunScenario
    /// Phases and arrival seeds come from the run's instances.
    let captures: [RunInstances.Capture]

    /// The producers, by stream, and the shared clip when decoding in `preload` mode.
    func open(stop: StopSignal) throws(VideoError) -> (producers: [any FrameProducer], clip: PreloadedClip?) {
        func options(_ size: Resolution?) -> VideoDecoder.Options {
            VideoDecoder.Options(threads: scenario.decodeThreads, format: scenario.pixelFormat, size: size,
                                 fatalErrors: scenario.fatalDecodeErrors)
        }
        let streams = scenario.streamCaptures
        if case .file(let path) = scenario.source, scenario.decode == .preload,
           streams.allSatisfy({ $0.source == scenario.source && $0.resolution == scenario.resolution && $0.targetFPS == scenario.fps }) {
            // One clip for every stream: decoded once, ahead.
            let clip = try PreloadedClip(url: path, options: options(scenario.resolution))
            let phases = phases(period: 1 / (scenario.fps ?? clip.nominalFPS))
            return ((0..<scenario.streams).map {
                PreloadedProducer(clip: clip, streamID: $0, targetFPS: scenario.fps, phaseNanos: phases[$0])
            }, clip)
        }
        var producers: [any FrameProducer] = []
        for stream in 0..<scenario.streams {
            switch streams[stream].source {
            case .synthetic:
                producers.append(SyntheticProducer(streamID: stream, scenario: scenario, schedule: captures[stream].arrivals(),
                                                   size: streams[stream].resolution))
            case .file(let location), .url(let location):
                // Per-stream sources always decode live: a preloaded clip is one file.
                var producer = try RecordedProducer(
                    url: location, streamID: stream, options: options(streams[stream].resolution),
                    targetFPS: streams[stream].targetFPS, phaseNanos: 0, loop: scenario.loop,
                    reconnect: ReconnectPolicy(scale: scenario.reconnectScale), stop: stop)
                // The phase needs the source's own rate, known once it is open (live URLs
                // are not paced, so their phase is unused).
                producer.phaseNanos = captures[stream].phase(fps: 1e9 / Double(max(producer.periodNanos, 1)))
                producers.append(producer)
            }
        }
        return (producers, nil)
    }

    private func phases(period: Double) -> [UInt64] { captures.map { $0.phase(fps: 1 / period) } }
}
