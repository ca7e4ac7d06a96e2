import Foundation

/// Ground truth from the class-folder layout (`DIR/EOSINOPHIL/*.jpeg`, ...),
/// the way dataset2 stores its TEST split. Used by `evaluate`.
public enum ClassFolders {
    public struct Entry: Equatable, Sendable {
        /// Path relative to the root folder, e.g. `EOSINOPHIL/_0_1616.jpeg`.
        public let relativePath: String
        public let cellClass: CellClass
    }

    /// Every image in a sub-folder named for a class; other folders are ignored.
    /// Returns an empty list when no sub-folder is named for a class.
    public static func scan(_ root: String) throws -> [Entry] {
        let fm = FileManager.default
        var out: [Entry] = []
        for name in try fm.contentsOfDirectory(atPath: root).sorted() {
            guard let cls = CellClass(rawValue: name) else { continue }
            let folder = (root as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else { continue }
            for file in try fm.contentsOfDirectory(atPath: folder).sorted()
            where ImageFolder.isImageName(file) {
                out.append(Entry(relativePath: name + "/" + file, cellClass: cls))
            }
        }
        return out
    }
}
