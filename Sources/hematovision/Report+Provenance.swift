import Foundation
import HematoFiles
import HematoReview

/// The report's account of who set the labels (a person, the model, or labels.csv with nothing
/// to say), and `--labels-out`: a labels.csv of what a person decided.
extension Report {
    static func provenanceLines(_ p: ProvenanceCounts) -> [String] {
        var lines = ["  \(p.reviewedByPerson) reviewed by a person, \(p.preLabelled) pre-labelled by the model (not reviewed), "
                     + "\(p.imported) from labels.csv (origin unknown)"]
        guard p.preLabelled + p.imported > 0 else { return lines }
        lines.append("")
        let d = p.personDifferential
        lines.append("differential of the \(p.reviewedByPerson) image(s) a person reviewed: \(d.cells) cell(s)"
                     + (d.cells > 0 ? "; 95% confidence intervals by the Wilson score method" : ""))
        lines += differentialRows(d)
        if p.preLabelled > 0 {
            let open = p.preLabelledDifferential.rows.filter { $0.count > 0 }
                .map { "\(DisplayName.escaped($0.name)) \($0.count)" }.joined(separator: ", ")
            lines.append("pre-labelled by the model and still open: \(p.preLabelled) image(s)" + (open.isEmpty ? "" : " (\(open))"))
        }
        return lines
    }

    static func differentialRows(_ d: Differential) -> [String] {
        guard d.cells > 0 else { return [] }
        let width = max(11, d.rows.map { DisplayName.escaped($0.name).count }.max() ?? 0)
        return d.rows.map { row in
            let ci = row.interval.map { "[\(percent($0.lower)) – \(percent($0.upper))]" } ?? ""
            return "  " + DisplayName.escaped(row.name).padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: " %5d  ", row.count) + rightAligned(percent(row.share), 6) + "  " + ci
        }
    }

    /// The keys `report --json` gains; `reviewed` keeps its meaning (images with a label, whoever set it).
    static func provenanceJSON(_ p: ProvenanceCounts) -> [String: Any] {
        [
            "reviewed_by_person": p.reviewedByPerson,
            "pre_labelled": p.preLabelled,
            "imported": p.imported,
            "differential_reviewed_by_person": p.personDifferential.counts,
            "differential_pre_labelled": p.preLabelledDifferential.counts,
        ]
    }

    /// `--labels-out FILE`: labels.csv as the journal says it is (decisions labels.csv may still
    /// lack included), every row or only those a person decided, in the dataset's format; a row
    /// nobody changed keeps its bytes. The file is new or replaced, never written through a link
    /// or into a FIFO or device, and never one the report reads.
    static func exportLabels(_ file: LabelsFile, journal: [JournalEntry], reviewedOnly: Bool, to path: String,
                             labelsPath: String, journalPath: String) throws -> String {
        let ours = [labelsPath, journalPath, PreLabelRecord.path(forLabels: labelsPath)]
        if ours.contains(path) || ours.contains(where: { SideFile.sameFile($0, path) }) {
            throw CommandFailure("--labels-out \(DisplayName.escaped(path)) is a file the report reads; give the export a name of its own")
        }
        var out = file.bringingUpToDate(with: journal)
        if reviewedOnly {
            let person = PersonDecisions(journal).images
            out = out.keepingRows { person.contains($0) }
        }
        do {
            try SideFile.replace(out.serialized(), at: path, modeOf: labelsPath)
        } catch {
            throw CommandFailure("cannot write \(DisplayName.escaped(error.path)): \(error.reason)")
        }
        return "wrote \(out.rows.count) row(s) to \(DisplayName.escaped(path))" + (reviewedOnly ? " (only those a person decided)" : "")
    }
}
