import Foundation
import XCTest

/// Holds the modules to the graph that Package.swift's header and ARCHITECTURE.md draw: each
/// Swift module imports exactly what it may, Package.swift declares exactly that, and errno
/// with the calls that set it stays inside HematoFiles. Reads the sources as text, so it needs
/// no module of the project and catches an import that a transitive dependency would let build.
final class ImportGraphTests: XCTestCase {
    /// Who may import whom: the one statement of the graph. Change it with Package.swift's
    /// header comment and ARCHITECTURE.md's code map.
    static let allowed: [String: Set<String>] = [
        "HematoFiles": [],
        "HematoImage": ["HematoFiles", "CTurboJPEG", "CPNG", "CTIFF"],
        "HematoAdapt": ["HematoFiles", "CVectorKernels"],
        "HematoNet": ["HematoFiles", "HematoImage", "HematoAdapt", "CXNNPack", "CBundledModel"],
        "HematoReview": ["HematoFiles", "HematoAdapt"],
        "HematoBatch": ["HematoFiles", "HematoReview"],
        "HematoTerminal": ["HematoFiles", "HematoReview", "HematoAdapt", "HematoImage", "CNCursesW", "CCursesShim", "CSixel"],
        "hematovision": ["HematoFiles", "HematoImage", "HematoNet", "HematoAdapt", "HematoReview", "HematoBatch",
                         "HematoTerminal", "CAffinity", "ArgumentParser"],
    ]

    /// The toolchain's own modules, which any module may import.
    static let system: Set<String> = ["Foundation", "Glibc", "Dispatch", "Synchronization"]

    /// errno and the calls whose failures are read from it: only HematoFiles turns them into typed errors.
    static let filesOnly = ["errno", "strerror", "opendir", "readdir"]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every Swift source under Sources/, by module (the folder under Sources/); C modules have none.
    static func sources() throws -> [String: [URL]] {
        let sources = root.appendingPathComponent("Sources")
        var byModule: [String: [URL]] = [:]
        for module in try FileManager.default.contentsOfDirectory(atPath: sources.path).sorted() {
            let folder = sources.appendingPathComponent(module)
            guard let walk = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let path as String in walk where path.hasSuffix(".swift") {
                byModule[module, default: []].append(folder.appendingPathComponent(path))
            }
        }
        return byModule
    }

    /// The modules a file imports (`import X`, `@testable import X`, `import struct X.Y`, ...), with their lines.
    static func imports(_ text: String) -> [(module: String, line: Int)] {
        let pattern = try! NSRegularExpression(
            pattern: #"^\s*(?:@\w+\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)"#)
        var found: [(String, Int)] = []
        for (n, line) in text.components(separatedBy: "\n").enumerated() {
            let range = NSRange(line.startIndex..., in: line)
            if let match = pattern.firstMatch(in: line, range: range), let name = Range(match.range(at: 1), in: line) {
                found.append((String(line[name]), n + 1))
            }
        }
        return found
    }

    /// The line without its `//` comment: a comment may name errno, only code may not use it.
    static func code(_ line: String) -> String {
        line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? line
    }

    /// Each `.target` and `.executableTarget` of Package.swift with the modules it depends on
    /// (a product counted by its name).
    static func declared() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let target = try NSRegularExpression(pattern: #"\.(?:target|executableTarget)\(name:\s*"([^"]+)"(\s*,\s*dependencies:\s*\[)?"#)
        let quoted = try NSRegularExpression(pattern: #"(package:\s*)?"([^"]+)""#)
        let text = manifest as NSString
        var result: [String: Set<String>] = [:]
        for match in target.matches(in: manifest, range: NSRange(location: 0, length: text.length)) {
            let name = text.substring(with: match.range(at: 1))
            guard match.range(at: 2).location != NSNotFound else {
                result[name] = []
                continue
            }
            // The list runs to its matching bracket (a product's own brackets and parentheses nest inside).
            var depth = 1, end = match.range.location + match.range.length
            while depth > 0, end < text.length {
                let c = text.character(at: end)
                if c == 0x5B { depth += 1 } else if c == 0x5D { depth -= 1 }
                end += 1
            }
            let list = NSRange(location: match.range.location + match.range.length, length: end - 1 - (match.range.location + match.range.length))
            var dependencies: Set<String> = []
            for q in quoted.matches(in: manifest, range: list) where q.range(at: 1).location == NSNotFound {
                dependencies.insert(text.substring(with: q.range(at: 2)))
            }
            result[name] = dependencies
        }
        return result
    }

    /// The graph as Package.swift's header comment draws it: `//   Module → A, B,` lines, a line
    /// without an arrow going on with the module above; a parenthesis is a remark, not a module.
    static func drawn() throws -> [String: Set<String>] {
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        var result: [String: Set<String>] = [:]
        var current: String?
        for line in manifest.components(separatedBy: "\n") {
            guard line.hasPrefix("//   ") else { continue }
            var rest = Substring(line.dropFirst(2))
            if let arrow = rest.range(of: "→") {
                current = rest[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
                result[current!] = []
                rest = rest[arrow.upperBound...]
            }
            guard let module = current else { continue }
            for name in rest.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !name.isEmpty && !name.hasPrefix("(") {
                result[module]!.insert(name)
            }
        }
        return result
    }

    func testEveryModuleImportsOnlyWhatTheGraphAllows() throws {
        let sources = try Self.sources()
        XCTAssertEqual(Set(sources.keys), Set(Self.allowed.keys), "every Swift module of Sources/ has its line in the graph, and no other")
        for (module, files) in sources {
            let allowed = Self.allowed[module] ?? []
            var used: Set<String> = []
            for file in files {
                for (imported, line) in Self.imports(try String(contentsOf: file, encoding: .utf8)) where !Self.system.contains(imported) {
                    used.insert(imported)
                    XCTAssertTrue(allowed.contains(imported),
                                  "\(module)/\(file.lastPathComponent):\(line) imports \(imported), which the graph does not allow \(module)")
                }
            }
            XCTAssertEqual(used, allowed, "\(module): the graph allows imports no file makes (or the reverse); keep them one")
        }
    }

    func testPackageSwiftDeclaresAndDrawsTheSameGraph() throws {
        let declared = try Self.declared(), drawn = try Self.drawn()
        XCTAssertEqual(Set(drawn.keys), Set(Self.allowed.keys), "the modules in Package.swift's header comment")
        for (module, allowed) in Self.allowed {
            XCTAssertEqual(declared[module], allowed, "Package.swift's dependencies of \(module)")
            XCTAssertEqual(drawn[module], allowed, "Package.swift's header comment: the arrows from \(module)")
        }
    }

    func testNoModuleAboveHematoFilesUsesErrno() throws {
        let word = try NSRegularExpression(pattern: #"\b("# + Self.filesOnly.joined(separator: "|") + #")\b"#)
        var checked = 0
        for (module, files) in try Self.sources() where module != "HematoFiles" {
            for file in files {
                for (n, line) in try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n").enumerated() {
                    let code = Self.code(line)
                    if let match = word.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)), let found = Range(match.range, in: code) {
                        XCTFail("\(module)/\(file.lastPathComponent):\(n + 1) uses \(code[found]); system calls and errno belong in HematoFiles")
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 100, "the sources were found")
    }

    /// The readers above see what they should, so a pass means something.
    func testTheReadersFindImportsAndCodeTheWayTheyAreWritten() {
        let text = "import Foundation\n@testable import HematoReview\nimport struct HematoFiles.FileError\n// import Nothing\nlet x = 1 // errno\n"
        XCTAssertEqual(Self.imports(text).map(\.module), ["Foundation", "HematoReview", "HematoFiles"])
        XCTAssertEqual(Self.code("let x = 1 // errno"), "let x = 1 ")
    }
}
