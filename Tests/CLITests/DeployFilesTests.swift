import Foundation
import TestSupport
import XCTest
import Yams

/// The files in deploy/ that run the workbench where its users run things (a GitHub
/// Actions workflow, a Kubernetes Indexed Job, a Slurm array): they parse, they have the
/// shape their runner needs, and every `scalebench` command in them is one the manual
/// documents, with flags the real binary accepts.
final class DeployFilesTests: XCTestCase {
    private let deploy = Fixtures.repository.appendingPathComponent("deploy")

    private func text(_ path: String) throws -> String { try String(contentsOf: deploy.appendingPathComponent(path), encoding: .utf8) }

    func testTheWorkflowRunsABaselineAndACandidateSweepAndTheGateWithItsJUnitAndSummary() throws {
        let workflow = try XCTUnwrap(try Yams.load(yaml: try text("github-actions/scalebench-gate.yml")) as? [String: Any])
        let jobs = try XCTUnwrap(workflow["jobs"] as? [String: Any])
        let steps = try XCTUnwrap((jobs["gate"] as? [String: Any])?["steps"] as? [[String: Any]])
        let runs = steps.compactMap { $0["run"] as? String }
        XCTAssertEqual(runs.filter { $0.contains("scalebench sweep") }.count, 2, "a baseline and a candidate sweep")
        let gate = try XCTUnwrap(runs.first { $0.contains("scalebench gate") })
        for flag in ["--baseline baseline.sqlite", "--candidate candidate.sqlite", "--junit gate.xml", "--summary \"$GITHUB_STEP_SUMMARY\""] {
            XCTAssertTrue(gate.contains(flag), "the gate step has \(flag)")
        }
        try checkCommands(in: runs.joined(separator: "\n"))
    }

    func testTheIndexedJobShardsTheSweepAndAJobMergesIt() throws {
        let documents = try Yams.load_all(yaml: try text("kubernetes/sweep-indexed-job.yaml")).map { try XCTUnwrap($0 as? [String: Any]) }
        XCTAssertEqual(documents.count, 2)
        let sweep = try XCTUnwrap(documents.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "scalebench-sweep" })
        let spec = try XCTUnwrap(sweep["spec"] as? [String: Any])
        XCTAssertEqual(spec["completionMode"] as? String, "Indexed")
        XCTAssertEqual(spec["completions"] as? Int, 4)
        var commands: [String] = []
        for document in documents {
            XCTAssertEqual(document["kind"] as? String, "Job")
            let template = try XCTUnwrap((document["spec"] as? [String: Any])?["template"] as? [String: Any])
            let containers = try XCTUnwrap((template["spec"] as? [String: Any])?["containers"] as? [[String: Any]])
            commands += containers.flatMap { $0["args"] as? [String] ?? [] }
        }
        XCTAssertTrue(commands.contains { $0.contains("--shard $((JOB_COMPLETION_INDEX + 1))/4") })
        XCTAssertTrue(commands.contains { $0.contains("scalebench merge") })
        for command in commands { try checkShell(command) }
        try checkCommands(in: commands.joined(separator: "\n"))
    }

    func testTheSlurmArrayShardsTheSweepAndItsSubmissionMergesIt() throws {
        let array = try text("slurm/sweep-array.sh"), submit = try text("slurm/submit.sh")
        XCTAssertTrue(array.contains("#SBATCH --array=1-4"))
        XCTAssertTrue(array.contains("--shard \"$SLURM_ARRAY_TASK_ID/$shards\""))
        XCTAssertTrue(submit.contains("--dependency=\"afterok:$array\""))
        for script in [array, submit] { try checkShell(script) }
        try checkCommands(in: array + "\n" + submit)
    }

    /// `bash -n`: the text parses as a shell script.
    private func checkShell(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", "-c", script]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                       file: file, line: line)
    }

    /// Every `scalebench SUBCOMMAND …` in `text`: the manual documents the subcommand and
    /// each flag, and the binary's help for the subcommand lists each flag.
    private func checkCommands(in text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let manual = try String(contentsOf: Fixtures.repository.appendingPathComponent("docs/manual.md"), encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"scalebench (sweep|merge|gate|report|export)([^\n"]*(?:"[^"\n]*"[^\n"]*)*)"#)
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        XCTAssertFalse(matches.isEmpty, "no scalebench command found", file: file, line: line)
        for match in matches {
            let subcommand = String(text[Range(match.range(at: 1), in: text)!])
            let rest = String(text[Range(match.range(at: 2), in: text)!])
            XCTAssertTrue(manual.contains("scalebench \(subcommand)"), "the manual documents \(subcommand)", file: file, line: line)
            let help = try runCLI([subcommand, "--help"])
            XCTAssertEqual(help.status, 0, help.stderr, file: file, line: line)
            let flags = rest.split(separator: " ").map(String.init).filter { $0.hasPrefix("-") }
            for flag in flags {
                XCTAssertTrue(help.stdout.contains(flag), "scalebench \(subcommand) takes \(flag)", file: file, line: line)
                XCTAssertTrue(manual.contains(flag), "the manual documents \(flag)", file: file, line: line)
            }
        }
    }
}
