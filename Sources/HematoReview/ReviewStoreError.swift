import HematoFiles

/// Why a review's files could not be opened or a decision saved, as cases the app can act
/// on; each says what a person can do about it.
public enum ReviewStoreError: Error, Equatable, CustomStringConvertible {
    /// Another review holds the lock; `holder` is what it wrote about itself.
    case locked(holder: String)
    /// The lock file cannot be made or used in `folder` (read-only, a link planted at its name, ...).
    case lockFile(folder: String, FileError)
    case unreadableLabels(FileError)
    case labels(LabelsFileError)
    case journal(JournalError)
    /// The decision did not reach the journal, so it is not made.
    case notSaved(JournalError)

    public var description: String {
        switch self {
        case .locked(let holder):
            let who = DisplayName.escaped(holder.trimmingCharacters(in: .whitespacesAndNewlines))
            return "another review is open on this folder (\(who.isEmpty ? "holder unknown" : who)). Two reviewers writing one label file " +
                   "would lose each other's work; wait for it to finish, or review into another file with --output."
        case .lockFile(let folder, .symbolicLink(let path)):
            return "the lock file \(DisplayName.escaped(path)) is a symbolic link; it is not followed, since writing through it " +
                   "would overwrite another file. Remove it (nothing of the review is in it) and open the folder again."
        case .lockFile(let folder, let e):
            return "cannot write in \(DisplayName.escaped(folder)) (\(e.systemError?.description ?? e.reason)). " +
                   "Review into a file you can write with --output PATH/labels.csv."
        case .unreadableLabels(let e): return "cannot read \(DisplayName.escaped(e.path)): \(e.reason)"
        case .labels(let e): return e.description
        case .journal(let e): return e.description
        case .notSaved(let e): return e.description
        }
    }
}

import Foundation
