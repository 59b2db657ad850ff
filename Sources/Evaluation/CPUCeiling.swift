import ResultsStore
import ScaleBenchCore

/// The most CPU a run could have used, and whether its process CPU reached it.
///
/// A run at its ceiling measured the box, not the option: its CPU says "all of it", and
/// a scaling fit through such points draws a flat line that means nothing. The ceiling is
/// what the run stored: a simulated run's box at full load (cores × the SMT gain with every
/// thread busy, what processor sharing can hand out); a real-time run's CPUs (the box's
/// threads when pinned, else the machine's); without a box, the machine's CPUs.
struct CPUCeiling: Hashable {
    var cores: Double
    /// What the ceiling is, in words: "the box's 2 cores", "the machine's 8 CPUs" …
    var what: String

    /// A run whose process CPU is at least this fraction of its ceiling counts as saturated:
    /// measured CPU reads 1.99 of 2 cores on a full machine, never exactly 2.
    static let saturatedFraction = 0.97

    init(cores: Double, what: String) {
        self.cores = cores
        self.what = what
    }

    /// The run's ceiling; nil when it stored none (a simulation without a box has no CPU).
    init?(_ run: RunRecord) {
        switch (run.mode, run.host) {
        case (.simulated, let host?) where host.peakCores > 0:
            self.init(cores: host.peakCores, what: host.peakCores == Double(host.cores) ? "the box's \(host.cores) cores"
                      : "the box's \(host.cores) cores and \(host.threads) threads, \(format3(host.peakCores)) cores' worth at full load")
        case (.realtime, let host?) where host.cpus > 0:
            self.init(cores: Double(host.cpus), what: host.pinned ? "the box's \(host.cpus) CPUs, pinned" : "the machine's \(host.cpus) CPUs, not pinned to the box")
        case (.realtime, nil):
            guard let cpus = run.machineCPUs, cpus > 0 else { return nil }
            self.init(cores: Double(cpus), what: "the machine's \(cpus) CPUs")
        default:
            return nil
        }
    }

    /// Whether `cores` of process CPU is at the ceiling.
    func isSaturated(_ cores: Double) -> Bool { cores >= Self.saturatedFraction * self.cores }

    /// Whether the run's process CPU is at its ceiling (false when it has no CPU or no ceiling).
    static func isSaturated(_ run: RunRecord) -> Bool {
        guard let cores = run.processCores, let ceiling = CPUCeiling(run) else { return false }
        return ceiling.isSaturated(cores)
    }
}
