/// The white-cell types the dataset's labels use. The bundled model predicts
/// the first four; BASOPHIL exists in the labels, so a reviewer can set it.
public enum CellClass: String, CaseIterable, Sendable, Codable, Comparable {
    case eosinophil = "EOSINOPHIL"
    case lymphocyte = "LYMPHOCYTE"
    case monocyte = "MONOCYTE"
    case neutrophil = "NEUTROPHIL"
    case basophil = "BASOPHIL"

    /// Parses a dataset category, tolerating case and surrounding spaces.
    public init?(label: String) {
        let cleaned = label.trimmingCharacters(in: .whitespaces).uppercased()
        self.init(rawValue: cleaned)
    }

    public var displayName: String { rawValue.prefix(1) + rawValue.dropFirst().lowercased() }

    public static func < (a: CellClass, b: CellClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

import Foundation
