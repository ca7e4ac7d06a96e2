import Foundation
import HematoFiles
import HematoImage
import HematoReview

/// The report to file (`report --html`, `--markdown`): one document, written either as a
/// self-contained HTML page (pictures embedded as data: URIs) or as Markdown (the same text,
/// without pictures). Both are built from these blocks, so they cannot say different things.
struct ReportDocument {
    enum Block {
        case heading(String)
        case paragraph(String)
        /// `numeric`: columns to right-align.
        case table(header: [String], rows: [[String]], numeric: Set<Int>)
        /// Cells with a picture each (the image's path relative to the folder) and a caption.
        case figures([Figure], more: Int)
    }

    struct Figure {
        var image: String
        var caption: [String]
        var flagged: Bool
    }

    var title: String
    var blocks: [Block] = []

    /// The most thumbnails a class's gallery shows (the rest are counted).
    static let galleryLimit = 48
}

extension ReportDocument {
    /// Everything `report` knows about the folder, as blocks. `names` are the folder's images with
    /// their labels.csv keys; `labels` is labels.csv brought up to date with the journal.
    init(folder: String, names: [String], keys: [String], labels: LabelsFile, report r: ReviewReport, slide: SlideRecord,
         journal: [JournalEntry], provenance: ProvenanceCounts?, labelsPath: String, labelsSHA256: String?) {
        title = "Differential: \(DisplayName.escaped((folder as NSString).lastPathComponent))"
        let pathOf = Dictionary(zip(keys, names), uniquingKeysWith: { a, _ in a })
        let d = r.differential
        var facts: [[String]] = [["Folder", DisplayName.escaped(folder)],
                                 ["Labels", DisplayName.escaped(labelsPath) + (labelsSHA256.map { " (SHA-256 \($0))" } ?? "")]]
        facts.append(["Images", "\(r.reviewed) of \(r.total) labelled"
                      + (provenance.map { "; \($0.reviewedByPerson) reviewed by a person, \($0.preLabelled) pre-labelled by the model, \($0.imported) from labels.csv" } ?? "")])
        facts.append(["Reviewers", r.reviewers.isEmpty ? "none recorded"
                      : r.reviewers.map { "\(DisplayName.escaped($0.name)) (\($0.entries) entries, \(String($0.first.prefix(16))) to \(String($0.last.prefix(16))))" }.joined(separator: "; ")])
        let models = Array(Set(journal.map(\.model))).sorted()
        let signed = slide.signoff?.signoff
        facts.append(["Model", signed?.model ?? (models.isEmpty ? "not recorded" : models.map(DisplayName.escaped).joined(separator: "; "))])
        facts.append(["Lab", signed?.lab.map(DisplayName.escaped) ?? "none (the model as shipped, or adapted to this folder only)"])
        if let target = slide.target {
            facts.append(["Target", "\(target) cells; \(d.cells) counted" + (d.cells >= target ? " (reached)" : " (\(target - d.cells) to go)")])
        }
        if let s = slide.signoff {
            var text = "Signed off by \(DisplayName.escaped(s.reviewer)) on \(DisplayName.escaped(s.time))"
            if let so = s.signoff {
                text += so.labelsSHA256 == labelsSHA256 ? "; labels.csv is the file signed" : "; labels.csv has changed since (see amendments)"
            }
            facts.append(["Sign-off", text])
        } else {
            facts.append(["Sign-off", "not signed off"])
        }
        blocks.append(.table(header: [], rows: facts, numeric: []))

        blocks.append(.heading("Differential"))
        blocks.append(.paragraph("\(d.cells) cell(s)" + (d.multiLabelImages > 0 ? ", \(d.multiLabelImages) image(s) with several (each cell counted)" : "")
                                 + ". 95 % confidence intervals by the Wilson score method."))
        blocks.append(.table(header: ["Class", "Cells", "Percent", "95 % interval"],
                             rows: d.rows.map { row in
                                 [DisplayName.escaped(row.name), "\(row.count)", Self.percent(row.share),
                                  row.interval.map { "\(Self.percent($0.lower)) – \(Self.percent($0.upper))" } ?? "–"]
                             }, numeric: [1, 2]))

        blocks.append(.heading("Agreement with the model"))
        let a = r.agreement
        var agreement = "\(a.decisions) decision(s) by a person: \(a.accepted) accepted the model's class, \(a.corrected) corrected it"
        if let accuracy = a.matrix.accuracy { agreement += "; agreement \(Self.percent(accuracy)) over \(a.matrix.total) single-class decision(s)" }
        if let kappa = a.matrix.kappa { agreement += ", Cohen's kappa " + String(format: "%.3f", kappa) }
        blocks.append(.paragraph(agreement + "."))
        if let blind = r.agreementByMode[.blind], blind.decisions > 0 {
            blocks.append(.paragraph("Blind (the model's answer hidden until decided, the honest measure): \(blind.decisions) decision(s)"
                                     + (blind.matrix.accuracy.map { ", agreement \(Self.percent($0))" } ?? "") + "."))
        }

        blocks.append(.heading("Flagged cells"))
        if slide.flagOrder.isEmpty {
            blocks.append(.paragraph("None flagged."))
        } else {
            blocks.append(.figures(slide.flagOrder.compactMap { key in
                guard let f = slide.flags[key] else { return nil }
                let label = labels.categories(forImage: key).map { $0.isEmpty ? "(blank)" : $0.map(DisplayName.escaped).joined(separator: ", ") } ?? "no label"
                return Figure(image: pathOf[key] ?? key, caption: [Self.shownKey(key), label, f.note.isEmpty ? "flagged" : "Note: " + DisplayName.escaped(f.note)],
                              flagged: true)
            }, more: 0))
        }

        blocks.append(.heading("Cells by class"))
        for row in d.rows where row.count > 0 {
            let members = keys.filter { labels.categories(forImage: $0)?.contains(row.name) == true }
            blocks.append(.heading("\(DisplayName.escaped(row.name)): \(row.count)"))
            blocks.append(.figures(members.prefix(Self.galleryLimit).map { key in
                Figure(image: pathOf[key] ?? key, caption: [Self.shownKey(key)] + (slide.flags[key] != nil ? ["FLAGGED"] : []),
                       flagged: slide.flags[key] != nil)
            }, more: max(0, members.count - Self.galleryLimit)))
        }

        blocks.append(.heading("Amendments"))
        let changes = slide.amendments
        if changes.isEmpty {
            blocks.append(.paragraph(slide.signoff == nil ? "None (not signed off)." : "None since the sign-off."))
        } else {
            blocks.append(.table(header: ["Time", "Reviewer", "What"], rows: changes.map { e in
                let what: String
                switch e.kind {
                case .amend: what = "reopened for changes"
                default:
                    let show = { (l: [String]?) in (l ?? []).isEmpty ? "no label" : l!.map(DisplayName.escaped).joined(separator: ", ") }
                    what = "\(Self.shownKey(e.image ?? "?")): \(show(e.before)) → \(show(e.after))"
                }
                return [DisplayName.escaped(e.time), DisplayName.escaped(e.reviewer), what]
            }, numeric: []))
        }
        blocks.append(.paragraph("Written by hematovision report on \(ReviewStore.timestamp())."))
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f %%", 100 * x) }

    /// "Image 42" for a dataset number, else the path.
    static func shownKey(_ key: String) -> String {
        key.allSatisfy(\.isNumber) && !key.isEmpty ? "Image \(key)" : DisplayName.escaped(key)
    }
}

// MARK: Markdown

extension ReportDocument {
    var markdown: String {
        var out = ["# " + Self.md(title), ""]
        for block in blocks {
            switch block {
            case .heading(let h): out += ["## " + Self.md(h), ""]
            case .paragraph(let p): out += [Self.md(p), ""]
            case .table(let header, let rows, let numeric):
                let columns = max(header.count, rows.map(\.count).max() ?? 0)
                let head = header.isEmpty ? Array(repeating: "", count: columns) : header
                out.append("| " + head.map(Self.cell).joined(separator: " | ") + " |")
                out.append("|" + (0..<columns).map { numeric.contains($0) ? " ---: " : " --- " }.joined(separator: "|") + "|")
                for row in rows { out.append("| " + row.map(Self.cell).joined(separator: " | ") + " |") }
                out.append("")
            case .figures(let figures, let more):
                for f in figures { out.append("- " + f.caption.map(Self.md).joined(separator: " · ")) }
                if more > 0 { out.append("- and \(more) more") }
                out.append("")
            }
        }
        return out.joined(separator: "\n")
    }

    /// Text as Markdown shows it, not as markup: the characters Markdown acts on are escaped.
    static func md(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\`*_{}[]<>#|!".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    static func cell(_ text: String) -> String { md(text) }
}

// MARK: HTML

extension ReportDocument {
    /// The page: no script, no link to anything outside it; `picture` gives each figure's PNG bytes
    /// (nil: the image could not be read, said in its place).
    func html(picture: (String) -> Result<[UInt8], ImageError>) -> String {
        var body = ["<h1>\(Self.h(title))</h1>"]
        for block in blocks {
            switch block {
            case .heading(let text): body.append("<h2>\(Self.h(text))</h2>")
            case .paragraph(let text): body.append("<p>\(Self.h(text))</p>")
            case .table(let header, let rows, let numeric):
                var t = [header.isEmpty ? "<table class=\"facts\">" : "<table>"]
                if !header.isEmpty {
                    t.append("<thead><tr>" + header.enumerated().map { k, c in
                        "<th\(numeric.contains(k) ? " class=\"n\"" : "")>\(Self.h(c))</th>" }.joined() + "</tr></thead>")
                }
                t.append("<tbody>")
                for row in rows {
                    t.append("<tr>" + row.enumerated().map { k, c in
                        let tag = header.isEmpty && k == 0 ? "th" : "td"
                        return "<\(tag)\(numeric.contains(k) ? " class=\"n\"" : "")>\(Self.h(c))</\(tag)>" }.joined() + "</tr>")
                }
                t.append("</tbody></table>")
                body.append(t.joined(separator: "\n"))
            case .figures(let figures, let more):
                var g = ["<div class=\"cells\">"]
                for f in figures {
                    let img: String
                    switch picture(f.image) {
                    case .success(let png):
                        img = "<img alt=\"\(Self.h(f.caption.first ?? ""))\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\">"
                    case .failure(let error):
                        img = "<div class=\"unreadable\">cannot read the image: \(Self.h(error.description))</div>"
                    }
                    g.append("<figure\(f.flagged ? " class=\"flagged\"" : "")>\(img)<figcaption>"
                             + f.caption.map(Self.h).joined(separator: "<br>") + "</figcaption></figure>")
                }
                g.append("</div>")
                if more > 0 { g.append("<p>and \(more) more</p>") }
                body.append(g.joined(separator: "\n"))
            }
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
            <title>\(Self.h(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    /// Black on white, rules and words rather than colour (a flag is a thick border and the word
    /// FLAGGED), A4 with margins when printed, no figure split across pages.
    static let css = """
        @page { size: A4; margin: 15mm 15mm 18mm 15mm; }
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10.5pt; color: #000; background: #fff;
               max-width: 180mm; margin: 1em auto; line-height: 1.35; }
        h1 { font-size: 16pt; margin: 0 0 0.5em; border-bottom: 2px solid #000; }
        h2 { font-size: 12.5pt; margin: 1.2em 0 0.4em; break-after: avoid; }
        table { border-collapse: collapse; margin: 0.3em 0 0.8em; }
        th, td { border: 1px solid #000; padding: 2px 6px; text-align: left; vertical-align: top; }
        thead th { border-bottom: 2px solid #000; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        table.facts th { width: 22mm; }
        table.facts td { overflow-wrap: anywhere; }
        .cells { display: flex; flex-wrap: wrap; gap: 3mm; }
        figure { margin: 0; width: 34mm; border: 1px solid #000; padding: 1mm; break-inside: avoid; }
        figure.flagged { border: 3px double #000; }
        figure img { width: 100%; height: auto; display: block; }
        figcaption { font-size: 8pt; overflow-wrap: anywhere; }
        .unreadable { font-size: 8pt; border: 1px dashed #000; padding: 2mm; }
        @media print { body { margin: 0; max-width: none; } }
        """

    /// Text as HTML shows it (every markup character escaped).
    static func h(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
