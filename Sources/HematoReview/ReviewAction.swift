import HematoAdapt
/// Everything a reviewer (or the background classifier) can do to a session.
public enum ReviewAction: Equatable, Sendable {
    case accept                  // confirm the image's label, or take the model's prediction if it has none; move on
    case set(String)             // label with this class and move on
    case add(String)             // add a class to the label (several cells), stay
    case removeLabel             // drop the last class of several, or blank a single one; stay
    case undo                    // put back the label before the last decision, go there
    case skip                    // move on without deciding
    case previous
    case next
    case nextUnreviewed
    case toggleOrder             // by name ↔ least confident first
    case cycleFilter             // all → each predicted class → all
    case toggleHelp
    case turnHelpPage(Int)       // while the help shows: a page on (1) or back (-1); the screen knows how many
    case cancel                  // Esc: close the help, clear the filter; never quits
    case suspend                 // Ctrl-Z: the terminal side stops the process; the session is unchanged
    case quit
    /// A word for the reviewer on the message line; `unlessBusy` keeps a message already showing.
    case notify(String, unlessBusy: Bool)
    case opinion(index: Int, ModelOpinion)
    /// The white cells the model's view found in an image.
    case cellsFound(index: Int, [CellOpinion])
    /// The model adapted: new probabilities for images already classified (those a person labelled keep theirs).
    case repredicted([Int: [Float]], trust: ReviewSession.Trust)
    // Navigation, the one-line prompt and the label filters (ReviewSession+Navigation.swift).
    case first, last
    case pageBack, pageForward   // ReviewSession.pageStep images
    case openPrompt(ReviewSession.Prompt.Kind)
    case promptType(Character), promptErase, promptSubmit, promptClose
    case cycleLabelFilter        // all → unlabelled → model and label disagree → each labelled class → all
    case toggleActivationMap     // c: the heat map of the predicted class over the picture
    case toggleZoom              // z: the picture zoomed to the cell
    /// Where the evidence for the predicted class lies in an image (PictureView.swift).
    case activationMapFound(index: Int, ActivationMap)
    // The gallery (Gallery.swift). In the single view the row keys move as previous/next do.
    case toggleGallery
    case previousRow, nextRow, previousPage, nextPage
    /// A: asks first unless the blind calls vouch for the model, then saves `pageAcceptances` one by
    /// one (`Effect.acceptEach`); the page turns once every one is saved.
    case acceptPage
    /// Accept this image (one of A's steps) and stay.
    case acceptImage(Int)
    /// The thumbnails the terminal has room for.
    case galleryLayout(columns: Int, rows: Int)
    /// Another program changed labels.csv during the review: these images' rows (labels.csv key →
    /// row, nil for none) are now as it left them, and the reviewer hears `message`.
    case labelsChangedOutside([String: [String]?], message: String)
    /// C: stop a running blind calibration, or start one (ReviewSession+Calibration.swift).
    case toggleCalibration
    /// The reviewer's answer to the question on the message line (y, or anything else for no).
    case answer(Bool)
    /// !: flag the image with a note (a prompt), or take its flag off (ReviewSession+Flags.swift).
    case flag
    /// S: sign the slide off, after a confirmation (ReviewSession+SignOff.swift).
    case signOff

    // What the terminal and the app send: a key, a paste, and what came of an effect.
    /// A key, with what each of the terminal's tables makes of it (`reduceKey` picks by mode).
    indirect case key(KeyPress)
    /// Text that came faster than anyone types (a paste): never commands.
    case paste(String, count: Int)
    /// Both checks have spoken (the shift and the stain, `LabLearner.look`): the folder's look, said once.
    case folderLooked(FolderLook)
    /// An effect that had to reach the disk did not; of `A`'s series, `saved` had.
    indirect case saveFailed(Effect, reason: String, saved: Int)
    /// Every step of `A`'s series is on disk (this many saved): the page turns.
    case pageSaved(Int)
    /// The sign-off is in the slide journal.
    case signedOff(ReviewSession.SignedOff)
}

/// A decision to put on disk before the session that contains it is shown.
public struct Decision: Equatable, Sendable {
    public let index: Int
    public let image: String
    public let action: JournalEntry.Action
    public let label: [String]
    public let opinion: ModelOpinion?
    /// The label is a blank Category row in labels.csv, not no row (`JournalEntry.blank`).
    public var blank = false
}
