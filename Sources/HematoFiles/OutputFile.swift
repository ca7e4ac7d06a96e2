import Glibc

/// Where a command's output goes when the user names it: "-" is standard output; a FIFO or
/// a character device (`/dev/null`, a terminal, `>(process substitution)`) is written into,
/// as a shell redirection would, never replaced by a regular file; anything else is a file,
/// replaced atomically.
public enum OutputFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(FileError) {
        if path == "-" {
            try stream(bytes, to: OpenFile(path: "standard output", fd: dup(STDOUT_FILENO)))
            return
        }
        // stat follows links: a link to a FIFO is written into like the FIFO itself.
        if let info = try? Syscall.stat(path), [.fifo, .characterDevice].contains(FileKind(mode: info.st_mode)) {
            let fd: Int32
            do { fd = try Syscall.open(path, O_WRONLY) } catch { throw .system(operation: "open", path: path, error) }
            let file = OpenFile(path: path, fd: fd)
            // Checked again on what was opened: the name may have been swapped after the stat,
            // and a regular file is never written in place (it is replaced below).
            if [.fifo, .characterDevice].contains(try file.kind()) {
                try stream(bytes, to: file)
                return
            }
        }
        try AtomicReplace.write(bytes, to: path)
    }

    /// Whether `write` would replace a file at `path` (not standard output, a FIFO or a device):
    /// only then is there a labels file whose lock the writer must take.
    public static func replacesFile(_ path: String) -> Bool {
        if path == "-" { return false }
        guard let info = try? Syscall.stat(path) else { return true }
        return ![.fifo, .characterDevice].contains(FileKind(mode: info.st_mode))
    }

    private static func stream(_ bytes: [UInt8], to file: OpenFile) throws(FileError) {
        guard file.fd >= 0 else { throw .system(operation: "dup", path: file.path, .current) }
        try file.writeAll(bytes)
    }
}
