/// The white-cell types the dataset's labels use. The bundled model predicts
/// the first four; BASOPHIL exists in the labels, so a reviewer can set it.
public enum CellClass: String, CaseIterable, Sendable, Codable {
    case eosinophil = "EOSINOPHIL"
    case lymphocyte = "LYMPHOCYTE"
    case monocyte = "MONOCYTE"
    case neutrophil = "NEUTROPHIL"
    case basophil = "BASOPHIL"
}
