/// A label file that cannot be read as the dataset's format, with the line
/// where the problem is. The app reports it instead of guessing.
public struct LabelsFileError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let problem: String

    /// The file name and the problem (which may quote the file's own text) are escaped:
    /// this is printed on a terminal.
    public var description: String { "\(DisplayName.escaped(file)), line \(line): \(DisplayName.escaped(problem))" }
}
