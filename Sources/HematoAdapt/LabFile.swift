import Foundation
import HematoFiles

/// A reviewer's lab, kept across folders in
/// `$XDG_DATA_HOME/hematovision/labs/NAME.safetensors`: the head and
/// temperature fitted on every decision so far, the decisions themselves
/// (pooled feature and class, so a later folder refits on all of them), which
/// folder each came from, and the model it belongs to. Features only mean
/// something to the network that made them, so a lab made with another model
/// is refused.
///
/// safetensors layout: `head.weight` [classes, 1280], `head.bias` [classes],
/// `examples.features` [n, 1280] (F32), `examples.labels` [n] (I32); the
/// metadata holds the rest as strings.
public struct Lab: Equatable, Sendable {
    public static let format = "hematovision-lab"
    /// The oldest decisions are dropped beyond this many (5 KB each).
    public static let maximumExamples = 20_000

    public struct Example: Equatable, Sendable {
        public var folder: String
        public var image: String
        public var label: Int
        public var feature: [Float]

        public init(folder: String, image: String, label: Int, feature: [Float]) {
            self.folder = folder
            self.image = image
            self.label = label
            self.feature = feature
        }
    }

    /// What a folder of this lab measured: its blind calls, how many agreed with the model, and its
    /// shift and stain scores. The next folder whose scores match starts with these (no new calls).
    public struct Measurement: Equatable, Sendable, Codable {
        public var agreed: Int
        public var calls: Int
        public var shift: Float
        /// Absent in lab files written before the stain check (and for a model without a stain reference):
        /// the stain score, and the folder's stain point (`FolderLook.stainPoint`), which is what is matched.
        public var stain: Float?
        public var stainPoint: [Float]?

        public init(agreed: Int, calls: Int, shift: Float, stain: Float? = nil, stainPoint: [Float]? = nil) {
            self.agreed = agreed
            self.calls = calls
            self.shift = shift
            self.stain = stain
            self.stainPoint = stainPoint
        }
    }

    public var name: String
    public var model: String
    public var labels: [String]
    public var head: LinearHead
    public var examples: [Example]
    /// Keyed by folder.
    public var measurements: [String: Measurement]

    public init(name: String, model: String, labels: [String], head: LinearHead, examples: [Example] = [],
                measurements: [String: Measurement] = [:]) {
        self.name = name
        self.model = model
        self.labels = labels
        self.head = head
        self.examples = examples
        self.measurements = measurements
    }

    public var folders: [String] { Array(Set(examples.map(\.folder))).sorted() }

    /// This lab's decisions from folders other than `folder`, as training examples.
    public func examples(excludingFolder folder: String) -> [Example] { examples.filter { $0.folder != folder } }

    // MARK: where labs live

    /// `$XDG_DATA_HOME/hematovision/labs`, or `~/.local/share/hematovision/labs`.
    public static func folder(environment: [String: String]) -> String {
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return base + "/hematovision/labs"
    }

    /// Lab names become file names, so they are kept to a safe alphabet.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0) }
    }

    public static func path(name: String, environment: [String: String]) -> String {
        folder(environment: environment) + "/" + name + ".safetensors"
    }

    // MARK: the file

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case badName(String)
        case unreadable(path: String, reason: String)
        case damaged(path: String, reason: String)
        case otherModel(lab: String, labModel: String, model: String)
        /// Its head or classes are not the model's (a hand-made or damaged lab whose model id matches).
        case doesNotFit(lab: String, mismatch: String)
        case unwritable(path: String, reason: String)

        public var description: String {
            switch self {
            case .badName(let n):
                return "lab name \(Self.quoted(n)) must be letters, digits, '-', '_' or '.' (at most 64, not starting with '.')"
            case .unreadable(let p, let r): return "cannot read the lab file \(Self.quoted(p)): \(r)"
            case .damaged(let p, let r): return "the lab file \(Self.quoted(p)) is damaged: \(r)"
            case .otherModel(let lab, let labModel, let model):
                return "lab \(Self.quoted(lab)) was fitted on model \(labModel), not on this model (\(model)); " +
                    "use another lab name, or the model it was made with (--model)"
            case .doesNotFit(let lab, let mismatch):
                return "lab \(Self.quoted(lab)) does not fit this model: \(mismatch); use another lab name, or remove the lab file"
            case .unwritable(let p, let r): return "cannot write the lab file \(Self.quoted(p)): \(r)"
            }
        }

        static func quotedForMessage(_ s: String) -> String { quoted(s) }

        private static func quoted(_ s: String) -> String {
            "\"" + String(s.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : Character($0) }) + "\""
        }
    }

    public func encoded() -> Data {
        let d = head.dimensions, n = examples.count
        var data = Data()
        func append(_ floats: [Float]) { floats.withUnsafeBytes { data.append(contentsOf: $0) } }
        var layout: [(String, String, [Int], Range<Int>)] = []
        func place(_ name: String, _ dtype: String, _ shape: [Int], _ write: () -> Void) {
            let start = data.count
            write()
            layout.append((name, dtype, shape, start..<data.count))
        }
        place("head.weight", "F32", [head.classes, d]) { append(head.weights) }
        place("head.bias", "F32", [head.classes]) { append(head.bias) }
        place("examples.features", "F32", [n, d]) { for e in examples { append(e.feature) } }
        place("examples.labels", "I32", [n]) {
            examples.map { Int32($0.label) }.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        let origins = examples.map { [$0.folder, $0.image] }
        // The try!s below cannot fail: strings, arrays of strings and integers are always valid JSON.
        let metadata: [String: String] = [
            "format": Self.format, "format_version": "1", "name": name, "model": model,
            "labels": labels.joined(separator: ","), "temperature": String(head.temperature),
            "decisions": String(n),
            "folders": String(decoding: try! JSONSerialization.data(withJSONObject: folders), as: UTF8.self),
            "origins": String(decoding: try! JSONSerialization.data(withJSONObject: origins), as: UTF8.self),
            // Counts and finite scores always encode.
            "measurements": String(decoding: try! JSONEncoder.sorted.encode(measurements), as: UTF8.self),
        ]
        var header: [String: Any] = ["__metadata__": metadata]
        for (name, dtype, shape, range) in layout {
            header[name] = ["dtype": dtype, "shape": shape, "data_offsets": [range.lowerBound, range.upperBound]]
        }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }  // keeps the data 8-byte aligned, as safetensors does
        var out = Data()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(data)
        return out
    }

    public init(decoding bytes: Data, path: String) throws(Failure) {
        func damaged(_ reason: String) -> Failure { .damaged(path: path, reason: reason) }
        guard bytes.count >= 8 else { throw damaged("too short") }
        let length = bytes.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 8) else { throw damaged("the header runs past the end") }
        let dataStart = 8 + Int(length)
        guard let header = try? JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<dataStart)) as? [String: Any],
              let meta = header["__metadata__"] as? [String: String] else { throw damaged("the header is not a safetensors header") }
        guard meta["format"] == Self.format else { throw damaged("it is not a HematoVision lab file") }
        guard meta["format_version"] == "1" else { throw damaged("unknown format_version \(meta["format_version"] ?? "none")") }
        func tensor(_ name: String, _ dtype: String, _ shape: (Int) -> [Int]?) throws(Failure) -> Data {
            guard let t = header[name] as? [String: Any], t["dtype"] as? String == dtype,
                  let s = t["shape"] as? [Int], let o = t["data_offsets"] as? [Int], o.count == 2,
                  s == shape(s.first ?? 0) else { throw damaged("tensor \(name) is missing or has the wrong type or shape") }
            let count = s.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            let (lo, hi) = (o[0], o[1])
            guard lo >= 0, lo <= hi, count < Int.max / 4, hi - lo == count * 4,
                  hi <= bytes.count - dataStart else { throw damaged("tensor \(name) lies outside the file") }
            return bytes.subdata(in: (dataStart + lo)..<(dataStart + hi))
        }
        let labels = (meta["labels"] ?? "").split(separator: ",").map(String.init)
        guard labels.count >= 2 else { throw damaged("it names no classes") }
        let k = labels.count
        guard let headShape = (header["head.weight"] as? [String: Any])?["shape"] as? [Int], headShape.count == 2,
              (1...65_536).contains(headShape[1]) else { throw damaged("tensor head.weight is missing or has the wrong shape") }
        let d = headShape[1]
        let weightBytes = try tensor("head.weight", "F32") { _ in [k, d] }
        let biasBytes = try tensor("head.bias", "F32") { _ in [k] }
        let featureBytes = try tensor("examples.features", "F32") { n in [n, d] }
        let n = featureBytes.count / 4 / d
        let labelBytes = try tensor("examples.labels", "I32") { _ in [n] }
        func floats(_ data: Data) -> [Float] { data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
        let rawClasses: [Int32] = labelBytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let classesOfExamples = rawClasses.map { Int($0) }
        guard classesOfExamples.allSatisfy({ (0..<k).contains($0) }) else { throw damaged("an example has an unknown class") }
        let allFeatures = floats(featureBytes), weights = floats(weightBytes), bias = floats(biasBytes)
        let finite = allFeatures.allSatisfy { $0.isFinite } && weights.allSatisfy { $0.isFinite } && bias.allSatisfy { $0.isFinite }
        guard finite else { throw damaged("it holds numbers that are not finite") }
        guard let temperature = meta["temperature"].flatMap(Float.init), temperature.isFinite, temperature > 0 else {
            throw damaged("its temperature is not a positive number")
        }
        guard let originsText = meta["origins"], let origins = try? JSONSerialization.jsonObject(with: Data(originsText.utf8)) as? [[String]],
              origins.count == n, origins.allSatisfy({ $0.count == 2 }) else { throw damaged("the examples' origins do not match them") }
        self.name = meta["name"] ?? ""
        self.model = meta["model"] ?? ""
        self.labels = labels
        self.head = LinearHead(classes: k, dimensions: d, weights: weights, bias: bias, temperature: temperature)
        var examples: [Example] = []
        for i in 0..<n {
            let feature = Array(allFeatures[(i * d)..<((i + 1) * d)])
            examples.append(Example(folder: origins[i][0], image: origins[i][1], label: classesOfExamples[i], feature: feature))
        }
        self.examples = examples
        // Older lab files have none; one that cannot be read, or says nonsense, is damaged.
        measurements = [:]
        if let text = meta["measurements"] {
            guard let read = try? JSONDecoder().decode([String: Measurement].self, from: Data(text.utf8)),
                  read.values.allSatisfy({ $0.calls >= 0 && (0...$0.calls).contains($0.agreed) && $0.shift.isFinite && ($0.stain?.isFinite ?? true)
                    && ($0.stainPoint.map { $0.count == 3 && $0.allSatisfy(\.isFinite) } ?? true) }) else {
                throw damaged("its measurements are not readable")
            }
            measurements = read
        }
    }

    /// Throws unless the lab's head takes the model's features (`dimensions` of them) and names the
    /// model's classes, in the model's order: a head of another shape would be used past its end, and
    /// other class names would be written under the model's.
    public func check(fitting labels: [String], dimensions: Int) throws(Failure) {
        func listed(_ names: [String]) -> String {
            names.prefix(8).map { Self.Failure.quotedForMessage($0) }.joined(separator: ", ") + (names.count > 8 ? ", …" : "")
        }
        if head.dimensions != dimensions {
            throw .doesNotFit(lab: name, mismatch: "its head takes \(head.dimensions) inputs, but the model's features have \(dimensions)")
        }
        if self.labels.count != labels.count {
            throw .doesNotFit(lab: name, mismatch: "it has \(self.labels.count) classes (\(listed(self.labels))), the model \(labels.count) (\(listed(labels)))")
        }
        if self.labels != labels {
            throw .doesNotFit(lab: name, mismatch: "its classes are \(listed(self.labels)), the model's \(listed(labels))")
        }
    }

    /// Reads the named lab, or nil when it does not exist yet. A lab fitted on another model, or one
    /// whose head does not fit the model's `labels` and feature `dimensions`, is refused.
    public static func load(name: String, model: String, labels: [String], dimensions: Int,
                            environment: [String: String]) throws(Failure) -> Lab? {
        guard isValidName(name) else { throw .badName(name) }
        let path = path(name: name, environment: environment)
        let bytes: [UInt8]?
        do {
            bytes = try RegularFile.contentsIfPresent(path, followLinks: false, limit: 1 << 30)
        } catch {
            throw .unreadable(path: path, reason: "\(error)")
        }
        guard let bytes else { return nil }
        let lab = try Lab(decoding: Data(bytes), path: path)
        guard lab.model == model else { throw .otherModel(lab: name, labModel: lab.model, model: model) }
        try lab.check(fitting: labels, dimensions: dimensions)
        return lab
    }

    /// Writes the lab atomically (through the project's one atomic-replace path), creating its folder.
    /// `mode`: the permission bits of the labels file the decisions came from; the lab (features and
    /// labels of its images) is made no more readable than it, nor than the lab file already was.
    public func save(environment: [String: String], mode: mode_t? = nil) throws(Failure) {
        guard Self.isValidName(name) else { throw .badName(name) }
        let folder = Self.folder(environment: environment)
        let path = Self.path(name: name, environment: environment)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .unwritable(path: path, reason: "cannot create \(folder)")
        }
        var trimmed = self
        if trimmed.examples.count > Self.maximumExamples { trimmed.examples.removeFirst(trimmed.examples.count - Self.maximumExamples) }
        do {
            let narrowed = mode.map { m in (FilePermissions.of(path) ?? m) & m & 0o666 }
            try AtomicReplace.write([UInt8](trimmed.encoded()), to: path, mode: narrowed)
        } catch {
            throw .unwritable(path: path, reason: "\(error)")
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

extension Lab {
    /// The blind calls of the folders other than `folder`.
    public func measured(excludingFolder folder: String) -> (agreed: Int, calls: Int, shifts: [Float], stainPoints: [[Float]]) {
        var agreed = 0, calls = 0
        var shifts: [Float] = [], points: [[Float]] = []
        for (f, m) in measurements.sorted(by: { $0.key < $1.key }) where f != folder && m.calls > 0 {
            agreed += m.agreed
            calls += m.calls
            shifts.append(m.shift)
            if let point = m.stainPoint { points.append(point) }
        }
        return (agreed, calls, shifts.sorted(), points)
    }

    /// Whether a folder's shift score is like those of the lab's measured folders: within a fifth of their median.
    public static func matches(shift: Float, measured shifts: [Float]) -> Bool {
        guard !shifts.isEmpty else { return false }
        let median = shifts[shifts.count / 2]
        return abs(shift - median) <= max(0.1, 0.2 * median)
    }

    /// Whether a folder's stain is the lab's: its stain point within one scale unit (RMS over the three
    /// channels) of the per-channel median of the lab's measured folders' points. One unit is a picture's
    /// typical spread within a lab; a folder's median moves far less. With nothing to compare (a lab
    /// measured before the stain check, or a folder too small for a stain point), the shift decides alone.
    public static func matches(stainPoint point: [Float]?, measured points: [[Float]]) -> Bool {
        guard let point, point.count == 3, !points.isEmpty else { return true }
        var sum: Float = 0
        for c in 0..<3 {
            let sorted = points.map { $0[c] }.sorted()
            let d = point[c] - sorted[sorted.count / 2]
            sum += d * d
        }
        return (sum / 3).squareRoot() <= 1
    }
}
