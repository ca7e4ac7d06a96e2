import Foundation
import HematoFiles

/// The images in a folder, as paths relative to it, sorted by name: which names count as
/// images, the order, and the sentences a person reads. The folder itself is read through
/// HematoFiles' `Directory`. Only names are held (no stat per file), so 100,000 files cost a few MB.
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

        /// Why a folder could not be opened, in the words a person needs.
        static func opening(_ folder: String, _ error: FileError) -> Failure {
            switch error.systemError {
            case Errno.noSuchFile?: return .missing(folder: folder)
            case Errno.notADirectory?: return .notAFolder(path: folder)
            default: return .unreadable(folder: folder, reason: Self.reason(error))
            }
        }

        /// The C library's own words for what failed, else the file error's.
        static func reason(_ error: FileError) -> String { error.systemError?.description ?? error.reason }
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
        let root = Array(folder.utf8)
        let entries: [Directory.Entry]
        do {
            entries = try Directory.entries(root) { name, _ in isImageName(String(decoding: name, as: UTF8.self)) }
        } catch {
            throw .opening(folder, error)
        }
        var names: [String] = []
        for entry in entries {
            // The folder's own record of the type spares a stat per file; where it has none, one stat says.
            let isFile = switch entry.type {
            case .regular, .symbolicLink: true
            case .unknown: (try? Directory.kind(root + [slash] + entry.name)) == .regular
            case .directory, .other: false
            }
            if isFile { names.append(String(decoding: entry.name, as: UTF8.self)) }
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
            let entries: [Directory.Entry]
            do {
                // Not an image, and known not to be a folder: nothing to copy or look at.
                entries = try Directory.entries(relative.isEmpty ? root : root + [slash] + relative) { name, type in
                    type == .directory || type == .unknown || isImageName(name)
                }
            } catch {
                if relative.isEmpty { throw .unreadable(folder: folder, reason: Failure.reason(error)) }
                listing.skipped.append(Skipped(path: relative, reason: "cannot read this folder: \(Failure.reason(error))"))
                continue
            }
            for entry in entries {
                let name = entry.name
                let path = relative.isEmpty ? name : relative + [slash] + name
                let type = entry.type == .unknown ? Directory.typeWithoutFollowing(root + [slash] + path) : entry.type
                if type == .directory { pending.append(path) }
                guard isImageName(name) else { continue }
                if type != .regular, let problem = problem(root + [slash] + path, type: type) {
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

    /// Why an image-named entry of this type is not an image file to read; nil if it is one.
    private static func problem(_ full: [UInt8], type: Directory.EntryType) -> String? {
        if type == .regular { return nil }
        let found: FileKind
        do { found = try Directory.kind(full) } catch {
            switch error.systemError {
            case Errno.noSuchFile?: return "a link to a file that does not exist"
            case Errno.tooManySymbolicLinks?: return "a link loop (it leads back to itself)"
            default: return "cannot look at it: \(Failure.reason(error))"
            }
        }
        let kind: String
        switch found {
        case .regular: return nil
        case .directory: kind = "a folder"
        case .fifo: kind = "a named pipe (FIFO)"
        case .socket: kind = "a socket"
        case .characterDevice, .blockDevice: kind = "a device"
        case .symbolicLink, .other: kind = "something other than a file"
        }
        return (type == .symbolicLink ? "a link to \(kind)" : kind) + ", not an image file"
    }
}
