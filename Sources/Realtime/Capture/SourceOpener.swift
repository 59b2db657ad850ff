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
        let decoderOptions = VideoDecoder.Options(threads: scenario.decodeThreads, format: scenario.pixelFormat,
                                                  size: scenario.resolution, fatalErrors: scenario.fatalDecodeErrors)
        switch scenario.source {
        case .synthetic:
            return ((0..<scenario.streams).map {
                SyntheticProducer(streamID: $0, scenario: scenario, schedule: captures[$0].arrivals())
            }, nil)
        case .file(let path) where scenario.decode == .preload && scenario.sourceOverrides.isEmpty:
            let clip = try PreloadedClip(url: path, options: decoderOptions)
            let phases = phases(period: 1 / (scenario.fps ?? clip.nominalFPS))
            return ((0..<scenario.streams).map {
                PreloadedProducer(clip: clip, streamID: $0, targetFPS: scenario.fps, phaseNanos: phases[$0])
            }, clip)
        case .file(let location), .url(let location):
            // Per-stream overrides always decode live: a preloaded clip is one file.
            var producers: [RecordedProducer] = []
            for stream in 0..<scenario.streams {
                producers.append(try RecordedProducer(
                    url: captures[stream].source.location ?? location, streamID: stream, options: decoderOptions,
                    targetFPS: scenario.fps, phaseNanos: 0, loop: scenario.loop,
                    reconnect: ReconnectPolicy(scale: scenario.reconnectScale), stop: stop))
            }
            // Phases need the source's own rate, known once it is open (live URLs are not
            // paced, so their phase is unused).
            let phased = phases(period: Double(producers[0].periodNanos) / 1e9)
            for stream in producers.indices { producers[stream].phaseNanos = phased[stream] }
            return (producers, nil)
        }
    }

    private func phases(period: Double) -> [UInt64] { captures.map { $0.phase(fps: 1 / period) } }
}
