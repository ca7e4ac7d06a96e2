import ArgumentParser
import Foundation
import HematoFiles
import HematoNet
import HematoReview

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Summarise a reviewed folder: the differential, agreement with the model, who reviewed when.",
        discussion: """
            Reads FOLDER/labels.csv (or --labels FILE) and the review journal beside it \
            (labels.journal.jsonl) and prints:
              - the differential: cells per class of the reviewed labels with their percentages and \
            95 % confidence intervals by the Wilson score method. An image labelled \
            "NEUTROPHIL, LYMPHOCYTE" holds two cells and counts once in each class, so the \
            percentages are of cells, not of images;
              - how many of the folder's images have a label, and who set it: reviewed by a \
            person (the journal), pre-labelled by the model (classify or merge wrote it, and \
            the row is still as written: FILE.prelabels.json), or from labels.csv with nothing \
            to say who chose it; then the differential of the person-reviewed cells alone, and \
            the pre-labelled images still open;
              - the reviewer against the model, from the journal: each image's last decision \
            against the model's top class when it was made (a later refit does not rewrite it). \
            The confusion matrix (rows: reviewer, columns: model) and Cohen's kappa use the \
            single-class decisions; "accepted" is a label equal to the model's top class, \
            "corrected" any other;
              - each reviewer with their first and last journal entry.
            Nothing is written; the folder may be under review meanwhile.

            --json prints one object with the keys total, reviewed, differential (class → \
            count), agreement (accuracy, kappa, confusion, labels, accepted, corrected, ...), \
            differential_detail (percent and ci95 per class), reviewers and actions, and \
            agreement_by_mode: blind and open, each with accuracy, kappa, n (single-class \
            decisions), decisions, accepted and corrected. Only blind decisions (review --blind, \
            made before the model's answer was shown) measure the model honestly. `reviewed` is \
            every image with a label, whoever set it; reviewed_by_person, pre_labelled and \
            imported split it, and differential_reviewed_by_person counts the cells a person decided.

            --labels-out FILE also writes the labels as a labels.csv (with --reviewed-only, only \
            the rows a person decided), in the dataset's format, rows nobody changed byte for byte.
            """)

    @Argument(help: "The reviewed folder.")
    var folder: String

    @Option(help: ArgumentHelp("The label file to read (default: FOLDER/labels.csv); its journal is the one beside it.", valueName: "labels.csv"))
    var labels: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Option(help: ArgumentHelp(
        "Also write the labels as a labels.csv in the dataset's format (rows nobody changed byte for byte), with the journal's "
        + "decisions that labels.csv may still lack. Never written through a link or into a FIFO or device.",
        valueName: "file.csv"))
    var labelsOut: String?

    @Option(help: ArgumentHelp(
        "Also write the report to file as one self-contained HTML page: the differential with intervals, the target, the "
        + "sign-off and amendments, flagged cells and each class's cells as embedded thumbnails; no script, nothing fetched; "
        + "prints on A4. Never written through a link or into a FIFO or device.", valueName: "file.html"))
    var html: String?

    @Option(help: ArgumentHelp("Also write the same report as Markdown (the text, without pictures).", valueName: "file.md"))
    var markdown: String?

    @Flag(help: "With --labels-out: only the rows a person decided in a review (not the model's labels, not those labels.csv came with).")
    var reviewedOnly = false

    func validate() throws {
        if reviewedOnly && labelsOut == nil { throw ValidationError("--reviewed-only goes with --labels-out FILE") }
        if labelsOut == "-" || labelsOut?.isEmpty == true { throw ValidationError("--labels-out needs a file name") }
        if html == "-" || html?.isEmpty == true { throw ValidationError("--html needs a file name") }
        if markdown == "-" || markdown?.isEmpty == true { throw ValidationError("--markdown needs a file name") }
    }

    @Flag(name: .customLong("no-estimate"), help: "Leave out the estimate for the whole folder (it classifies the images nobody reviewed).")
    var noEstimate = false

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var labOptions: LabOptions

    func run() throws {
        let names: [String]
        do { names = try ImageFolder.scan(folder).images } catch { throw CommandFailure(error.description) }
        let labelsPath = labels ?? folder + "/labels.csv"
        var file: LabelsFile
        let exists: Bool
        do {
            if let bytes = try RegularFile.contentsIfPresent(labelsPath, followLinks: true) {
                file = try LabelsFile(bytes: bytes, name: labelsPath)
                exists = true
            } else if labels != nil {
                throw CommandFailure("no label file at \(DisplayName.escaped(labelsPath))")
            } else {
                file = LabelsFile()  // a folder nobody has reviewed yet
                exists = false
            }
        } catch let e as FileError {
            throw CommandFailure("cannot read \(DisplayName.escaped(labelsPath)): \(e.reason)")
        } catch let e as LabelsFileError {
            throw CommandFailure("\(e) (not the dataset's labels.csv format)")
        }
        let journalPath = ReviewStore.journalPath(forLabels: labelsPath)
        let contents: Journal.Contents
        do { contents = try Journal.contents(path: journalPath) } catch { throw CommandFailure(error.description) }
        for note in contents.notes { report("warning: \(DisplayName.escaped(journalPath)): \(note)") }
        if let note = file.duplicatesNote(name: labelsPath) { report("warning: \(note)") }
        // Decisions the journal has and labels.csv lacks (a save cut short by a full disk or a kill) are
        // counted as review will put them in when it next opens the folder; nothing is written here.
        let reconciled = JournalHistory(contents.entries).reconcile(file, exists: exists)
        if !reconciled.missing.isEmpty {
            report("warning: \(reconciled.missing.count) decision(s) in \(DisplayName.escaped(journalPath)) are not yet in " +
                   "\(DisplayName.escaped(labelsPath)) (a save that did not finish); they are counted here, and review writes them " +
                   "when it next opens the folder")
            file = reconciled.labels
        }
        // The images and their Image-column keys exactly as review saw them: subfolders included, and the
        // label file's own rows deciding between a dataset number and a path.
        let keys = LabelsFile.imageKeys(forRelativePaths: names, existing: file)
        let result = ReviewReport(imageKeys: keys, labels: file, journal: contents.entries)
        let (record, recordNote) = PreLabelRecord.load(forLabels: labelsPath)
        if let recordNote { report("warning: \(recordNote)") }
        let provenance = ProvenanceCounts(imageKeys: keys, labels: file, journal: contents.entries,
                                          preLabels: record.map(PreLabels.init) ?? PreLabels())
        if let labelsOut {
            report(try Self.exportLabels(file, journal: contents.entries, reviewedOnly: reviewedOnly, to: labelsOut,
                                         labelsPath: labelsPath, journalPath: journalPath))
        }
        let slide = try Self.slideRecord(forLabels: labelsPath, journalEntries: contents.entries.count)  // target, flags, sign-off (Report+Slide.swift)
        if html != nil || markdown != nil {
            for line in try Self.writeDocuments(html: html, markdown: markdown, folder: folder, names: names, keys: keys, file: file,
                                                result: result, slide: slide, journal: contents.entries, provenance: provenance,
                                                labelsPath: labelsPath, journalPath: journalPath) { report(line) }
        }
        let estimate = noEstimate ? nil : try estimate(result, names: names, keys: keys, labels: file,
                                                       preLabels: record.map(PreLabels.init) ?? PreLabels(),
                                                       decidedByPerson: PersonDecisions(contents.entries).images)
        print(json ? Self.json(result, labelsPath: labelsPath, journalPath: journalPath, provenance: provenance, estimate: estimate, slide: slide)
                   : Self.text(result, labelsPath: labelsPath, provenance: provenance, slide: slide) + Self.text(estimate: estimate))
    }

    /// The whole folder's differential, estimated (FolderEstimate): the reviewed labels, and the
    /// model's answers (the lab's, with --lab) on the other images corrected by the blind calls.
    /// A label the model wrote (classify, merge) and no person has decided since is the model's answer, not a
    /// reviewed label: it is estimated like an unlabelled image.
    func estimate(_ r: ReviewReport, names: [String], keys: [String], labels: LabelsFile,
                  preLabels: PreLabels, decidedByPerson: Set<String>) throws -> FolderEstimate {
        let model = try modelOptions.load()
        let lab = labOptions.name() == nil ? nil : try labOptions.load(model: model)
        var reviewed: [[String]] = [], open: [String] = []
        for (name, key) in zip(names, keys) {
            if let c = labels.categories(forImage: key), decidedByPerson.contains(key) || !preLabels.wrote(c, forImage: key) {
                reviewed.append(c)
            } else {
                open.append(folder + "/" + name)
            }
        }
        var answers: [String] = []
        if !open.isEmpty {
            let outcomes: [BatchClassifier.Outcome]
            do {
                outcomes = try BatchClassifier(model: model, workers: Config.user.workerThreads(option: nil), head: lab?.head).run(open)
            } catch { throw CommandFailure("\(error)") }
            for case .classified(let p, _, _, _) in outcomes {
                if let top = p.indices.max(by: { p[$0] < p[$1] }) { answers.append(model.labels[top]) }
            }
        }
        let m = r.agreementByMode[.blind]!.matrix
        var calls: [(label: String, model: String)] = []
        for (row, label) in m.labels.enumerated() {
            for (column, answer) in m.labels.enumerated() { calls += Array(repeating: (label, answer), count: m.counts[row][column]) }
        }
        return FolderEstimate(reviewed: reviewed.filter { !$0.isEmpty }, unreviewed: answers, calls: calls, classes: model.labels)
    }

    static func text(estimate e: FolderEstimate?) -> String {
        guard let e else { return "" }
        var lines = ["", "ESTIMATE for the whole folder (not a count): \(e.reviewedImages) reviewed image(s) as labelled, "
                     + "\(e.estimatedImages) by the model's answer corrected by \(e.calls) blind call(s); approximate 95% intervals"
                     + (e.untested > 0 ? "; \(e.untested) image(s) of classes no blind call tested widen them to every class" : "")]
        for row in e.rows where row.cells > 0 {
            lines.append("  " + DisplayName.escaped(row.name).padding(toLength: 11, withPad: " ", startingAt: 0)
                         + String(format: " %7.1f  ", row.cells) + rightAligned(percent(row.share), 6)
                         + "  [\(percent(row.lower)) – \(percent(row.upper))]")
        }
        return lines.joined(separator: "\n")
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }

    static func rightAligned(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

    static func text(_ r: ReviewReport, labelsPath: String, provenance: ProvenanceCounts? = nil, slide: SlideReport? = nil) -> String {
        // Every label a person's: reviewed. Otherwise labelled, and by whom (Report+Provenance.swift).
        let mixed = provenance.map { $0.preLabelled + $0.imported > 0 } ?? false
        var lines = ["\(r.reviewed) of \(r.total) images \(mixed ? "labelled" : "reviewed") (\(DisplayName.escaped(labelsPath)))" + (mixed ? ":" : "")]
        if let provenance, mixed { lines += Self.provenanceLines(provenance).prefix(1) }
        if r.labelsWithoutImage > 0 { lines.append("(\(r.labelsWithoutImage) labelled image(s) not in the folder are left out)") }
        let d = r.differential
        lines.append("")
        lines.append("differential of \(mixed ? "all labels" : "the reviewed images only") (\(r.reviewed) of \(r.total) images): \(d.cells) cell(s)" + (d.multiLabelImages > 0 ? ", \(d.multiLabelImages) image(s) with several (each cell counted)" : "")
                     + "; 95% confidence intervals by the Wilson score method")
        let width = max(11, d.rows.map { DisplayName.escaped($0.name).count }.max() ?? 0)
        for row in d.rows {
            let ci = row.interval.map { "[\(percent($0.lower)) – \(percent($0.upper))]" } ?? ""
            lines.append("  " + DisplayName.escaped(row.name).padding(toLength: width, withPad: " ", startingAt: 0)
                         + String(format: " %5d  ", row.count) + rightAligned(percent(row.share), 6) + "  " + ci)
        }
        if let slide { lines += Self.slideLines(slide, differential: d) }
        if let provenance, mixed { lines += Self.provenanceLines(provenance).dropFirst() }
        let a = r.agreement
        lines.append("")
        lines.append("reviewer against the model (each image's last decision against the model's top class then):")
        var counts = "  \(a.decisions) decision(s): accepted \(a.accepted), corrected \(a.corrected)"
        if a.withoutPrediction > 0 { counts += ", \(a.withoutPrediction) made before a prediction" }
        if a.multiLabel > 0 { counts += "; \(a.multiLabel) with several classes left out of the matrix" }
        lines.append(counts)
        if a.matrix.total > 0 {
            lines.append("  accuracy " + (a.matrix.accuracy.map { String(format: "%.3f", $0) } ?? "n/a")
                         + "   Cohen's kappa " + (a.matrix.kappa.map { String(format: "%.3f", $0) } ?? "n/a (one class only)")
                         + "   over \(a.matrix.total) single-class decision(s)")
            lines.append("  confusion (rows: reviewer, columns: model):")
            let names = a.matrix.labels.map(DisplayName.escaped)
            let w = max(11, names.map(\.count).max() ?? 0)
            lines.append("    " + String(repeating: " ", count: w) + names.map { " " + String($0.prefix(5)).padding(toLength: 5, withPad: " ", startingAt: 0) }.joined())
            for (name, row) in zip(names, a.matrix.counts) {
                lines.append("    " + name.padding(toLength: w, withPad: " ", startingAt: 0) + row.map { String(format: " %5d", $0) }.joined())
            }
        }
        for mode in JournalEntry.Mode.allCases.reversed() {
            guard let m = r.agreementByMode[mode], m.decisions > 0 else { continue }
            lines.append("  \(mode.rawValue): \(m.decisions) decision(s), accuracy " + (m.matrix.accuracy.map { String(format: "%.3f", $0) } ?? "n/a")
                         + ", kappa " + (m.matrix.kappa.map { String(format: "%.3f", $0) } ?? "n/a") + " over \(m.matrix.total)"
                         + (mode == .blind ? " (made before the model's answer was shown: the honest measure)" : " (the prediction was showing)"))
        }
        let blind = r.agreementByMode[.blind]!.matrix, open = r.agreementByMode[.open]!.matrix
        lines.append("  " + ReviewSession.Trust.sentence(.init(agreed: blind.agreed, calls: blind.total))
                     + (open.total > 0 ? "; open calls: \(open.agreed) of \(open.total) agree (the answer was showing)" : ""))
        lines.append("")
        if r.reviewers.isEmpty {
            lines.append("no journal: no decisions recorded by review")
        } else {
            lines.append("reviewers:")
            for p in r.reviewers {
                lines.append("  \(DisplayName.escaped(p.name)): \(p.entries) journal entr\(p.entries == 1 ? "y" : "ies"), \(DisplayName.escaped(p.first)) to \(DisplayName.escaped(p.last))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The trust line's figures: the blind calls (single-class decisions made with the answer
    /// hidden, each image by its last) with their Wilson interval, and the open calls apart.
    static func trustJSON(_ r: ReviewReport) -> [String: Any] {
        func tally(_ m: AgreementMatrix) -> [String: Any] {
            let t = ReviewSession.Trust.Tally(agreed: m.agreed, calls: m.total)
            return ["agreed": t.agreed, "calls": t.calls, "agreement": t.agreement ?? NSNull(),
                    "ci95": t.interval.map { [$0.lower, $0.upper] as Any } ?? NSNull()]
        }
        return ["blind": tally(r.agreementByMode[.blind]!.matrix), "open": tally(r.agreementByMode[.open]!.matrix),
                "interval": "wilson-score-95"]
    }

    static func json(_ r: ReviewReport, labelsPath: String, journalPath: String, provenance: ProvenanceCounts? = nil,
                     estimate: FolderEstimate? = nil, slide: SlideReport? = nil) -> String {
        let d = r.differential, a = r.agreement
        var detail: [String: Any] = [:]
        for row in d.rows {
            detail[row.name] = ["count": row.count, "percent": 100 * row.share,
                                "ci95": row.interval.map { [100 * $0.lower, 100 * $0.upper] as Any } ?? NSNull()] as [String: Any]
        }
        var object: [String: Any] = [
            "total": r.total,
            "reviewed": r.reviewed,
            "differential": d.counts,
            "differential_detail": ["cells": d.cells, "multi_label_images": d.multiLabelImages, "interval": "wilson-score-95",
                                    "classes": detail] as [String: Any],
            "agreement": [
                "accuracy": a.matrix.accuracy ?? NSNull(), "kappa": a.matrix.kappa ?? NSNull(),
                "confusion": a.matrix.counts, "labels": a.matrix.labels, "rows": "reviewer", "columns": "model",
                "decisions": a.decisions, "accepted": a.accepted, "corrected": a.corrected,
                "multi_label": a.multiLabel, "without_prediction": a.withoutPrediction,
            ] as [String: Any],
            "agreement_by_mode": Dictionary(uniqueKeysWithValues: JournalEntry.Mode.allCases.map { mode in
                let m = r.agreementByMode[mode]!
                return (mode.rawValue, ["accuracy": m.matrix.accuracy ?? NSNull(), "kappa": m.matrix.kappa ?? NSNull(), "n": m.matrix.total,
                                        "decisions": m.decisions, "accepted": m.accepted, "corrected": m.corrected] as [String: Any])
            }),
            "trust": Self.trustJSON(r),
            "estimate": estimate.map { e -> Any in
                ["kind": "estimate", "cells": e.cells, "reviewed_images": e.reviewedImages, "estimated_images": e.estimatedImages,
                 "blind_calls": e.calls, "untested_images": e.untested, "interval": "normal-approximation-95",
                 "classes": Dictionary(uniqueKeysWithValues: e.rows.map { ($0.name, ["cells": $0.cells, "percent": 100 * $0.share,
                                                                                        "ci95": [100 * $0.lower, 100 * $0.upper]] as [String: Any]) })] as [String: Any]
            } ?? NSNull(),
            "reviewers": r.reviewers.map { ["name": $0.name, "entries": $0.entries, "first": $0.first, "last": $0.last] as [String: Any] },
            "first_decision": r.firstDecision ?? NSNull(),
            "last_decision": r.lastDecision ?? NSNull(),
            "actions": r.actions,
            "labels_without_image": r.labelsWithoutImage,
            "labels_file": labelsPath,
            "journal": journalPath,
        ]
        if let provenance { object.merge(Self.provenanceJSON(provenance)) { old, _ in old } }
        if let slide { object.merge(Self.slideJSON(slide, differential: d)) { old, _ in old } }
        return (try? JSONOutput.text(object)) ?? "{}"
    }
}
