import ResultsStore
import ScaleBenchCore

/// Why a stored calibration cannot be applied to a scenario.
public struct CalibrationError: Error, CustomStringConvertible {
    public let description: String
}

extension RunScenario {
    /// Gives each worker that the calibration of run `selector` (an id or a unique prefix)
    /// names its fitted distribution, keeping its cost model (offload stays offload, with
    /// its measured host cost; cpu stays cpu; a pixels or process worker whose CPU demand
    /// was fitted becomes a cpu worker of that demand), gives the captures the fitted CPU per frame
    /// (`decode-cpu`), and records the source run.
    public mutating func applyCalibration(of selector: String, from database: ResultsDatabase, path: String) throws {
        guard let run = try database.runID(matching: selector) else {
            throw CalibrationError(description: "no run with that id in \(path)")
        }
        let fits = try database.calibration(run: run)
        guard !fits.isEmpty else {
            throw CalibrationError(description: "the run has no calibration; run `scalebench calibrate \(selector)` first")
        }
        var applied = 0
        // The captures' CPU per frame, unless this scenario decodes its file once ahead.
        if let fit = fits.first(where: { $0.worker == RunScenario.captureTraceName && $0.quantity == CalibrationFitting.decodeQuantity }),
           !decodesFileAhead {
            decodeCPU = fit.distribution
            applied += 1
        }
        for index in workers.indices {
            guard let fit = fits.first(where: { $0.worker == workers[index].name }) else { continue }
            switch workers[index].cost {
            case .offload:
                workers[index].cost = .offload(fit.distribution)
                if let host = fit.hostCostMs { workers[index].hostCost = Duration(nanoseconds: UInt64((host * 1e6).rounded())) }
            case .cpu:
                workers[index].cost = .cpu(fit.distribution)
            case .pixels, .process:
                // Its measured CPU demand makes it a CPU worker a simulation can run (a
                // process worker's: the encoding on its thread and its child's CPU).
                guard fit.quantity == "cpu-demand" else { continue }
                workers[index].cost = .cpu(fit.distribution)
            }
            applied += 1
        }
        guard applied > 0 else {
            throw CalibrationError(description: "its fits (\(fits.map(\.worker).joined(separator: ", "))) name none of this scenario's workers (\(workers.map(\.name).joined(separator: ", ")))")
        }
        calibratedFrom = run
    }
}
