import Foundation
import HematoFiles
import HematoReview

/// What the slide journal adds to the report: the target, the flags, the sign-off and the amendments.
struct SlideReport {
    var record: SlideRecord
    var path: String
    /// labels.csv's SHA-256 now, to compare with the one signed.
    var labelsSHA256: String?
    /// Decision journal entries now: those past the sign-off's count were made after it.
    var journalEntries: Int
}

extension Report {
    static func slideRecord(forLabels labelsPath: String, journalEntries: Int) throws -> SlideReport {
        let path = SlideJournal.path(forLabels: labelsPath)
        do {
            let (entries, notes) = try SlideJournal.read(path: path)
            for note in notes { report("warning: \(DisplayName.escaped(path)): \(note)") }
            let bytes = try? RegularFile.contentsIfPresent(labelsPath, followLinks: true)
            return SlideReport(record: SlideRecord(entries), path: path, labelsSHA256: bytes.map(SHA256.hex),
                               journalEntries: journalEntries)
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
        if let signed = s.record.signoff, let so = signed.signoff {
            lines.append("")
            lines.append("\(s.record.signedOffText!) (\(DisplayName.escaped(signed.time))): \(so.cells) cells, \(so.labelled) of \(so.images) images labelled"
                         + ", model \(DisplayName.escaped(so.model))" + (so.lab.map { ", lab \(DisplayName.escaped($0))" } ?? ""))
            lines.append("  labels.csv SHA-256 \(so.labelsSHA256)" + (so.labelsSHA256 == s.labelsSHA256 ? " (labels.csv is the file signed)" : " (labels.csv has changed since)"))
            let after = max(0, s.journalEntries - so.journalEntries)
            let changes = s.record.changes.filter { $0.time >= signed.time }.count
            if after > changes {
                lines.append("  warning: \(after - changes) decision(s) after the sign-off are not journaled as amendments (made without --amend, by an older version?)")
            }
        }
        let amendments = s.record.amendments
        if !amendments.isEmpty {
            lines.append("amendments: \(s.record.changes.count) change(s)")
            for e in amendments {
                switch e.kind {
                case .amend: lines.append("  \(DisplayName.escaped(e.time)) \(DisplayName.escaped(e.reviewer)) reopened the slide (--amend)")
                default:
                    lines.append("  \(DisplayName.escaped(e.time)) \(DisplayName.escaped(e.reviewer)): \(DisplayName.escaped(e.image ?? "?")) "
                                 + "\(labelText(e.before)) -> \(labelText(e.after))")
                }
            }
        }
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

    static func labelText(_ label: [String]?) -> String {
        (label ?? []).isEmpty ? "(no label)" : label!.map(DisplayName.escaped).joined(separator: ", ")
    }

    static func signoffJSON(_ s: SlideReport) -> Any {
        guard let signed = s.record.signoff, let so = signed.signoff else { return NSNull() }
        let a = so.agreement
        return [
            "reviewer": signed.reviewer, "time": signed.time, "labels_sha256": so.labelsSHA256,
            "labels_unchanged": so.labelsSHA256 == s.labelsSHA256, "counts": so.counts, "cells": so.cells,
            "labelled": so.labelled, "images": so.images, "target": so.target ?? NSNull(), "model": so.model, "lab": so.lab ?? NSNull(),
            "agreement": ["decisions": a.decisions, "accuracy": a.accuracy ?? NSNull(), "kappa": a.kappa ?? NSNull(),
                          "blind_decisions": a.blindDecisions, "blind_accuracy": a.blindAccuracy ?? NSNull()] as [String: Any],
            "journal_entries": so.journalEntries, "signoffs": s.record.signoffs.count,
        ] as [String: Any]
    }

    static func slideJSON(_ s: SlideReport, differential d: Differential) -> [String: Any] {
        [
            "signoff": signoffJSON(s),
            "amendments": s.record.amendments.map { e in
                var o: [String: Any] = ["kind": e.kind.rawValue, "time": e.time, "reviewer": e.reviewer]
                if let image = e.image { o["image"] = image }
                if let before = e.before { o["before"] = before }
                if let after = e.after { o["after"] = after }
                return o
            },
            "target": s.record.target.map { ["cells": $0, "counted": d.cells, "reached": d.cells >= $0] as [String: Any] } ?? NSNull(),
            "slide_journal": s.path,
            "flags": s.record.flagOrder.map { key in
                let f = s.record.flags[key]!
                return ["image": key, "note": f.note, "reviewer": f.reviewer, "time": f.time] as [String: Any]
            },
        ]
    }
}
