import Foundation
import HematoFiles

/// The lock on a labels file that every writer of it takes: a review for as long as it is open,
/// `classify` and `merge` while they write it. It lies beside the file the name finally refers to
/// (links followed), so two folders whose labels.csv link to one file share it.
public enum LabelsLock {
    /// Takes the lock, or throws `.locked` with what the holder wrote about itself.
    public static func take(_ labelsPath: String, holder: String) throws(ReviewStoreError) -> LockFile {
        let lockPath: String
        do { lockPath = try LockFile.path(guarding: labelsPath) } catch { throw .lockFile(folder: folder(of: labelsPath), error) }
        do {
            // The holder's line names a person and a host: no more readable than the labels themselves.
            return try LockFile(path: lockPath, holder: holder, mode: FilePermissions.forData(beside: labelsPath))
        } catch {
            switch error {
            case .held(let holder): throw .locked(holder: holder)
            case .file(let e): throw .lockFile(folder: folder(of: lockPath), e)
            }
        }
    }

    /// What a holder writes about itself: who (or which command), the process and host, and since when.
    public static func holder(_ who: String) -> String {
        "\(who), pid \(getpid()) on \(ProcessInfo.processInfo.hostName), since \(ReviewStore.timestamp())"
    }

    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }
}
