import Foundation

/// The images in a folder, as paths relative to it, sorted by name.
/// Only names are held (no stat per file), so 100,000 files cost a few MB.
public enum ImageFolder {
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "bmp", "ppm"]

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unreadable(folder: String, reason: String)
        public var description: String {
            switch self {
            case .unreadable(let folder, let reason): return "cannot read the folder \(DisplayName.escaped(folder)): \(reason)"
            }
        }
    }

    public static func isImageName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), !name.hasPrefix(".") else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Images directly in `folder` (the review screen's view of a slide folder).
    public static func list(_ folder: String) throws(Failure) -> [String] {
        guard let dir = opendir(folder) else { throw .unreadable(folder: folder, reason: String(cString: strerror(errno))) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            // d_type spares a stat per file; DT_UNKNOWN (some file systems) falls back to one.
            let type = entry.pointee.d_type
            if isImageName(name), type == UInt8(DT_REG) || type == UInt8(DT_LNK) || (type == UInt8(DT_UNKNOWN) && isFile(folder + "/" + name)) {
                names.append(name)
            }
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return names
    }

    /// Images anywhere under `folder` (headless classification of class folders and trees).
    public static func listRecursively(_ folder: String) throws(Failure) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw .unreadable(folder: folder, reason: "no such folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: folder) else {
            throw .unreadable(folder: folder, reason: "cannot list it")
        }
        var out: [String] = []
        while let path = walker.nextObject() as? String {
            if isImageName((path as NSString).lastPathComponent), isFile(folder + "/" + path) { out.append(path) }
        }
        out.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return out
    }

    private static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
