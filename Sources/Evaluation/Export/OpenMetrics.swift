import Foundation
import ResultsStore
import ScaleBenchCore

/// Runs' metrics in the OpenMetrics text format, for a Prometheus textfile collector or a
/// push gateway beside production telemetry: one gauge family per figure, a sample per
/// run × worker kind × stream (room), labelled so that a dashboard can put a benchmark's
/// figure beside the same room's production one.
///
/// Labels: `scenario`, `topology`, `streams` (the run's stream count), `mode`, `repetition`,
/// `run` (its id), and on per-room figures `worker` and `stream`. No timestamps: a sample
/// describes a run's measured window, not an instant.
public enum OpenMetrics {
    /// A gauge family: name (no unit suffix other than the one in its name), help, samples.
    struct Family {
        var name: String
        var help: String
        var samples: [(labels: [(String, String)], value: Double)] = []
    }

    /// The exposition of `runs`, ending with `# EOF`.
    public static func text(_ runs: [RunRecord]) -> String {
        var served = Family(name: "scalebench_served_fps", help: "Frames a worker kind processed per second of the measured window, per stream")
        var drops = Family(name: "scalebench_drop_fraction", help: "Fraction of a stream's frames the worker kind never processed")
        var p50 = Family(name: "scalebench_latency_p50_seconds", help: "Median capture-to-service-end latency of a stream's frames")
        var p99 = Family(name: "scalebench_latency_p99_seconds", help: "99th percentile capture-to-service-end latency of a stream's frames")
        var processed = Family(name: "scalebench_processed_frames", help: "Frames a worker kind processed for a stream in the measured window")
        var cores = Family(name: "scalebench_process_cpu_cores", help: "Cores the run used on average over its measured window")
        var window = Family(name: "scalebench_measured_window_seconds", help: "Length of the run's measured window")
        for run in runs {
            let base: [(String, String)] = [("scenario", run.scenarioName), ("topology", run.topology), ("streams", String(run.streams)),
                                            ("mode", run.mode.rawValue), ("repetition", String(run.repetition)), ("run", run.id)]
            window.samples.append((base, run.measuredSeconds))
            if let value = run.processCores { cores.samples.append((base, value)) }
            for room in run.rooms where room.state == nil {
                let labels = base + [("worker", room.worker), ("stream", String(room.stream))]
                if let value = room.servedFPS { served.samples.append((labels, value)) }
                if let value = room.dropFraction { drops.samples.append((labels, value)) }
                processed.samples.append((labels, Double(room.processed)))
                let latency = room.latency.quantiles
                if let value = latency.p50 { p50.samples.append((labels, value / 1000)) }
                if let value = latency.p99 { p99.samples.append((labels, value / 1000)) }
            }
        }
        var out = ""
        for family in [served, drops, p50, p99, processed, cores, window] where !family.samples.isEmpty {
            out += "# TYPE \(family.name) gauge\n# HELP \(family.name) \(escapeHelp(family.help))\n"
            for sample in family.samples {
                let labels = sample.labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",")
                out += "\(family.name){\(labels)} \(number(sample.value))\n"
            }
        }
        return out + "# EOF\n"
    }

    /// A label value with `\`, `"` and line feeds escaped, as the format requires.
    static func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func escapeHelp(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value: shortest round-tripping decimal; NaN and infinities as the format spells them.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
