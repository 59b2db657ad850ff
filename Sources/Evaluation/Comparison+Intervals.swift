import Analysis
import ScaleBenchCore

extension Comparison {
    /// What the medians' intervals are and what they cover at the run counts this
    /// comparison has, for the heading of every table that prints them:
    /// "distribution-free order-statistic intervals of the median, exact coverage 3 runs
    /// 75 %, 8 runs 99.2 %; none below 3 runs". The coverage is the interval's own, never
    /// the level asked for (`--level`), which few runs cannot reach.
    public var intervalNote: String {
        let counts = cells.flatMap { $0.options }.compactMap { $0.interval == nil ? nil : $0.values.count }.uniqued().sorted()
        let coverages = counts.map { n in "\(n) runs \(coverageText(MedianInterval.coverage(n: n, rank: MedianInterval.rank(n: n, level: settings.level))))" }
        return "distribution-free order-statistic intervals of the median"
            + (coverages.isEmpty ? "" : ", exact coverage " + coverages.joined(separator: ", ")) + "; none below 3 runs"
    }
}
