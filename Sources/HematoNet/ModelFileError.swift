/// Why a model file was refused. Each message says what is wrong with the file.
public enum ModelFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case truncated(size: Int)
    case headerPastEnd(headerLength: UInt64, fileSize: Int)
    case malformedHeader(String)
    case notAHematoVisionModel(format: String?)
    case unknownFormatVersion(String)
    case badMetadata(key: String, problem: String)
    case missingTensor(String)
    case unexpectedTensor(String)
    case wrongShape(tensor: String, expected: [Int], found: [Int])
    case wrongDataType(tensor: String, found: String)
    case dataOutOfRange(tensor: String)
    /// A tensor whose data does not start on a 4-byte boundary of the file (a header not padded to 8 bytes).
    case misaligned(tensor: String, offset: Int, headerLength: Int)
    /// A NaN or infinity among the weights (a diverged training run or a damaged file):
    /// every prediction would be NaN, so the file is refused at load, not at the first image.
    case nonFiniteWeight(tensor: String, element: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the model file \(path): \(reason)"
        case .truncated(let size): return "the model file is truncated: \(size) bytes is too short to hold a header"
        case .headerPastEnd(let length, let size):
            return "the model file is damaged: its header claims \(length) bytes but the file has only \(size)"
        case .malformedHeader(let why): return "the model file's header is not valid JSON: \(why)"
        case .notAHematoVisionModel(let format):
            return "not a HematoVision model file (format is \(format.map { "\"\($0)\"" } ?? "missing"), expected \"\(ModelFile.format)\")"
        case .unknownFormatVersion(let v):
            return "model format version \(v) is not one this build reads (it reads \(ModelFile.supportedVersions.joined(separator: ", ")))"
        case .badMetadata(let key, let problem): return "the model file's metadata \"\(key)\" \(problem)"
        case .missingTensor(let name): return "the model file has no tensor \"\(name)\""
        case .unexpectedTensor(let name): return "the model file holds an unexpected tensor \"\(name)\""
        case .wrongShape(let name, let expected, let found):
            return "tensor \"\(name)\" has shape \(found), expected \(expected)"
        case .wrongDataType(let name, let found): return "tensor \"\(name)\" is \(found), expected F32"
        case .dataOutOfRange(let name): return "tensor \"\(name)\" points outside the file's data (truncated or damaged file)"
        case .misaligned(let name, let offset, let headerLength) where headerLength % 8 != 0:
            return "tensor \"\(name)\" starts at byte \(offset) of the file, not on a 4-byte boundary: the header is \(headerLength) bytes, " +
                "not padded with spaces to a multiple of 8 as safetensors writers pad it; save the file again with the safetensors library"
        case .misaligned(let name, let offset, _):
            return "tensor \"\(name)\" starts at byte \(offset) of the file, not on a 4-byte boundary (its data_offsets are not a multiple of 4)"
        case .nonFiniteWeight(let name, let element):
            return "tensor \"\(name)\" holds a value that is not a finite number (NaN or infinity) at element \(element); the model cannot be used"
        }
    }
}
