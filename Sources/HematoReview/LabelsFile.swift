/// The dataset's `labels.csv`, read and written in its exact format:
///
///     ,Image,Category⏎
///     ,0,NEUTROPHIL⏎
///     ,10,"NEUTROPHIL, EOSINOPHIL"⏎
///
/// CRLF line ends, an empty first column, `Image` = N of `BloodImage_NNNNN.*`
/// (or a path relative to the folder), `Category` one class or several quoted.
/// Every row keeps the bytes it was read with until it is changed, so reading a
/// file and writing it back gives the same bytes, and changing one row changes
/// only that row.
public struct LabelsFile: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The first column; empty in every file the dataset ships.
        public let firstColumn: String
        public let image: String
        public private(set) var categories: [String]
        /// The row's text as read, with its line ending; nil once changed.
        fileprivate var original: String?
        fileprivate var lineEnding: String

        public init(image: String, categories: [String]) {
            self.firstColumn = ""
            self.image = image
            self.categories = categories
            self.original = nil
            self.lineEnding = "\r\n"
        }

        fileprivate init(firstColumn: String, image: String, categories: [String], original: String, lineEnding: String) {
            self.firstColumn = firstColumn
            self.image = image
            self.categories = categories
            self.original = original
            self.lineEnding = lineEnding
        }

        fileprivate mutating func set(_ new: [String]) {
            guard new != categories else { return }
            categories = new
            original = nil
        }

        fileprivate var text: String {
            if let original { return original }
            return [firstColumn, image, Self.categoryField(categories)].map(CSVField.escaped).joined(separator: ",") + lineEnding
        }

        /// One category bare; several joined by ", " (the file's most common spelling).
        static func categoryField(_ categories: [String]) -> String { categories.joined(separator: ", ") }
    }

    public static let headerFields = ["", "Image", "Category"]
    private var header: String
    public private(set) var rows: [Row]
    /// Each image's first row.
    private var index: [String: Int]
    /// Images with more than one row, in order of their second row: the first row is read, and a
    /// change is made to every row of the image, so a reader that takes the last row reads it too.
    public private(set) var duplicatedImages: [String] = []

    /// A new, empty label file.
    public init() {
        header = ",Image,Category\r\n"
        rows = []
        index = [:]
    }

    /// Parses the bytes of a label file; `name` only labels error messages.
    public init(bytes: [UInt8], name: String = "labels.csv") throws(LabelsFileError) {
        self.init()
        let records = try CSVRecords.parse(bytes, name: name)
        guard let first = records.first else { return }
        var headerFields = first.fields
        if let h = headerFields.first, h.hasPrefix("\u{FEFF}") { headerFields[0] = String(h.dropFirst()) }
        guard headerFields == Self.headerFields else {
            throw LabelsFileError(file: name, line: 1, problem: "the header must be \",Image,Category\", found \"\(first.fields.joined(separator: ","))\"")
        }
        header = first.text
        for record in records.dropFirst() {
            guard record.fields.count == 3 else {
                throw LabelsFileError(file: name, line: record.line,
                                      problem: "expected 3 columns (,Image,Category), found \(record.fields.count)")
            }
            let image = record.fields[1]
            guard !image.isEmpty else { throw LabelsFileError(file: name, line: record.line, problem: "the Image column is empty") }
            let categories = record.fields[2].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let row = Row(firstColumn: record.fields[0], image: image, categories: categories,
                          original: record.text, lineEnding: record.lineEnding)
            if index[image] == nil {
                index[image] = rows.count
            } else if !duplicatedImages.contains(image) {
                duplicatedImages.append(image)
            }
            rows.append(row)
        }
    }

    public func categories(forImage image: String) -> [String]? {
        index[image].map { rows[$0].categories }
    }

    /// Sets an image's categories, adding a row at the end for an image not yet in the file.
    public mutating func setCategories(_ categories: [String], forImage image: String) {
        if let i = index[image] {
            rows[i].set(categories)
            if !duplicatedImages.isEmpty, duplicatedImages.contains(image) {
                for j in rows.indices where j > i && rows[j].image == image { rows[j].set(categories) }
            }
            return
        }
        // The file may end without a line break (the dataset's does); the old last row needs one now.
        // New rows follow the header's line ending (CRLF unless the file uses LF).
        let ending = header.endsWithLF ? "\n" : "\r\n"
        if var last = rows.last, let text = last.original, !text.endsWithLineBreak {
            last.original = text + ending
            rows[rows.count - 1] = last
        } else if rows.isEmpty, !header.endsWithLineBreak {
            header += ending
        }
        var row = Row(image: image, categories: categories)
        row.lineEnding = ending
        index[image] = rows.count
        rows.append(row)
    }

    /// Removes an image's rows, every one (an undone first decision leaves no trace).
    public mutating func removeRow(forImage image: String) {
        guard let i = index[image] else { return }
        if duplicatedImages.contains(image) {
            rows.removeAll { $0.image == image }
            duplicatedImages.removeAll { $0 == image }
        } else {
            rows.remove(at: i)
        }
        index = [:]
        for (j, row) in rows.enumerated() where index[row.image] == nil { index[row.image] = j }
    }

    /// Drops the rows of every image `drop` names; the others keep their bytes and order.
    public mutating func removeRows(where drop: (String) -> Bool) {
        rows.removeAll { drop($0.image) }
        index = [:]
        for (j, row) in rows.enumerated() where index[row.image] == nil { index[row.image] = j }
    }

    /// The file as a person reads it on a terminal: one record a line, every control,
    /// C1 and bidi character in names and categories a visible escape, so a file name
    /// cannot retitle the window, clear the screen or set the clipboard. Only for a
    /// terminal: `serialized()` is what goes to files and pipes, byte for byte.
    public func displayed() -> String {
        ([header] + rows.map(\.text)).map { DisplayName.escaped($0.withoutLineEnding) + "\n" }.joined()
    }

    public func serialized() -> [UInt8] {
        var text = header
        for row in rows { text += row.text }
        return Array(text.utf8)
    }

    /// The classes the rows use that are not in `known`, each once, in order of first use: a lab's
    /// own ("PLATELET"), or "eosinophil" where the dataset writes EOSINOPHIL. They stay as written;
    /// the caller tells the reviewer, since the differential counts them apart.
    public func categories(outside known: Set<String>) -> [String] {
        var seen: Set<String> = []
        return rows.flatMap(\.categories).filter { !known.contains($0) && seen.insert($0).inserted }
    }

    /// A sentence for a reader of the file when some image has more than one row; nil when none has.
    public func duplicatesNote(name: String) -> String? {
        guard let first = duplicatedImages.first else { return nil }
        let more = duplicatedImages.count > 1 ? " and \(duplicatedImages.count - 1) more" : ""
        return "\(DisplayName.escaped(name)) has more than one row for image \(DisplayName.escaped(first))\(more); the first row is read, "
            + "and a decision is written to every row of the image."
    }

    /// Whether the file has a row for this `Image` value.
    public func hasRow(forImage image: String) -> Bool { index[image] != nil }

    /// The `Image` values for the images of one folder (paths relative to it), in their order:
    ///
    /// - `BloodImage_NNNNN.*` directly in the folder: N (the dataset's convention), while no
    ///   other image directly in the folder has that number. Where several do
    ///   (`BloodImage_00001.jpg`, `BloodImage_00001.jpeg`, `BloodImage_0001.jpg`), only the one
    ///   spelt as the dataset spells it (`BloodImage_00001.jpg`) keeps N; the others are named by
    ///   their paths.
    /// - `BloodImage_NNNNN.*` in a subfolder: N too (the dataset keeps its pictures in
    ///   `JPEGImages/` beside its labels.csv), unless another image of the folder has that
    ///   number; then the path.
    /// - any other file: its path relative to the folder.
    /// - an image whose path already has a row in `existing` keeps the path (a file written
    ///   when that image could not have its number).
    ///
    /// So two images never share a row, and every labels.csv written before keeps its meaning.
    public static func imageKeys(forRelativePaths paths: [String], existing: LabelsFile? = nil) -> [String] {
        let numbers = paths.map(datasetNumber(of:))
        var uses: [Int: Int] = [:], usesAtTop: [Int: Int] = [:]
        for (path, number) in zip(paths, numbers) {
            guard let number else { continue }
            uses[number, default: 0] += 1
            if !path.utf8.contains(UInt8(ascii: "/")) { usesAtTop[number, default: 0] += 1 }
        }
        return zip(paths, numbers).map { path, number in
            guard let number, existing?.hasRow(forImage: path) != true else { return path }
            let atTop = !path.utf8.contains(UInt8(ascii: "/"))
            let keepsNumber = atTop ? usesAtTop[number] == 1 || path == datasetName(number) : uses[number] == 1
            return keepsNumber ? String(number) : path
        }
    }

    /// The dataset's own name for image N: `BloodImage_` and N in five digits, `.jpg`.
    static func datasetName(_ number: Int) -> String {
        let digits = String(number)
        return "BloodImage_" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".jpg"
    }

    /// N of a path whose file name is `BloodImage_NNNNN.ext` (ASCII digits, any extension).
    static func datasetNumber(of path: String) -> Int? {
        let name = path.lastIndex(of: "/").map { path[path.index(after: $0)...] } ?? path[...]
        guard name.hasPrefix("BloodImage_") else { return nil }
        let stem = name.dropFirst("BloodImage_".count).prefix { $0 != "." }
        guard !stem.isEmpty, stem.count <= 18, stem.allSatisfy({ $0.isASCII && $0.isNumber }),
              name.dropFirst("BloodImage_".count + stem.count).hasPrefix(".") else { return nil }
        return Int(stem)
    }
}

import Foundation

extension String {
    /// Swift compares Characters, and "\r\n" is one Character: look at scalars.
    fileprivate var endsWithLineBreak: Bool { unicodeScalars.last == "\n" }
    /// The record's text without its final CRLF or LF (those a terminal line ends with anyway).
    fileprivate var withoutLineEnding: String {
        var scalars = unicodeScalars[...]
        if scalars.last == "\n" { scalars.removeLast() }
        if scalars.last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
    /// Ends in a bare LF (not CRLF).
    fileprivate var endsWithLF: Bool {
        let tail = Array(unicodeScalars.suffix(2))
        return tail.last == "\n" && (tail.count < 2 || tail[0] != "\r")
    }
}
