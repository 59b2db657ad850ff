import Foundation
import TestSupport
import XCTest

/// The HTML report as a reader sees it: written by the real binary from a real database of
/// short simulated sweeps, then laid out by a real headless browser (Debian's chromium,
/// which `make deps` installs) at 1280 px. Every chart is there, has a size and draws its
/// marks, and the page does not scroll sideways.
final class ReportInBrowserTests: TemporaryFolderTestCase {
    /// Options A and C at 1–8 rooms on a 2-core box: a 40 ms CPU detector per frame at
    /// 10 fps asks 0.4 cores a room, so 8 rooms saturate the box (CPU ceiling, no fit
    /// through them) while 1–4 do not; a shared VLM on a GPU. A at 8 rooms does not fit the
    /// GPU's memory: that cell is infeasible.
    private let scenario = """
        name: charts
        streams: [1, 2, 4, 8]
        topology: [A, C]
        duration: 10s
        warmup: 1s
        repetitions: 3
        seed: 7
        capture: {fps: 10, phase: random}
        host: {cores: 2, memory-gb: 8}
        devices:
          - {name: gpu0, memory-gb: 16}
        workers:
          - kind: "cpu:lognormal(40ms,5ms)"
            name: detector
            device: host
          - kind: "offload:lognormal(200ms,20ms)"
            name: vlm
            device: gpu0
            model-memory-gb: 4
            shared: true
        checkpoint:
          service-levels:
            - {metric: "drop-fraction:detector", max: 0.2}
          sensitivity:
            - {assumption: host-cores, range: [1, 3], steps: 2}
        """

    private func browser() throws -> HeadlessChromium {
        guard let browser = HeadlessChromium() else {
            throw XCTSkip("chromium is not installed (make deps installs it): the HTML report is not checked in a browser")
        }
        return browser
    }

    /// The report of a simulated sweep: its HTML file and the ids of its charts (the SVG
    /// files written beside the Markdown).
    private func report() throws -> (html: URL, charts: Set<String>) {
        let file = path("charts.yaml"), db = path("charts.sqlite")
        try scenario.write(toFile: file, atomically: true, encoding: .utf8)
        let sweep = try runCLI(["sweep", file, "--mode", "simulated", "--db", db, "--quiet"])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        // The sensitivity analysis's chart (the choice across the box's cores) is one of them.
        let sensitivity = try runCLI(["sensitivity", file, "--db", db, "--refinements", "0", "--quiet"])
        XCTAssertEqual(sensitivity.status, 0, sensitivity.stderr)
        let out = folder.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let report = try runCLI(["report", "--db", db, "--mode", "simulated", "--out", out.path])
        XCTAssertEqual(report.status, 0, report.stderr)
        let charts = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("charts").path)
            .filter { $0.hasSuffix(".svg") }.map { String($0.dropLast(4)) }
        return (out.appendingPathComponent("charts.html"), Set(charts))
    }

    func testEveryChartIsDrawnAndThePageFitsIn1280Pixels() throws {
        let browser = try browser()
        let (html, expected) = try report()
        XCTAssertTrue(expected.isSuperset(of: ["cpu-cores", "served-detector", "served-vlm", "memory", "sensitivity-host-cores"]), "\(expected)")

        let layout = try browser.layout(of: html, scratch: folder)
        XCTAssertEqual(layout.viewport, Double(HeadlessChromium.viewportWidth))
        XCTAssertLessThanOrEqual(layout.scrollWidth, layout.viewport, "the page scrolls sideways at 1280 px")
        XCTAssertEqual(Set(layout.charts.map(\.id)), expected, "every chart of the report is in the rendered page")
        XCTAssertEqual(layout.svgs, layout.charts.count, "every <svg> is a chart in a figure")
        for chart in layout.charts {
            XCTAssertGreaterThan(chart.width, 300, chart.id)
            XCTAssertGreaterThan(chart.height, 150, chart.id)
            XCTAssertLessThanOrEqual(chart.right, layout.viewport, chart.id)
            XCTAssertGreaterThan(chart.drawnMarks, 0, "\(chart.id) draws no mark")
            XCTAssertEqual(chart.clippedTexts, [], "\(chart.id) cuts its words off")
        }
        // The CPU chart's ceiling, its ringed saturated points and its fits are marks too:
        // 2 options' points, their fits, the ceiling, the ring at 8 rooms.
        let cpu = try XCTUnwrap(layout.charts.first { $0.id == "cpu-cores" })
        XCTAssertGreaterThanOrEqual(cpu.drawnMarks, 7 + 2 + 1 + 1)
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains(">saturated (≥ 97 %)</text>"), "the legend names the saturated points")
        XCTAssertFalse(page.contains("<script"), "the shipped report has no script")
    }

    /// The check fails a page that scrolls sideways, a chart that draws nothing and words a
    /// chart cuts off: the same report with a 2000 px banner, one chart's marks taken out
    /// and a label past another's right edge.
    func testTheCheckCatchesAPageThatScrollsAndAChartThatDrawsNothing() throws {
        let browser = try browser()
        let (html, _) = try report()
        var page = try String(contentsOf: html, encoding: .utf8)
        let figure = try XCTUnwrap(page.range(of: "<figure id=\"cpu-cores\">"))
        let end = try XCTUnwrap(page.range(of: "</figure>", range: figure.upperBound..<page.endIndex))
        page.replaceSubrange(figure.upperBound..<end.lowerBound,
                             with: page[figure.upperBound..<end.lowerBound].replacingOccurrences(of: "class=\"mark\"", with: ""))
        page = page.replacingOccurrences(of: "<body>", with: "<body><div style=\"width: 2000px\">a banner too wide</div>")
        let served = try XCTUnwrap(page.range(of: "<figure id=\"served-vlm\"><svg"))
        let tag = try XCTUnwrap(page.range(of: ">", range: served.upperBound..<page.endIndex))
        page.insert(contentsOf: "<text x=\"700\" y=\"100\">a label cut off</text>", at: tag.upperBound)
        let broken = folder.appendingPathComponent("broken.html")
        try page.write(to: broken, atomically: true, encoding: .utf8)

        let layout = try browser.layout(of: broken, scratch: folder)
        XCTAssertGreaterThan(layout.scrollWidth, layout.viewport)
        XCTAssertEqual(layout.charts.first { $0.id == "cpu-cores" }?.drawnMarks, 0)
        XCTAssertTrue(layout.charts.filter { $0.id != "cpu-cores" }.allSatisfy { $0.drawnMarks > 0 })
        XCTAssertEqual(layout.charts.first { $0.id == "served-vlm" }?.clippedTexts, ["a label cut off"])
        XCTAssertTrue(layout.charts.filter { $0.id != "served-vlm" }.allSatisfy { $0.clippedTexts.isEmpty })
    }
}
