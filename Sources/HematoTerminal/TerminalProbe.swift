import Foundation

/// Asks the terminal what it can do, on /dev/tty, before curses starts:
/// the kitty graphics query followed by DA1 (a kitty terminal answers the query
/// before DA1; a `4` among DA1's parameters means sixel), the cell size in pixels
/// (TIOCGWINSZ, else `CSI 16 t`, else `CSI 14 t` over rows and columns), and
/// whether we are inside tmux. Every question has a short timeout, so a
/// terminal that never answers costs a fraction of a second, never a hang.
public struct TerminalProbe: Sendable {
    public var sixel = false
    public var kitty = false
    public var cellWidth = 0
    public var cellHeight = 0
    public var inTmux = false
    public var tmuxPassthrough = false

    public static func run(environment: [String: String], timeout: Double = 0.3) -> TerminalProbe {
        var probe = TerminalProbe()
        probe.inTmux = environment["TMUX"] != nil
        if probe.inTmux {
            probe.tmuxPassthrough = Self.tmuxOption("allow-passthrough") == "on"
        }
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return probe }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return probe }
        var raw = saved
        cfmakeraw(&raw)
        tcsetattr(fd, TCSANOW, &raw)
        defer { tcsetattr(fd, TCSANOW, &saved) }

        (probe.kitty, probe.sixel) = graphics(fd, inTmux: probe.inTmux, timeout: timeout)
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0, size.ws_xpixel > 0, size.ws_ypixel > 0 {
            // xterm counts its 2-pixel border in these: floor gives the true cell (724/120 → 6).
            probe.cellWidth = Int(size.ws_xpixel) / Int(size.ws_col)
            probe.cellHeight = Int(size.ws_ypixel) / Int(size.ws_row)
        }
        if probe.cellWidth == 0, let r = ask(fd, "\u{1B}[16t", until: UInt8(ascii: "t"), timeout: timeout),
           let n = numbers(r), n.count == 3, n[0] == 6 {
            probe.cellHeight = n[1]
            probe.cellWidth = n[2]
        }
        if probe.cellWidth == 0, size.ws_col > 0, let r = ask(fd, "\u{1B}[14t", until: UInt8(ascii: "t"), timeout: timeout),
           let n = numbers(r), n.count == 3, n[0] == 4 {
            probe.cellHeight = n[1] / Int(size.ws_row)
            probe.cellWidth = n[2] / Int(size.ws_col)
        }
        // tmux's detached sessions report a made-up 16×32 cell; anything odd gets a common default.
        if probe.cellWidth < 4 || probe.cellWidth > 40 || probe.cellHeight < 8 || probe.cellHeight > 80 {
            probe.cellWidth = 0
            probe.cellHeight = 0
        }
        return probe
    }

    /// Which picture protocols the terminal on `fd` (raw mode) answers for. Outside tmux the kitty
    /// query goes first; a terminal that does not know it ignores it and answers DA1 alone. tmux
    /// answers DA1 itself and drops the query, so it is not asked there.
    static func graphics(_ fd: Int32, inTmux: Bool, timeout: Double) -> (kitty: Bool, sixel: Bool) {
        let query = (inTmux ? "" : KittyGraphics.query) + "\u{1B}[c"
        guard let reply = ask(fd, query, until: UInt8(ascii: "c"), after: "\u{1B}[?", timeout: timeout) else { return (false, false) }
        let kitty = !inTmux && KittyGraphics.acceptsQuery(reply)
        let params = reply.split(separator: "?").last?.dropLast() ?? ""
        return (kitty, params.split(separator: ";").contains("4"))
    }

    /// Writes a query and reads the reply up to its final byte, or gives up after `timeout`.
    /// With `after`, the final byte only counts once that text has arrived (the DA1 reply
    /// after a kitty reply, whose text could hold the final byte).
    static func ask(_ fd: Int32, _ query: String, until final: UInt8, after: String? = nil, timeout: Double) -> String? {
        let opener = after.map { Array($0.utf8) }
        tcflush(fd, TCIFLUSH)
        let bytes = Array(query.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { return nil }
        var reply: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = Int32(max(1, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, left) > 0 else { break }
            var b: UInt8 = 0
            guard read(fd, &b, 1) == 1 else { break }
            reply.append(b)
            if b == final, reply.first == 0x1B, opener.map({ contains(reply, $0) }) ?? true {
                return String(decoding: reply, as: UTF8.self)
            }
            if reply.count > 512 { break }
        }
        return nil
    }

    static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        guard bytes.count >= part.count else { return false }
        return (0...(bytes.count - part.count)).contains { bytes[$0..<$0 + part.count].elementsEqual(part) }
    }

    static func numbers(_ reply: String) -> [Int]? {
        let body = reply.drop { !$0.isNumber }.prefix { $0.isNumber || $0 == ";" }
        let n = body.split(separator: ";").compactMap { Int($0) }
        return n.isEmpty ? nil : n
    }

    static func tmuxOption(_ name: String) -> String? {
        guard let pipe = popen("tmux show-options -gv \(name) 2>/dev/null", "r") else { return nil }
        defer { pclose(pipe) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, pipe) != nil else { return nil }
        return String(cString: buffer).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
