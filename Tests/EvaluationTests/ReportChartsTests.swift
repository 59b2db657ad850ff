import Analysis
@testable import Evaluation
@testable import ResultsStore
import ScaleBenchCore
import XCTest

/// Charts that say what they show: the CPU ceiling and the saturated points on it, fits
/// only through the points below it, served fps as a spread across rooms, and the mode of
/// every figure.
final class ReportChartsTests: XCTestCase {
    /// A 2-core box as a simulated run stores it.
    private static let box = RunRecord.HostRecord(description: "2 cores, 8 GB", threads: 2, cpus: 2, pinned: true, utilisation: 0,
                                                  cores: 2, peakCores: 2)

    /// Three simulated runs per stream count with these CPU figures (cores) on the 2-core box.
    private func runs(_ cores: [Int: Double], option: String = "C", seed: UInt64 = 1) -> [RunRecord] {
        cores.keys.sorted().flatMap { streams in
            RunFactory.runs(3, option: option, streams: streams, medianMs: 100, cores: cores[streams]!, noise: 0.002,
                            seed: seed + UInt64(streams)).map { run in
                var run = run
                run.mode = .simulated
                run.host = Self.box
                // Measured CPU never exceeds what the box has.
                run.processCores = min(run.processCores!, 2)
                return run
            }
        }
    }

    private func chart(_ id: String, _ report: Report) throws -> SVGChart {
        try XCTUnwrap(report.charts.first { $0.id == id }?.chart, "no chart \(id) in \(report.charts.map(\.id))")
    }

    func testTheCPUChartMarksTheCeilingAndFitsOnlyBelowIt() throws {
        let report = try Report.make(scenario: "s", runs: runs([2: 0.5, 4: 1.0, 6: 1.5, 8: 2.0, 16: 2.0]), environments: [])
        let cpu = try chart("cpu-cores", report)
        XCTAssertTrue(cpu.title.hasSuffix("— simulated"), cpu.title)

        let ceiling = try XCTUnwrap(cpu.series.first { $0.style == .reference })
        XCTAssertEqual(ceiling.points.map(\.y), [2])
        XCTAssertTrue(cpu.caption.contains("the box's 2 cores"), cpu.caption)
        let saturated = try XCTUnwrap(cpu.series.first { $0.style == .ring })
        XCTAssertEqual(saturated.name, "saturated (≥ 97 %)")
        XCTAssertEqual(saturated.points.map(\.x), [8, 16], "the points at the ceiling, and only they")

        // The fit goes through the 9 runs below the ceiling and stops at the largest of their counts.
        let fits = report.fits.filter { $0.metric == Metric(.processCores) }
        XCTAssertFalse(fits.isEmpty)
        for fit in fits {
            XCTAssertEqual(fit.points, 9, "\(fit.model)")
            XCTAssertEqual(fit.saturatedLeftOut, 6)
            XCTAssertEqual(fit.streams, 2...6)
        }
        let curve = try XCTUnwrap(cpu.series.first { $0.name.hasSuffix(" fit") })
        XCTAssertEqual(curve.points.map(\.x).max(), 6, "no extrapolation past the unsaturated data")
        XCTAssertEqual(curve.points.map(\.x).min(), 2)
        XCTAssertEqual(try XCTUnwrap(curve.points.last).y, 1.5, accuracy: 0.05)
        XCTAssertTrue(cpu.caption.contains("C's fit leaves out its 6 saturated runs"), cpu.caption)
        let markdown = report.markdown(chartFolder: "c")
        XCTAssertTrue(markdown.contains("CPU fits leave out runs at ≥ 97 % of their CPU ceiling — C (6 runs)."))
        // 0.25 cores a stream: 16 at 64 streams, far beyond the box.
        let row = try XCTUnwrap(markdown.split(separator: "\n").first { $0.hasPrefix("| C | process CPU | linear |") })
        XCTAssertTrue(row.contains("(above the 2-core ceiling)"), String(row))

        let svg = cpu.render()
        XCTAssertTrue(svg.contains("stroke-dasharray=\"8 3 2 3\""), "the ceiling is drawn")
        XCTAssertTrue(svg.contains("<desc>"), "the caption travels with the SVG file")
    }

    func testWithFewerThanTwoUnsaturatedCountsTheCPUHasNoFitAndTheCaptionSaysWhy() throws {
        let report = try Report.make(scenario: "s", runs: runs([2: 1.0, 4: 2.0, 8: 2.0]), environments: [])
        XCTAssertTrue(report.fits.filter { $0.metric == Metric(.processCores) }.isEmpty)
        let cpu = try chart("cpu-cores", report)
        XCTAssertFalse(cpu.series.contains { $0.name.hasSuffix(" fit") })
        XCTAssertTrue(cpu.caption.contains("C has no fit: 6 of its 9 runs are at their CPU ceiling (the box's 2 cores); the other 3 span one stream count, and a fit needs 3 runs over 2"),
                      cpu.caption)
        XCTAssertTrue(report.markdown(chartFolder: "c").contains("C has no CPU fit: 6 of its 9 runs"))
    }

    func testARunsCeilingIsTheCPUsItHadOrItsBoxAtFullLoad() {
        var run = RunFactory.runs(1, medianMs: 10, seed: 1)[0]
        run.machineCPUs = 8
        XCTAssertEqual(CPUCeiling(run), CPUCeiling(cores: 8, what: "the machine's 8 CPUs"))
        run.host = Self.box
        XCTAssertEqual(CPUCeiling(run)?.cores, 2, "pinned to the box's 2 threads")
        run.host!.pinned = false
        run.host!.cpus = 8
        XCTAssertEqual(CPUCeiling(run), CPUCeiling(cores: 8, what: "the machine's 8 CPUs, not pinned to the box"))
        run.mode = .simulated
        run.host = RunRecord.HostRecord(description: "nuc", threads: 8, cpus: 8, pinned: true, utilisation: 0, cores: 4, peakCores: 5)
        XCTAssertEqual(CPUCeiling(run), CPUCeiling(cores: 5, what: "the box's 4 cores and 8 threads, 5 cores' worth at full load"),
                       "a simulated box's most work at once: its second threads add a quarter of a core each")
        run.host = nil
        XCTAssertNil(CPUCeiling(run), "a simulation without a box models no CPU")
    }

    func testServedFPSIsASpreadAcrossRoomsNotAMean() throws {
        // Four rooms; the first is starved (1 fps where the others get 9).
        let runs = RunFactory.runs(3, streams: 4, medianMs: 100, seed: 3).map { run in
            var run = run
            run.rooms = run.rooms.map { room in
                var room = room
                room.processed = room.stream == 0 ? 10 : 90
                return room
            }
            return run
        }
        let report = try Report.make(scenario: "s", runs: runs, environments: [])
        let served = try chart("served-vlm", report)
        XCTAssertTrue(served.title.contains("per room") && served.title.hasSuffix("— real time"), served.title)
        let box = try XCTUnwrap(served.series.first?.points.first?.box)
        XCTAssertEqual(box.count, 4, "one value per room")
        XCTAssertEqual(box.minimum, 1, accuracy: 1e-9, "the starved room shows")
        XCTAssertEqual(box.median, 9, accuracy: 1e-9)
        XCTAssertEqual(served.series.first?.style, .box)
        XCTAssertTrue(served.render().contains("4 values, median 9"))
    }

    func testSimulatedFiguresBesideRealTimeOnesAreToldApart() throws {
        let realtime = RunFactory.runs(3, streams: 2, medianMs: 100, seed: 4) + RunFactory.runs(3, streams: 4, medianMs: 100, seed: 5)
        let simulated = runs([2: 0.5, 4: 1.0], seed: 6)
        let report = try Report.make(scenario: "s", runs: realtime, environments: [], simulated: simulated)
        let served = try chart("served-vlm", report)
        XCTAssertTrue(served.title.hasSuffix("— real time, simulated hollow"), served.title)
        XCTAssertEqual(served.series.map(\.name), ["C real time", "C simulated"])
        XCTAssertEqual(served.series.map(\.style), [.box, .hollowBox])
        let drops = try chart("drops-vlm", report)
        XCTAssertTrue(drops.title.hasSuffix("— real time, simulated dashed"), drops.title)
        XCTAssertEqual(drops.series.map(\.style), [.markers, .dashed])
        XCTAssertTrue(drops.caption.contains("Real-time runs, and as dashed lines the scenario's simulated runs"), drops.caption)
        for chart in report.charts {
            XCTAssertTrue(chart.chart.title.contains("real time") || chart.chart.title.contains("simulated"), chart.chart.title)
            XCTAssertFalse(chart.chart.caption.isEmpty, chart.id)
        }
        // An option keeps its colour in both modes.
        let svg = served.render()
        XCTAssertTrue(svg.contains("fill=\"white\" stroke=\"#0072B2\""), "the simulated box is hollow, in C's colour")
    }

    func testTheHTMLScalesChartsToTheColumnAndCaptionsThem() throws {
        let report = try Report.make(scenario: "s", runs: runs([2: 0.5, 4: 1.0, 8: 2.0]), environments: [])
        let html = report.html(), markdown = report.markdown(chartFolder: "c")
        XCTAssertTrue(html.contains("figure svg { display: block; width: 100%; max-width: 900px; height: auto; }"))
        XCTAssertTrue(html.contains("<div class=\"wide\"><table>"), "a wide table scrolls in its own box, not the page")
        let cpu = try chart("cpu-cores", report)
        XCTAssertTrue(html.contains("<figcaption>\(escape(cpu.caption))</figcaption></figure>"))
        XCTAssertFalse(html.contains("<p>" + escape(Report.captionLine(report.charts[0]))), "the caption is not repeated under the figure")
        XCTAssertTrue(markdown.contains("![\(cpu.title)](c/cpu-cores.svg)\n*\(cpu.caption)*"))
        XCTAssertTrue(cpu.render().contains("viewBox=\"0 0 720.0 360.0\""))
    }
}
