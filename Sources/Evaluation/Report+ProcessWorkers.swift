import Foundation
import ResultsStore
import ScaleBenchCore

/// The report's section on process workers: each run's services seen from both sides
/// (the round trip and the encoding on the workbench's side, the child's CPU per service,
/// the worker's own timings and the persons it counted), its CPU by class with the
/// children's beside the workbench's, and any worker failed with its reason.
extension Report {
    func processWorkersMarkdown() -> String {
        let runs = self.runs.filter { !$0.processWorkers.isEmpty }
        guard !runs.isEmpty else { return "" }
        func ms(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }
        var out = "## Process workers\n\n"
        out += "Each run's traced services (warm-up included), medians in ms: the round trip is the service less the JPEG encoding "
        out += "on the worker's thread; the worker's total and inference times are its own reply's; the child's CPU per service "
        out += "is its process CPU clock over the service (every thread of it; a child's first service, which holds its start-up, left out).\n\n"
        out += "| streams | option | rep | worker | services | persons / frame | frames with persons | max | round trip | worker total | inference | child CPU | encoding |\n"
        out += "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        for run in runs {
            for worker in run.processWorkers {
                out += "| \(run.streams) | \(run.option) | \(run.repetition) | \(worker.worker) | \(worker.services) | "
                out += String(format: "%.2f | %.0f %% | %d | ", worker.meanPersons, worker.framesWithPersons * 100, worker.maxPersons)
                out += [worker.roundTripMs, worker.workerTotalMs, worker.inferenceMs, worker.childCPUMs, worker.encodeMs].map(ms).joined(separator: " | ") + " |\n"
            }
        }
        let classes = ["process", "worker", "capture", "supplier", "harness", "unattributed", "worker-process"]
        out += "\nCPU by class over the measured window, cores (`process` is the workbench's own; `worker-process` its workers' children):\n\n"
        out += "| streams | option | rep | " + classes.joined(separator: " | ") + " | total |\n|---:|---|---:|" + classes.map { _ in "---:|" }.joined() + "---:|\n"
        for run in runs {
            let cores = Dictionary(run.cpuByClass.map { ($0.name, $0.cores) }, uniquingKeysWith: { first, _ in first })
            out += "| \(run.streams) | \(run.option) | \(run.repetition) | "
            out += classes.map { cores[$0].map { String(format: "%.3f", $0) } ?? "–" }.joined(separator: " | ")
            out += String(format: " | %.3f |\n", (cores["process"] ?? 0) + (cores["worker-process"] ?? 0))
        }
        let failures = runs.flatMap { run in run.processWorkers.flatMap { worker in worker.failures.map { (run, worker.worker, $0) } } }
        out += "\n"
        out += failures.isEmpty ? "No worker process failed.\n\n" : failures.map { run, worker, failure in
            "- \(run.streams) streams, option \(run.option), repetition \(run.repetition): worker \(worker)@\(failure.instance) \(failure.kind): \(failure.detail)\(failure.restarted ? " (restarted)" : "")"
        }.joined(separator: "\n") + "\n\n"
        return out
    }
}
