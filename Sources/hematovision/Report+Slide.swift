import Foundation
import HematoFiles
import HematoReview

/// What the slide journal adds to the report: the target, the flags.
struct SlideReport {
    var record: SlideRecord
    var path: String
}

extension Report {
    static func slideRecord(forLabels labelsPath: String) throws -> SlideReport {
        let path = SlideJournal.path(forLabels: labelsPath)
        do {
            let (entries, notes) = try SlideJournal.read(path: path)
            for note in notes { report("warning: \(DisplayName.escaped(path)): \(note)") }
            return SlideReport(record: SlideRecord(entries), path: path)
        } catch {
            throw CommandFailure(error.description)
        }
    }

    static func targetText(_ target: Int, cells: Int) -> String {
        "target: \(target) cells, \(cells) counted" + (cells >= target ? " (reached)" : " (\(target - cells) to go)")
    }

    static func slideLines(_ s: SlideReport, differential d: Differential) -> [String] {
        var lines: [String] = []
        if let target = s.record.target { lines.append(targetText(target, cells: d.cells)) }
        let flags = s.record.flagOrder
        if !flags.isEmpty {
            lines.append("")
            lines.append("flagged: \(flags.count) image(s)")
            for key in flags {
                let f = s.record.flags[key]!
                lines.append("  \(DisplayName.escaped(key))" + (f.note.isEmpty ? "" : ": \(DisplayName.escaped(f.note))")
                             + " (\(DisplayName.escaped(f.reviewer)), \(DisplayName.escaped(f.time)))")
            }
        }
        return lines
    }

    static func slideJSON(_ s: SlideReport, differential d: Differential) -> [String: Any] {
        [
            "target": s.record.target.map { ["cells": $0, "counted": d.cells, "reached": d.cells >= $0] as [String: Any] } ?? NSNull(),
            "slide_journal": s.path,
            "flags": s.record.flagOrder.map { key in
                let f = s.record.flags[key]!
                return ["image": key, "note": f.note, "reviewer": f.reviewer, "time": f.time] as [String: Any]
            },
        ]
    }
}
