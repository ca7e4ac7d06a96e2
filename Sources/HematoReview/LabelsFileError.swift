/// A label file that cannot be read as the dataset's format, with the line
/// where the problem is. The app reports it instead of guessing.
public struct LabelsFileError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let problem: String

    public var description: String { "\(file), line \(line): \(problem)" }
}
