import Foundation
import HematoReview

/// Ground truth from the class-folder layout (`DIR/EOSINOPHIL/*.jpeg`, ...),
/// the way dataset2 stores its TEST split. Used by `evaluate`.
public enum ClassFolders {
    public struct Entry: Equatable, Sendable {
        /// Path relative to the root folder, e.g. `EOSINOPHIL/_0_1616.jpeg`.
        public let relativePath: String
        public let cellClass: CellClass
    }

    /// Every image in a sub-folder named for a class; other folders are ignored.
    /// Returns an empty list when no sub-folder is named for a class. A root that is missing
    /// or no folder is ImageFolder's sentence, never a Foundation error dump.
    public static func scan(_ root: String) throws(ImageFolder.Failure) -> [Entry] {
        try ImageFolder.requireFolder(root)
        var out: [Entry] = []
        for cls in CellClass.allCases.sorted(by: { $0.rawValue < $1.rawValue }) {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + cls.rawValue, isDirectory: &isDir), isDir.boolValue else { continue }
            for file in try ImageFolder.list(root + "/" + cls.rawValue) {
                out.append(Entry(relativePath: cls.rawValue + "/" + file, cellClass: cls))
            }
        }
        return out
    }
}
