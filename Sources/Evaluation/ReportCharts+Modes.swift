import ResultsStore
import ScaleBenchCore

extension ReportCharts {
    /// Which modes a report's charts draw, in the words of their titles, legends and
    /// captions: the report's own runs (one mode), and in a real-time report the
    /// scenario's simulated runs beside them, drawn dashed or hollow.
    struct Modes {
        /// The report's own runs: "real time" or "simulated".
        var primary: String
        /// Whether simulated runs are drawn beside real-time ones.
        var both: Bool

        init(runs: [RunRecord], simulated: [RunRecord]) {
            primary = Self.words(runs.first?.mode ?? .realtime)
            both = !simulated.isEmpty
        }

        static func words(_ mode: RunMode) -> String { mode == .realtime ? "real time" : "simulated" }

        /// The title's last words: the mode, or both with how the simulated ones look.
        func title(simulatedDrawn style: String = "dashed") -> String { both ? "real time, simulated \(style)" : primary }

        /// An option's name in a legend: with its mode when both are drawn.
        func name(_ option: String) -> String { both ? "\(option) real time" : option }

        /// The caption's sentence on where the figures come from.
        func caption(simulatedDrawn style: String = "dashed lines") -> String {
            both ? "Real-time runs, and as \(style) the scenario's simulated runs (median over runs): a simulation models the box, it does not measure it."
                : "All figures from \(primary) runs."
        }
    }
}
