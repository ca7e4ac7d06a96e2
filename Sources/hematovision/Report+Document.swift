import Foundation
import HematoFiles
import HematoImage
import HematoReview

/// `report --html FILE` and `--markdown FILE`: the report to file (ReportDocument.swift).
extension Report {
    /// The longer side of a thumbnail in the HTML page, in pixels.
    static let thumbnailSide = 192

    static func writeDocuments(html: String?, markdown: String?, folder: String, names: [String], keys: [String], file: LabelsFile,
                               result: ReviewReport, slide: SlideReport, journal: [JournalEntry], provenance: ProvenanceCounts,
                               labelsPath: String, journalPath: String) throws -> [String] {
        let labels = file.bringingUpToDate(with: journal)
        let document = ReportDocument(folder: folder, names: names, keys: keys, labels: labels, report: result, slide: slide.record,
                                      journal: journal, provenance: provenance, labelsPath: labelsPath, labelsSHA256: slide.labelsSHA256)
        var said: [String] = []
        let ours = [labelsPath, journalPath, slide.path, PreLabelRecord.path(forLabels: labelsPath)]
        for (option, path, text) in [("--markdown", markdown, { document.markdown }), ("--html", html, {
            document.html { relative in
                Result { () throws(ImageError) -> [UInt8] in
                    let image = try ImageDecoding.load(folder + "/" + relative, covering: (thumbnailSide, thumbnailSide))
                    guard let png = PNGEncoding.thumbnail(image, side: thumbnailSide) else {
                        throw ImageError.corrupt(path: relative, reason: "libpng could not write its thumbnail")
                    }
                    return png
                }
            }
        })] {
            guard let path else { continue }
            if ours.contains(path) || ours.contains(where: { SideFile.sameFile($0, path) }) || names.contains(where: { SideFile.sameFile(folder + "/" + $0, path) }) {
                throw CommandFailure("\(option) \(DisplayName.escaped(path)) is a file the report reads; give the report a name of its own")
            }
            do {
                try SideFile.replace(Array(text().utf8), at: path, modeOf: labelsPath)
            } catch {
                throw CommandFailure("cannot write \(DisplayName.escaped(error.path)): \(error.reason)")
            }
            said.append("wrote \(DisplayName.escaped(path))")
        }
        return said
    }
}
