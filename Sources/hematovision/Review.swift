import ArgumentParser
import Foundation
import HematoAdapt
import HematoFiles
import HematoNet
import HematoReview
import HematoTerminal

extension GraphicsMode: ExpressibleByArgument {}

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review a folder of images, one key per decision (the default command).",
        discussion: """
            Each image is shown with the model's prediction. Enter accepts it; e, l, m, n, b set a \
            class (E, L, M, N, B add one for images with several cells); u undoes; ? lists every key. \
            Every decision is written to FOLDER/labels.csv (the dataset's format) and to a journal \
            beside it before the next image is shown, so quitting, a crash or a dropped SSH \
            connection loses nothing, and reopening the folder continues where you stopped (u then \
            undoes earlier sittings' decisions too). Home, End, PgUp, PgDn, g (go to a number) and / \
            (search names) move through a large folder; F filters by label. --blind hides the model's \
            answer on each image until you have decided it.
            """)

    @Argument(help: "The folder to review.")
    var folder: String

    @Option(name: [.short, .long], help: ArgumentHelp("Write labels here instead of FOLDER/labels.csv (for a read-only folder).", valueName: "labels.csv"))
    var output: String?

    @Option(help: ArgumentHelp("Colour theme: dark, light, high-contrast, monochrome, or a .theme file (default: `theme` in the config file, else dark).", valueName: "name|file"))
    var theme: String?

    @Option(help: "How to show pictures: auto, kitty, sixel, blocks or none (also HEMATOVISION_GRAPHICS, then `graphics` in the config file).")
    var graphics: GraphicsMode?

    @Option(help: "Your name in the journal (default: the login name).")
    var reviewer: String?

    @Flag(help: "Blind review: hide the model's answer on each image until you have decided it (then it is shown). The journal marks these decisions blind, and `report` gives their agreement apart.")
    var blind = false

    @Option(help: ArgumentHelp("Blind calls when a folder opens that the model was not measured on (default: `calibrate` in the config file, else \(Calibration.defaultCalls)); 0 turns calibration off.", valueName: "N"))
    var calibrate: Int?

    @Option(help: ArgumentHelp("The cells to count on this slide (100 or 200 as a rule): the sidebar counts toward it and says when it is reached (default: `target` in the config file, else none).", valueName: "N"))
    var target: Int?

    @Flag(help: "Reopen a signed-off slide for changes: each is journaled as an amendment, and `report` lists them (S signs it off again).")
    var amend = false

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var labOptions: LabOptions

    func validate() throws {
        if let calibrate, !(0...1000).contains(calibrate) { throw ValidationError("--calibrate must be from 0 (off) to 1000") }
        if let target, !(1...Config.maximumTarget).contains(target) {
            throw ValidationError("--target takes a number of cells from 1 to \(Config.maximumTarget)")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        // A missing folder or a file is said first: pointing to `classify` would not help with either.
        do { try ImageFolder.requireFolder(folder) } catch { throw CommandFailure(error.description) }
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw CommandFailure("review needs a terminal; for headless work use `hematovision classify \(DisplayName.escaped(folder))`")
        }
        let model = try modelOptions.load()
        // The folder and every folder under it, as classify walks them; names are relative to FOLDER.
        let listing: ImageFolder.Listing
        do { listing = try ImageFolder.scan(folder) } catch { throw CommandFailure(error.description) }
        let names = listing.images
        guard !names.isEmpty else {
            throw CommandFailure("no images (\(ImageFolder.imageExtensionsListed)) in or under \(DisplayName.escaped(folder))"
                                 + (listing.skipped.isEmpty ? "" : "; \(Self.skippedSummary(listing.skipped))"))
        }
        let (chosenTheme, warnings) = try Theme.load(theme ?? Config.user.theme, environment: environment)
        warnings.forEach { report("warning: \(DisplayName.escaped($0))") }  // they quote the theme file's text
        let requested = graphics ?? environment["HEMATOVISION_GRAPHICS"].flatMap(GraphicsMode.init(rawValue:)) ?? Config.user.graphics ?? .auto
        let who = reviewer ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"

        let store: ReviewStore
        do {
            store = try ReviewStore(labelsPath: output ?? folder + "/labels.csv", reviewer: who)
        } catch {
            throw CommandFailure("\(error)")
        }
        // Without --lab the adaptation comes from this folder's journal alone; with it, from
        // the lab's other folders too, and the lab is saved when the review ends.
        let labName = labOptions.name()
        let folderKey = URL(fileURLWithPath: folder).standardizedFileURL.resolvingSymlinksInPath().path
        var otherFolders: [Lab.Example] = []
        var loadedLab: Lab?
        if let labName {
            do {
                loadedLab = try Lab.load(name: labName, model: model.identity, labels: model.labels, dimensions: model.head.dimensions,
                                         environment: environment)
                otherFolders = loadedLab?.examples(excludingFolder: folderKey) ?? []
            } catch { throw CommandFailure(error.description) }
        }
        let stainReference: StainReference?
        do { stainReference = try StainSidecar.reference(for: model) } catch { throw CommandFailure(DisplayName.escaped(error.description)) }
        let learner = LabLearner(prior: model.head, shiftReference: model.shift, stainReference: stainReference, otherFolders: otherFolders)
        var session = ReviewSession(names: names, modelLabels: model.labels, existing: store.labels,
                                    decidedByPerson: store.decidedByPerson, preLabels: store.preLabels, resumeAfter: store.lastImage,
                                    blind: blind)
        let slidePath = SlideJournal.path(forLabels: store.labelsPath)
        let slideRead: (entries: [SlideEntry], notes: [String])
        do { slideRead = try SlideJournal.read(path: slidePath) } catch { throw CommandFailure(error.description) }
        let slideRecord = SlideRecord(slideRead.entries)
        // The option, else the config file, else the target this slide was last counted to.
        session.target = target ?? Config.user.target ?? slideRecord.target
        session.loadFlags(slideRecord.flags.mapValues(\.note))
        var signedNote: [String] = []
        if let signed = slideRecord.signoff {
            session.signedOff = .init(reviewer: signed.reviewer, time: signed.time)
            session.amending = amend
            signedNote = [amend ? "Amending the slide \(session.signedOff!.text): each change is journaled as an amendment; S signs it off again."
                                : "This slide is \(session.signedOff!.text): read-only; review --amend reopens it for changes."]
        } else if amend {
            throw CommandFailure("--amend: \(DisplayName.escaped(folder)) is not signed off; review it without --amend")
        }
        session.seedUndo(fromJournal: store.journalAtOpen)  // u reaches back into earlier sittings
        session.seedTrust(fromJournal: store.journalAtOpen)  // and the trust line counts their calls
        let labMeasured = loadedLab?.measured(excludingFolder: folderKey)
        if let labName, let m = labMeasured, m.calls > 0 {
            session.labTrust = .init(name: labName, carried: .init(agreed: m.agreed, calls: m.calls), shifts: m.shifts, stainPoints: m.stainPoints)
        }
        if session.signedOff == nil || amend {  // a signed-off slide is read-only: no calls to make on it
            Self.startCalibration(&session, calls: calibrate ?? Config.user.calibrate ?? Calibration.defaultCalls,
                                  labName: labName, labMeasured: labMeasured.map { $0.calls > 0 } ?? false)
        }
        // A torn journal line, replayed decisions, image names that are no image files.
        let notes = signedNote + store.notes + slideRead.notes + (listing.skipped.isEmpty ? [] : [Self.skippedSummary(listing.skipped) + "."])
            + Self.unknownClassesNote(store.labels, modelLabels: model.labels + Config.user.extraClasses.map(\.name))
        if !notes.isEmpty { session = session.reduce(.notify(notes.joined(separator: " "), unlessBusy: false)).0 }
        let app = ReviewApp(session: session, store: store,
                            options: .init(folder: folder, theme: chosenTheme,
                                           capabilities: .detect(requested: requested, environment: environment), reviewer: who,
                                           lab: labName, keymap: .review(extraClasses: Config.user.extraClasses)),
                            modelIdentity: model.identity, learner: learner,
                            slide: (SlideJournal(path: slidePath), slideRecord),
                            makeClassifier: { try EngineClassifying(model: model) })
        let (ending, final) = app.run()
        var failed = false
        do {
            try store.close()
            // Found by the last save, after the screen was gone.
            if let change = store.takeOutsideChange() { report(change.message) }
            report("\(final.endingCount); " +
                   (store.wroteLabels ? "saved in \(DisplayName.escaped(store.labelsPath))" : "nothing changed"))
        } catch {
            failed = true
            report("\(final.endingCount); \(DisplayName.escaped(store.labelsPath)) is not up to date " +
                   "(\(error.reason)). Every decision is in \(DisplayName.escaped(store.journalPath)) and reaches labels.csv when the folder is next opened.")
        }
        // The sitting's summary, now that the screen is torn down (the same counting as `report`).
        let summary = SessionSummary(entries: store.recorded, openedAt: store.openedAt, blind: blind).text
        if !summary.isEmpty { report(summary) }
        report(final.trust.sentence + (final.trust.openSentence.map { "; " + $0 } ?? ""))
        if let labName {
            var lab = app.learner.lab(named: labName, model: model.identity, labels: model.labels, folder: folderKey, session: final)
            lab.measurements = loadedLab?.measurements ?? [:]
            let here = final.trust.blindHere
            if here.calls > 0, let shift = final.trust.shiftScore {
                lab.measurements[folderKey] = Lab.Measurement(agreed: here.agreed, calls: here.calls, shift: shift,
                                                              stain: final.trust.stainScore, stainPoint: final.trust.stainPoint)
            }
            do {
                try lab.save(environment: environment, mode: FilePermissions.of(store.labelsPath))
                report("lab \(DisplayName.escaped(labName)): \(lab.examples.count) decisions from \(lab.folders.count) folder(s)")
            } catch {
                report("warning: \(error) (the decisions are safe in this folder's journal; reopening with --lab adds them again)")
            }
        }
        if case .signal(let number) = ending { throw ExitCode(128 + number) }
        if failed { throw ExitCode(1) }
    }

    /// A folder the model was not measured on starts with blind calls: no lab, a lab without
    /// measurements, or (decided once the folder's shift score is known, `ReviewSession.folderLooked`) a lab whose
    /// folders looked otherwise. A folder with blind calls of its own already is measured; a small
    /// one is only offered a calibration unless the shift check warns.
    static func startCalibration(_ session: inout ReviewSession, calls: Int, labName: String?, labMeasured: Bool) {
        session.calibrationSeed = UInt64.random(in: 0...UInt64.max)
        guard calls > 0, session.trust.blindHere.calls == 0 else { return }
        let small = session.names.count < Calibration.smallFolder
        let reason = labMeasured ? "" : labName.map { "Lab \(DisplayName.escaped($0)) has no blind calls yet." }
            ?? "The model has not been measured on this lab."
        session.startCalibration(count: calls, seed: session.calibrationSeed, reason: reason, offerOnly: small)
    }

    /// labels.csv classes neither the model nor the dataset has (a typo, another case, a lab's own
    /// class): said once on opening, since they are kept as written and counted apart.
    static func unknownClassesNote(_ labels: LabelsFile, modelLabels: [String]) -> [String] {
        let unknown = labels.categories(outside: Set(modelLabels + CellClass.allCases.map(\.rawValue)))
        guard !unknown.isEmpty else { return [] }
        let named = unknown.prefix(3).map { DisplayName.escaped($0) }.joined(separator: ", ")
            + (unknown.count > 3 ? " and \(unknown.count - 3) more" : "")
        return ["labels.csv has classes the model does not know: \(named) (kept as written, counted apart)."]
    }

    /// One line for the image-looking names the walk could not use: the first named, the rest counted.
    static func skippedSummary(_ skipped: [ImageFolder.Skipped]) -> String {
        let first = skipped[0]
        let more = skipped.count > 1 ? " and \(skipped.count - 1) more" : ""
        return "skipped \(DisplayName.escaped(bytes: first.path)) (\(first.reason))\(more)"
    }
}
