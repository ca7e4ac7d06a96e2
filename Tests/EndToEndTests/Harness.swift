import Foundation
import XCTest

/// Runs the built `hematovision` the way a person does: in a terminal
/// (a private tmux server), typing keys and reading the screen.
enum Harness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary SwiftPM built beside this test bundle.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("hematovision").path
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String, error: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Runs a command through the shell with popen. Foundation's Process waits on a
    /// descriptor that a daemon it starts (the tmux server) inherits, and never returns.
    @discardableResult
    static func shell(_ arguments: [String]) -> (status: Int32, output: String) {
        let command = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        guard let pipe = popen(command + " 2>/dev/null </dev/null", "r") else { return (-1, "") }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, pipe)
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        let status = pclose(pipe)
        return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
    }

    /// A fresh copy of SampleImages' pictures (without their labels.csv).
    static func sampleFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hv-e2e-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("SampleImages").path)
        where name.hasSuffix(".jpg") {
            try FileManager.default.copyItem(at: root.appendingPathComponent("SampleImages/\(name)"), to: dir.appendingPathComponent(name))
        }
        return dir.path
    }

    /// A copy of the bundled model with its data section edited; `edit` gets each tensor's
    /// byte range within the data. Returns the copy's path (the caller removes it).
    static func modelFile(metadata: (inout [String: String]) -> Void = { _ in },
                          data edit: ([String: Range<Int>], inout [UInt8]) -> Void = { _, _ in }) throws -> String {
        let good = [UInt8](try Data(contentsOf: root.appendingPathComponent("Sources/HematoNet/Resources/hematovision-mobilenetv2.safetensors")))
        let length = good[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var header = try JSONSerialization.jsonObject(with: Data(good[8..<(8 + length)])) as! [String: Any]
        var meta = header["__metadata__"] as! [String: String]
        metadata(&meta)
        header["__metadata__"] = meta
        var ranges: [String: Range<Int>] = [:]
        for (name, value) in header where name != "__metadata__" {
            let offsets = (value as! [String: Any])["data_offsets"] as! [Int]
            ranges[name] = offsets[0]..<offsets[1]
        }
        var data = Array(good[(8 + length)...])
        edit(ranges, &data)
        var json = [UInt8](try JSONSerialization.data(withJSONObject: header))
        while json.count % 8 != 0 { json.append(0x20) }
        let bytes = (0..<8).map { UInt8((json.count >> (8 * $0)) & 0xFF) } + json + data
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hv-model-\(UUID()).safetensors").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The top class PyTorch gave each sample (Training/reference), keyed by labels.csv image number.
    /// The bundled model's classes, as the Python reference names them.
    static func referenceLabels() throws -> [String] { try reference().labels }

    private struct Reference: Decodable { let labels: [String]; let probabilities: [String: [Float]] }
    private static func reference() throws -> Reference {
        let data = try Data(contentsOf: root.appendingPathComponent("Training/reference/sample_probabilities.json"))
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    static func referenceTopClasses() throws -> [String: String] {
        let r = try reference()
        var out: [String: String] = [:]
        for (name, p) in r.probabilities {
            let n = Int(name.dropFirst("BloodImage_".count).prefix(5))!
            out[String(n)] = r.labels[p.indices.max { p[$0] < p[$1] }!]
        }
        return out
    }
}

/// A test with its own copy of SampleImages (`folder`, removed when it ends), and that copy's
/// labels.csv as text.
class SampleFolderTestCase: XCTestCase {
    var folder: String!

    override func setUpWithError() throws { folder = try Harness.sampleFolder() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func csv() throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/labels.csv")), as: UTF8.self)
    }
}

/// A private tmux server with one session; killed when the test ends.
final class TmuxSession {
    let socket = "hv-e2e-\(UUID().uuidString.prefix(8))"
    let name: String

    init(_ command: String, name: String = "t", width: Int = 110, height: Int = 32) throws {
        self.name = name
        try tmux(["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command])
    }

    /// Another session on the same server (a second reviewer's terminal).
    func open(_ command: String, name: String) throws {
        try tmux(["new-session", "-d", "-s", name, "-x", "110", "-y", "32", command])
    }

    func tmux(_ args: [String]) throws {
        // The server's descriptors go to /dev/null, so popen's pipe closes when the client exits.
        let r = Harness.shell(["tmux", "-L", socket] + args)
        if r.status != 0 { throw NSError(domain: "tmux", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: "tmux \(args.first ?? "") failed"]) }
    }

    /// tmux reads a bare "t" as a window of the most recently used session first, so a
    /// key meant for "t" could land in "bob". "=t:" means exactly session t, its current window.
    private func target(_ session: String?) -> String { "=" + (session ?? name) + ":" }

    /// Keys of one call arrive together, as a paste does; separate calls are separate presses, as
    /// a person's are: at least `pressGap` apart, or the review would take them for one burst
    /// (InputDecoder.burstGap) and refuse them as a paste.
    func send(_ keys: String..., session: String? = nil) throws {
        let wait = lastSend.addingTimeInterval(Self.pressGap).timeIntervalSinceNow
        if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
        defer { lastSend = Date() }
        try tmux(["send-keys", "-t", target(session)] + keys)
    }

    static let pressGap = 0.15
    private var lastSend = Date.distantPast

    func screen(_ session: String? = nil) throws -> String {
        Harness.shell(["tmux", "-L", socket, "capture-pane", "-p", "-t", target(session)]).output
    }

    /// The process running in the session's pane.
    func panePID(_ session: String? = nil) throws -> Int32 {
        Int32(Harness.shell(["tmux", "-L", socket, "display", "-p", "-t", target(session), "#{pane_pid}"])
            .output.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    /// Polls the screen until every text appears (send-keys returns before the app has drawn).
    @discardableResult
    func waitFor(_ texts: String..., session: String? = nil, timeout: Double = 20,
                 file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen(session)
            if texts.allSatisfy(last.contains) { return last }
            usleep(50_000)
        }
        // Thrown, not XCTFail'd: XCTest prints a thrown error's description in full, and the
        // screen is what tells a failure in CI apart from another.
        throw ScreenTimeout(texts: texts, screen: last, file: file, line: line)
    }

    deinit { Harness.shell(["tmux", "-L", socket, "kill-server"]) }
}

/// A wait for text that never appeared: where the test waited, for what, and the screen it saw last.
struct ScreenTimeout: Error, CustomStringConvertible {
    let texts: [String]
    let screen: String
    let file: StaticString
    let line: UInt

    var description: String {
        // Block and shade characters (U+2580–U+259F) become "#": XCTest's log dropped a whole
        // message of a few kilobytes of them without a trace (3,000 "▀" vanished, 1,000 printed).
        let plain = String(screen.map { ("\u{2580}"..."\u{259F}").contains($0) ? "#" : $0 })
        let shown = plain.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "| " + $0 }.joined(separator: "\n")
        return "\(file):\(line): timed out waiting for \(texts); the screen was:\n\(shown)"
    }
}
