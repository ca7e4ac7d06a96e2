import Foundation
import XCTest
import HematoImage
import HematoReview

/// `report --html` as a person sees it: rendered by headless Chromium (Debian's `chromium`) to a
/// PNG and an A4 PDF, the PDF read back as text (poppler's pdftotext).
enum ReportRendering {
    struct Rendered {
        var screenshot: RGBImage
        var pdfText: String
        /// The first page's MediaBox, in points.
        var pageSize: (width: Double, height: Double)?
    }

    static func skipUnlessInstalled() throws {
        for tool in ["chromium", "pdftotext"] where try Harness.run(["sh", "-c", "command -v \(tool)"]).status != 0 {
            throw XCTSkip("\(tool) is not installed (.ci/install-deps installs it)")
        }
    }

    /// Chromium's output goes to a file, not a pipe: its helper processes would keep a pipe open.
    static func render(_ html: String, width: Int = 1000, height: Int = 2600) throws -> Rendered {
        let png = html + ".png", pdf = html + ".pdf", log = html + ".log"
        let common = "timeout 180 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run"
        let url = URL(fileURLWithPath: html).absoluteString
        for command in ["\(common) --window-size=\(width),\(height) --screenshot='\(png)' '\(url)'",
                        "\(common) --no-pdf-header-footer --print-to-pdf='\(pdf)' '\(url)'"] {
            let r = Harness.shell(["sh", "-c", command + " >'\(log)' 2>&1; echo $?"])
            XCTAssertEqual(r.output.trimmingCharacters(in: .whitespacesAndNewlines), "0", command)
        }
        let shot = try ImageDecoding.load(png)
        let text = Harness.shell(["pdftotext", "-layout", pdf, "-"]).output
        let bytes = String(decoding: try Data(contentsOf: URL(fileURLWithPath: pdf)), as: UTF8.self)
        var size: (Double, Double)?
        if let range = bytes.range(of: #"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]"#, options: .regularExpression) {
            let numbers = bytes[range].split { " []".contains($0) }.compactMap { Double($0) }
            if numbers.count == 4 { size = (numbers[2], numbers[3]) }
        }
        return Rendered(screenshot: shot, pdfText: text, pageSize: size)
    }

    /// Pixels of clear colour (a stained cell), which the page's own black-on-white text and rules never have.
    static func colourfulPixels(_ image: RGBImage) -> Int {
        var n = 0
        for k in stride(from: 0, to: image.pixels.count, by: 3) {
            let r = image.pixels[k], g = image.pixels[k + 1], b = image.pixels[k + 2]
            if Int(max(r, g, b)) - Int(min(r, g, b)) > 30 { n += 1 }
        }
        return n
    }

    /// The differential's rows as the PDF's text shows them: "CLASS  count  percent".
    static func assertDifferential(_ text: String, _ rows: [(String, Int, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (name, count, percent) in rows {
            let pattern = name + #"\s+"# + String(count) + #"\s+"# + NSRegularExpression.escapedPattern(for: percent)
            XCTAssertNotNil(text.range(of: pattern, options: .regularExpression), "\(name) \(count) \(percent) not in:\n\(text)", file: file, line: line)
        }
    }
}

final class ReportRenderingEndToEndTests: SampleFolderTestCase {
    func testTheHTMLReportRendersWithItsNumbersPicturesAndAnA4Page() throws {
        try ReportRendering.skipUnlessInstalled()
        // 16 images: 10 NEUTROPHIL, 4 LYMPHOCYTE, 2 EOSINOPHIL; one flagged, signed off.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".jpg") }.sorted()
        XCTAssertEqual(names.count, 16)
        var csv = ",Image,Category\r\n"
        for (k, name) in names.enumerated() {
            let number = Int(name.dropFirst("BloodImage_".count).prefix(5))!
            csv += ",\(number),\(k < 10 ? "NEUTROPHIL" : k < 14 ? "LYMPHOCYTE" : "EOSINOPHIL")\r\n"
        }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        let slide = SlideJournal(path: folder + "/labels.slide.jsonl")
        try slide.append(SlideEntry(kind: .target, time: "2026-12-07T10:00:00.000Z", reviewer: "ann", target: 16))
        try slide.append(SlideEntry(kind: .flag, time: "2026-12-07T10:01:00.000Z", reviewer: "ann", image: "13", note: "<b>smudge</b> & torn"))

        let out = folder + "/report.html", md = folder + "/report.md"
        let r = try Harness.run([Harness.binary, "report", folder, "--html", out, "--markdown", md])
        XCTAssertEqual(r.status, 0, r.error)
        let html = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out)), as: UTF8.self)
        XCTAssertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"), "self-contained, no script")
        XCTAssertTrue(html.contains("&lt;b&gt;smudge&lt;/b&gt; &amp; torn"), "the note is text, not markup")
        XCTAssertEqual(html.components(separatedBy: "src=\"data:image/png;base64,").count - 1, 17, "16 cells by class and 1 flagged")
        let markdown = String(decoding: try Data(contentsOf: URL(fileURLWithPath: md)), as: UTF8.self)
        XCTAssertTrue(markdown.contains("| NEUTROPHIL | 10 | 62.5 % |"), markdown)
        XCTAssertFalse(markdown.contains("data:image"), "no pictures in the Markdown")

        let rendered = try ReportRendering.render(out)
        ReportRendering.assertDifferential(rendered.pdfText, [("NEUTROPHIL", 10, "62.5 %"), ("LYMPHOCYTE", 4, "25.0 %"),
                                                              ("EOSINOPHIL", 2, "12.5 %"), ("MONOCYTE", 0, "0.0 %")])
        XCTAssertTrue(rendered.pdfText.contains("16 cells; 16 counted (reached)"), rendered.pdfText)
        XCTAssertTrue(rendered.pdfText.contains("<b>smudge</b>"), rendered.pdfText)
        let size = try XCTUnwrap(rendered.pageSize)
        XCTAssertEqual(size.width, 595.3, accuracy: 2, "A4 is 210 mm = 595.3 pt wide")
        XCTAssertEqual(size.height, 841.9, accuracy: 2, "and 297 mm = 841.9 pt high")
        // The thumbnails decoded: stained cells are colour, the page itself is black on white.
        XCTAssertGreaterThan(ReportRendering.colourfulPixels(rendered.screenshot), 20_000)
        if ProcessInfo.processInfo.environment["HV_KEEP_SCREENSHOT"] == "1" {
            let kept = Harness.root.path + "/Tests/Screenshots/report-html-chromium.png"
            try? FileManager.default.removeItem(atPath: kept)
            try FileManager.default.copyItem(atPath: out + ".png", toPath: kept)
        }
    }

    /// The report's files are new files of our own: never through a link, never into a FIFO, never over what it reads.
    func testTheReportFilesRefuseLinksFIFOsAndWhatTheReportReads() throws {
        try Data(",Image,Category\r\n,1,NEUTROPHIL\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/labels.csv"))
        try Data("victim".utf8).write(to: URL(fileURLWithPath: folder + "/victim"))
        XCTAssertEqual(symlink("victim", folder + "/link.html"), 0)
        XCTAssertEqual(mkfifo(folder + "/fifo.md", 0o600), 0)
        for (option, target, words) in [("--html", "link.html", "symbolic link"), ("--markdown", "fifo.md", "named pipe"),
                                        ("--html", "labels.csv", "a file the report reads"),
                                        ("--markdown", "BloodImage_00001.jpg", "a file the report reads")] {
            let r = try Harness.run([Harness.binary, "report", folder, option, folder + "/" + target])
            XCTAssertEqual(r.status, 1, target)
            XCTAssertTrue(r.error.contains(words), r.error)
        }
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/victim")), as: UTF8.self), "victim")
    }
}
