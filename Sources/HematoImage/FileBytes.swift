import HematoFiles

/// Reads a whole image file with errors a person can act on (missing, a folder, no permission).
enum FileBytes {
    /// Files past this size are not images this app should be reading into memory.
    static let maximumBytes = 512 << 20

    static func contents(of path: String) throws(ImageError) -> [UInt8] {
        // Links are followed (a folder of links to images is a normal thing to review); the
        // file layer opens O_NONBLOCK and checks the type on the descriptor, so a FIFO named
        // cell.jpg is refused instead of hanging `show` or the review's classifier thread.
        let bytes: [UInt8]
        do {
            bytes = try OpenFile.openRegular(path, followLinks: true).readAll(limit: maximumBytes)
        } catch {
            switch error {
            case .notRegular(_, let kind): throw .notARegularFile(path: path, kind: kind.description)
            default: throw .unreadable(path: path, reason: error.reason)
            }
        }
        guard !bytes.isEmpty else { throw .empty(path: path) }
        return bytes
    }
}
