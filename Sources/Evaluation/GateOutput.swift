import Foundation
import ScaleBenchCore

/// The gate for people (console, Markdown job summary) and for CI (JUnit XML).
extension Gate {
    public func text() -> String {
        var lines = [passed
            ? "gate: pass — \(checks.count) checks, no regression (alpha \(format3(settings.alpha)), Holm-adjusted)"
            : "gate: REGRESSION — \(regressions.count) of \(checks.count) checks (alpha \(format3(settings.alpha)), Holm-adjusted)"]
        for check in regressions { lines.append("  ✗ \(check.name): \(check.note)") }
        for check in checks where check.outcome == .pass && !check.note.isEmpty { lines.append("  · \(check.name): \(check.note)") }
        let insufficient = checks.filter { $0.outcome == .insufficient }
        if !insufficient.isEmpty {
            lines.append("  ? \(insufficient.count) checks not gated for want of data, e.g. \(insufficient[0].name): \(insufficient[0].note)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func markdown() -> String {
        var out = "## scalebench gate: \(passed ? "pass" : "**regression**")\n\n"
        out += "\(checks.count) checks; a regression is a change worse than its threshold with a Holm-adjusted Mann-Whitney p below \(format3(settings.alpha)).\n\n"
        out += "| | metric | streams | option | baseline median | candidate median | change [interval, its exact coverage] | threshold | adjusted p |\n"
        out += "|---|---|---:|---|---:|---:|---|---:|---:|\n"
        for check in checks.sorted(by: { rank($0) < rank($1) }) {
            let mark = check.outcome == .regression ? "✗" : check.outcome == .pass ? "✓" : "?"
            out += "| \(mark) | \(check.metric) | \(check.streams) | \(check.option) | \(number(check.baselineMedian)) | \(number(check.candidateMedian)) | "
            out += "\(check.change == nil ? "–" : Gate.describe(check).replacingOccurrences(of: check.metric.label + " ", with: "")) | "
            out += "\(Gate.thresholdText(check)) | \(check.adjustedP.map(formatP) ?? "–") |\n"
        }
        let notes = checks.filter { !$0.note.isEmpty && $0.outcome != .insufficient }
        if !notes.isEmpty {
            out += "\n" + notes.map { "- \($0.name): \($0.note)" }.joined(separator: "\n") + "\n"
        }
        return out
    }

    /// One test case per check; a regression is a failure, a check without data skipped.
    public func junit() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"scalebench gate\" tests=\"\(checks.count)\" failures=\"\(regressions.count)\">\n"
        out += "  <testsuite name=\"gate\" tests=\"\(checks.count)\" failures=\"\(regressions.count)\" skipped=\"\(checks.filter { $0.outcome == .insufficient }.count)\">\n"
        for check in checks {
            out += "    <testcase classname=\"gate.\(escape(check.option))\" name=\"\(escape(check.name))\""
            switch check.outcome {
            case .pass:
                out += check.note.isEmpty ? "/>\n" : "><system-out>\(escape(check.note))</system-out></testcase>\n"
            case .regression:
                out += "><failure message=\"\(escape(check.note))\">\(escape(Gate.describe(check)))</failure></testcase>\n"
            case .insufficient:
                out += "><skipped message=\"\(escape(check.note))\"/></testcase>\n"
            }
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }

    private func rank(_ check: Check) -> Int { check.outcome == .regression ? 0 : check.note.isEmpty ? 2 : 1 }

    private func number(_ value: Double?) -> String { value.map { String(format: "%.4g", $0) } ?? "–" }
}
