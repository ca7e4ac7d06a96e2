/// The canonical cell view's rule and its parameters: what the model file's `view` metadata names, e.g.
/// `nucleus-square-v2 small=160 min_score=75 min_piece=4 merge=1/3 min_cell=4/1000 relative=1/4 k=2.2 min_crop=16`.
/// Training/canonical_view.py writes the same string and follows the same steps (its docstring lists them).
public struct CanonicalViewRule: Sendable, Equatable {
    /// The only rule this build implements. v2 scores nuclei after white balance on the background (v1 used raw
    /// blue minus green and missed nuclei under yellowish stains); a model trained on v1 crops is refused, since
    /// this build would show it different cells.
    public static let ruleName = "nucleus-square-v2"

    /// The small copy's longer side is at most this many pixels.
    public var smallSide: Int
    /// The nucleus threshold never goes below this score (blue minus green after white balance on the
    /// background, 0–255).
    public var minScore: Int
    /// Mask pieces smaller than this (small pixels) are noise.
    public var minPiece: Int
    /// A piece joins a cell when the gap between their boxes is at most numerator/denominator × √(cell area).
    public var mergeNumerator: Int
    public var mergeDenominator: Int
    /// A cell needs at least this many thousandths of the small picture's pixels.
    public var minCellPerMille: Int
    /// … and at least 1/relative of the largest cell's area.
    public var relative: Int
    /// The crop's side in tenths of the nucleus box's longer side (22 = 2.2×).
    public var sideTenths: Int
    /// The crop's side is at least this many pixels.
    public var minCrop: Int

    public init(smallSide: Int = 160, minScore: Int = 75, minPiece: Int = 4, mergeNumerator: Int = 1,
                mergeDenominator: Int = 3, minCellPerMille: Int = 4, relative: Int = 4, sideTenths: Int = 22,
                minCrop: Int = 16) {
        self.smallSide = smallSide
        self.minScore = minScore
        self.minPiece = minPiece
        self.mergeNumerator = mergeNumerator
        self.mergeDenominator = mergeDenominator
        self.minCellPerMille = minCellPerMille
        self.relative = relative
        self.sideTenths = sideTenths
        self.minCrop = minCrop
    }

    /// The parameters the bundled training code uses.
    public static let standard = CanonicalViewRule()

    /// The metadata string for these parameters (the exact form Training/canonical_view.py writes).
    public var metadata: String {
        "\(Self.ruleName) small=\(smallSide) min_score=\(minScore) min_piece=\(minPiece) "
            + "merge=\(mergeNumerator)/\(mergeDenominator) min_cell=\(minCellPerMille)/1000 relative=1/\(relative) "
            + "k=\(sideTenths / 10).\(sideTenths % 10) min_crop=\(minCrop)"
    }

    /// Why a `view` string was refused.
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unknownRule(String)
        case badParameter(String)
        case missingParameter(String)

        public var description: String {
            switch self {
            case .unknownRule(let name): return "names the view \"\(name)\"; this build implements \"\(CanonicalViewRule.ruleName)\""
            case .badParameter(let text): return "has a parameter this build cannot read: \"\(text)\""
            case .missingParameter(let key): return "lacks the parameter \(key)"
            }
        }
    }

    /// Reads a `view` string: the rule's name, then every parameter once as key=value, in any order.
    public init(metadata: String) throws(ParseError) {
        let words = metadata.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let name = words.first, name == Self.ruleName else { throw .unknownRule(words.first ?? "") }
        var values: [String: String] = [:]
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, values[parts[0]] == nil else { throw .badParameter(word) }
            values[parts[0]] = parts[1]
        }
        func take(_ key: String) throws(ParseError) -> String {
            guard let value = values.removeValue(forKey: key) else { throw .missingParameter(key) }
            return value
        }
        func whole(_ key: String, _ text: String) throws(ParseError) -> Int {
            guard let n = Int(text), n >= 0, n <= 1_000_000, !text.hasPrefix("+") else { throw .badParameter("\(key)=\(text)") }
            return n
        }
        func fraction(_ key: String, _ text: String) throws(ParseError) -> (Int, Int) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { throw .badParameter("\(key)=\(text)") }
            let (a, b) = (try whole(key, parts[0]), try whole(key, parts[1]))
            guard b > 0 else { throw .badParameter("\(key)=\(text)") }
            return (a, b)
        }
        let small = try whole("small", try take("small"))
        let minScore = try whole("min_score", try take("min_score"))
        let minPiece = try whole("min_piece", try take("min_piece"))
        let merge = try fraction("merge", try take("merge"))
        let minCell = try fraction("min_cell", try take("min_cell"))
        let relative = try fraction("relative", try take("relative"))
        let k = try take("k")
        let kParts = k.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard kParts.count == 2, kParts[1].count == 1 else { throw .badParameter("k=\(k)") }
        let tenths = try whole("k", kParts[0]) * 10 + (try whole("k", kParts[1]))
        let minCrop = try whole("min_crop", try take("min_crop"))
        if let extra = values.keys.sorted().first { throw .badParameter("\(extra)=\(values[extra]!)") }
        guard small > 0, minCell.1 == 1000, relative.0 == 1, relative.1 > 0, tenths > 0, minCrop > 0, minScore <= 255 else {
            throw .badParameter(metadata)
        }
        self.init(smallSide: small, minScore: minScore, minPiece: minPiece, mergeNumerator: merge.0,
                  mergeDenominator: merge.1, minCellPerMille: minCell.0, relative: relative.1, sideTenths: tenths,
                  minCrop: minCrop)
    }
}
