import Foundation
import ResultsStore
import ScaleBenchCore

extension Report {
    /// The first screen of a checkpoint's report: which option at each stream count, why,
    /// and what would change it — the checkpoint's own runner-up and every assumption of
    /// the sensitivity analysis that flips it there. Empty without a checkpoint.
    public func answerMarkdown() -> String {
        guard let checkpoint, !checkpoint.recommendations.isEmpty else { return "" }
        let modes = runs.map(\.mode).uniqued()
        let box = runs.last { $0.scenario?.host != nil }?.scenario?.host.map { "the box the scenario declares (\($0.description))" }
        var out = "## The answer\n\n"
        out += "For \(box ?? "the machine the runs measured"), from \(runs.count) \(modes.map(\.rawValue).joined(separator: " and ")) runs"
        out += modes == [.simulated] ? " in simulated time (the box's cores shared by every CPU job, docs/queueing.md §6)" : ""
        out += "; the service levels: " + checkpoint.checkpoint.serviceLevels.map(\.description).joined(separator: "; ") + "."
        // What the answer rests on: the scenario's figures, assumptions unless calibrated.
        if let scenario = runs.last(where: { $0.scenario != nil })?.scenario {
            let workers = scenario.workers.map { worker in
                "\(worker.name) \(worker.cost)" + (worker.modelMemoryGB.map { ", \(format3($0)) GB" } ?? "") + (worker.device.map { " on \($0)" } ?? "")
            }
            out += " The figures it rests on: " + workers.joined(separator: "; ") + ", at \(format3(scenario.rate)) fps a room"
            out += scenario.calibratedFrom.map { " (calibrated from run \($0))" } ?? " — the scenario's assumptions (its file says where each comes from), not measurements"
            out += "."
        }
        out += "\n\n"
        for recommendation in checkpoint.recommendations {
            for streams in recommendation.streams {
                let answer = recommendation.option == nil ? "**no option**" : "**option \(recommendation.choice)**"
                out += "- **\(streams) rooms**: \(answer) — \(recommendation.reason). What would change it: \(recommendation.wouldChange)"
                let flips = sensitivity?.lines.compactMap { line -> String? in
                    guard line.flips.contains(where: { $0.streams == streams }) else { return nil }
                    let sentence = sensitivity?.sentences(line).first { $0.hasPrefix("\(streams) rooms: ") } ?? ""
                    let text = sentence.dropFirst("\(streams) rooms: ".count).components(separatedBy: " — ").first ?? ""
                    return "\(line.sensitivity.assumption.label): \(text)"
                } ?? []
                let steady = sensitivity?.lines.filter { line in !line.flips.contains { $0.streams == streams } }.map(\.sensitivity.assumption.label) ?? []
                if !flips.isEmpty { out += ". Across the assumptions — " + flips.joined(separator: "; ") }
                if !steady.isEmpty { out += (flips.isEmpty ? ". Unchanged" : "; unchanged") + " across the range of " + steady.joined(separator: ", ") }
                out += ".\n"
            }
        }
        return out + "\n"
    }
}
