import Foundation

/// The images in a folder, as paths relative to it, sorted by name.
/// Only names are held (no stat per file), so 100,000 files cost a few MB.
public enum ImageFolder {
    /// The names a folder's images have; what each file holds is still read from its bytes.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "tif", "tiff", "bmp", "ppm"]
    /// The same, as a person reads it in a message.
    public static let imageExtensionsListed = ".jpg, .jpeg, .png, .tif, .tiff, .bmp, .ppm"

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case unreadable(folder: String, reason: String)
        /// The two mistakes a person makes most (a typo, a file for a folder) get a sentence of their own.
        case missing(folder: String)
        case notAFolder(path: String)
        public var description: String {
            switch self {
            case .unreadable(let folder, let reason): return "cannot read the folder \(DisplayName.escaped(folder)): \(reason)"
            case .missing(let folder): return "no folder at \(DisplayName.escaped(folder))"
            case .notAFolder(let path):
                // An image given where a folder belongs: `show` is the command for one image.
                let name = path.split(separator: "/").last.map(String.init) ?? path
                return "\(DisplayName.escaped(path)) is not a folder"
                    + (ImageFolder.isImageName(name) ? "; to look at one image, use `hematovision show \(DisplayName.escaped(path))`" : "")
            }
        }

        /// Why `opendir(folder)` failed, from its errno.
        static func opening(_ folder: String, errno number: Int32) -> Failure {
            switch number {
            case ENOENT: return .missing(folder: folder)
            case ENOTDIR: return .notAFolder(path: folder)
            default: return .unreadable(folder: folder, reason: String(cString: strerror(number)))
            }
        }
    }

    /// Throws unless `folder` is a folder (links followed), with the sentence a person needs.
    public static func requireFolder(_ folder: String) throws(Failure) {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) else { throw .missing(folder: folder) }
        guard isDir.boolValue else { throw .notAFolder(path: folder) }
    }

    public static func isImageName(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), !name.hasPrefix(".") else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Images directly in `folder`, not below it (the images of one class folder).
    public static func list(_ folder: String) throws(Failure) -> [String] {
        guard let dir = opendir(folder) else { throw .opening(folder, errno: errno) }
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

    /// What a walk under a folder found: the images, and every path that looks like an
    /// image (or might hold images) but cannot be read as one, with the reason. A headless
    /// run that drops a file must say so, or "8 classified, 0 failed" hides the ninth.
    public struct Listing: Equatable, Sendable {
        /// Paths relative to the folder, sorted by their bytes.
        public var images: [String] = []
        public var skipped: [Skipped] = []
    }

    public struct Skipped: Equatable, Sendable {
        /// Relative to the folder, as the bytes the file system holds: it may not be UTF-8.
        public let path: [UInt8]
        public let reason: String
    }

    /// Images anywhere under `folder` (headless classification of class folders and trees).
    public static func listRecursively(_ folder: String) throws(Failure) -> [String] {
        try scan(folder).images
    }

    /// Walks `folder` and everything under it, names as bytes. Links are followed to
    /// files, never into folders (a loop cannot make the walk endless). Only entries
    /// that are not plain files cost a stat, so 100,000 images cost none, and a name is
    /// copied out of its directory entry only when it is an image or a folder (review
    /// opens a folder of 100,000 files through this walk).
    public static func scan(_ folder: String) throws(Failure) -> Listing {
        try requireFolder(folder)
        let root = Array(folder.utf8)
        var listing = Listing()
        var pending: [[UInt8]] = [[]]  // folders still to read, relative; [] is `folder` itself
        while let relative = pending.popLast() {
            guard let dir = withCPath(relative.isEmpty ? root : root + [slash] + relative, { opendir($0) }) else {
                let reason = String(cString: strerror(errno))
                if relative.isEmpty { throw .unreadable(folder: folder, reason: reason) }
                listing.skipped.append(Skipped(path: relative, reason: "cannot read this folder: \(reason)"))
                continue
            }
            defer { closedir(dir) }
            while let entry = readdir(dir) {
                var type = entry.pointee.d_type
                let (length, isImage) = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    let length = raw.firstIndex(of: 0) ?? raw.count
                    return (length, isImageName(UnsafeRawBufferPointer(rebasing: raw[..<length])))
                }
                // Not an image, and known not to be a folder: nothing to copy or look at.
                if !isImage && type != UInt8(DT_DIR) && type != UInt8(DT_UNKNOWN) { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(length)) }
                if name == [dot] || name == [dot, dot] { continue }
                let path = relative.isEmpty ? name : relative + [slash] + name
                if type == UInt8(DT_UNKNOWN) { type = typeWithoutFollowing(root + [slash] + path) }
                if type == UInt8(DT_DIR) { pending.append(path) }
                guard isImage else { continue }
                if type != UInt8(DT_REG), let problem = problem(root + [slash] + path, type: type) {
                    listing.skipped.append(Skipped(path: path, reason: problem))
                } else if let text = String(validating: path, as: UTF8.self) {
                    listing.images.append(text)
                } else {
                    // Read back through a String, the name would no longer name this file.
                    listing.skipped.append(Skipped(path: path, reason: "its name is not UTF-8 text, so it cannot be read or written to labels.csv"))
                }
            }
        }
        listing.images.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        listing.skipped.sort { $0.path.lexicographicallyPrecedes($1.path) }
        return listing
    }

    private static let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")

    /// An image name, given as the bytes of one path component.
    static func isImageName(_ name: [UInt8]) -> Bool {
        name.withUnsafeBytes { isImageName($0) }
    }

    /// The same test on the bytes of a directory entry, without copying them: ASCII case is folded byte by byte.
    static func isImageName(_ name: UnsafeRawBufferPointer) -> Bool {
        guard name.first != dot, let at = name.lastIndex(of: dot) else { return false }
        let ext = name[(at + 1)...]
        return extensionBytes.contains { candidate in
            candidate.count == ext.count && zip(candidate, ext).allSatisfy { $0 == ($1 | (($1 >= 65 && $1 <= 90) ? 0x20 : 0)) }
        }
    }

    private static let extensionBytes = imageExtensions.map { Array($0.utf8) }

    /// Why an image-named entry of this d_type is not an image file to read; nil if it is one.
    private static func problem(_ full: [UInt8], type: UInt8) -> String? {
        if type == UInt8(DT_REG) { return nil }
        var info = stat()
        guard withCPath(full, { stat($0, &info) }) == 0 else {
            switch errno {
            case ENOENT: return "a link to a file that does not exist"
            case ELOOP: return "a link loop (it leads back to itself)"
            default: return "cannot look at it: \(String(cString: strerror(errno)))"
            }
        }
        let mode = info.st_mode & S_IFMT
        if mode == S_IFREG { return nil }
        let kind: String
        switch mode {
        case S_IFDIR: kind = "a folder"
        case S_IFIFO: kind = "a named pipe (FIFO)"
        case S_IFSOCK: kind = "a socket"
        case S_IFCHR, S_IFBLK: kind = "a device"
        default: kind = "something other than a file"
        }
        return (type == UInt8(DT_LNK) ? "a link to \(kind)" : kind) + ", not an image file"
    }

    /// d_type for file systems that leave it DT_UNKNOWN, from lstat (a link stays a link).
    private static func typeWithoutFollowing(_ full: [UInt8]) -> UInt8 {
        var info = stat()
        guard withCPath(full, { lstat($0, &info) }) == 0 else { return UInt8(DT_UNKNOWN) }
        return UInt8(truncatingIfNeeded: (info.st_mode & S_IFMT) >> 12)  // DTTOIF's inverse
    }

    private static func withCPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        (bytes + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
    }

    private static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
