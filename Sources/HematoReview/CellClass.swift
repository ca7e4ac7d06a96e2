/// The white-cell types the dataset's labels use, in the bundled model's order. The model file names the
/// classes it predicts (the bundled one all five); a reviewer can set any of them with or without it.
public enum CellClass: String, CaseIterable, Sendable, Codable {
    case eosinophil = "EOSINOPHIL"
    case lymphocyte = "LYMPHOCYTE"
    case monocyte = "MONOCYTE"
    case neutrophil = "NEUTROPHIL"
    case basophil = "BASOPHIL"
}
