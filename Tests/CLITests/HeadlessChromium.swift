import Foundation
import XCTest

/// A page as Debian's chromium lays it out at 1280 × 1000 CSS pixels, headless: each
/// chart's rendered size and its drawn marks, and how wide the page is.
///
/// The report ships without scripts; the check works on a copy of the page with a small
/// script added at the end of its body. The script runs once the page is parsed, reads the
/// layout (which forces it), and writes what it measured as JSON into a `<pre>` that
/// `--dump-dom` prints.
struct HeadlessChromium {
    static let viewportWidth = 1280

    /// What the browser measured on one page.
    struct Layout: Decodable {
        struct Chart: Decodable {
            /// The enclosing figure's id (the chart's id in the report).
            var id: String
            var width: Double
            var height: Double
            var right: Double
            /// Marks of data (`class="mark"`) with a nonzero box inside the chart's own box.
            var drawnMarks: Int
            /// Texts (title, labels, legend) reaching past the chart's box, which clips them.
            var clippedTexts: [String]
        }
        var viewport: Double
        /// The page's full width: above the viewport it scrolls sideways.
        var scrollWidth: Double
        /// Every `<svg>` of the page, and those inside a figure.
        var svgs: Int
        var charts: [Chart]
    }

    let executable: String

    /// Debian's chromium, or nil when it is not installed.
    init?() {
        guard let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else { return nil }
        executable = found
    }

    /// The layout of the HTML file at `page`; the copy with the check and the browser's
    /// profile go to `scratch`.
    func layout(of page: URL, scratch: URL) throws -> Layout {
        let html = try String(contentsOf: page, encoding: .utf8)
        guard let end = html.range(of: "</body>", options: .backwards) else { throw Failure("\(page.path): no </body>") }
        let checked = scratch.appendingPathComponent("checked-\(page.lastPathComponent)")
        try (html[..<end.lowerBound] + "<script>\(Self.script)</script>" + html[end.lowerBound...])
            .write(to: checked, atomically: true, encoding: .utf8)
        let dom = try run(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                           "--user-data-dir=\(scratch.appendingPathComponent("chromium-profile").path)",
                           "--window-size=\(Self.viewportWidth),1000", "--dump-dom", checked.absoluteString])
        guard let open = dom.range(of: "<pre id=\"browser-check\">"),
              let close = dom.range(of: "</pre>", range: open.upperBound..<dom.endIndex) else {
            throw Failure("chromium printed no measurement for \(page.path): \(dom.prefix(300))")
        }
        let json = dom[open.upperBound..<close.lowerBound].replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Layout.self, from: Data(json.utf8))
    }

    /// Measures before it writes, so its own output changes nothing it measured.
    static let script = """
        (function () {
          function drawn(element, frame) {
            var box = element.getBoundingClientRect();
            return (box.width > 0 || box.height > 0) && box.right > frame.left && box.left < frame.right
              && box.bottom > frame.top && box.top < frame.bottom;
          }
          var charts = Array.prototype.map.call(document.querySelectorAll('figure svg'), function (svg) {
            var frame = svg.getBoundingClientRect();
            var marks = Array.prototype.filter.call(svg.querySelectorAll('.mark'), function (mark) { return drawn(mark, frame); });
            var clipped = Array.prototype.filter.call(svg.querySelectorAll('text'), function (text) {
              var box = text.getBoundingClientRect();
              return box.left < frame.left - 1 || box.right > frame.right + 1 || box.top < frame.top - 1 || box.bottom > frame.bottom + 1;
            }).map(function (text) { return text.textContent; });
            return { id: svg.closest('figure').id, width: frame.width, height: frame.height, right: frame.right, drawnMarks: marks.length,
                     clippedTexts: clipped };
          });
          var result = { viewport: window.innerWidth, svgs: document.querySelectorAll('svg').length, charts: charts,
                         scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) };
          var out = document.createElement('pre');
          out.id = 'browser-check';
          out.textContent = JSON.stringify(result);
          document.body.appendChild(out);
        })();
        """

    /// Runs chromium to completion (killed after two minutes) and returns its standard output.
    private func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 120)
        timer.setEventHandler { process.terminate() }
        timer.resume()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        guard process.terminationStatus == 0 else { throw Failure("chromium exited with status \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
