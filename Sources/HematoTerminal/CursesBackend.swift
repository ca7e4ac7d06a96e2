import CCursesShim
import CNCursesW
import Foundation
import HematoReview

/// Copies a `CellGrid` to the terminal through ncurses, and restores the
/// terminal on every way out. The only file that calls curses.
final class CursesBackend {
    private var pairs: [Style: Int16] = [:]
    private(set) var width: Int = 0
    private(set) var height: Int = 0
    private let colours: Bool
    private var active = false

    init() {
        setlocale(LC_ALL, "")
        initscr()
        active = true
        raw()
        noecho()
        keypad(hv_stdscr(), true)
        // The picture is written around curses, which believes its cells blank: curses must never
        // shift a row's cells (insert/delete character) or whole rows (insert/delete line, scrolling)
        // to save bytes, or the picture moves with the sidebar's text.
        idlok(hv_stdscr(), false)
        idcok(hv_stdscr(), false)
        curs_set(0)
        set_escdelay(25)
        timeout(15)  // getch returns ERR after 15 ms, so pictures and predictions from the workers show promptly
        colours = has_colors()
        if colours {
            start_color()
            use_default_colors()
        }
        refreshSize()
    }

    func refreshSize() {
        width = Int(getmaxx(hv_stdscr()))
        height = Int(getmaxy(hv_stdscr()))
    }

    /// Draws the grid; curses sends only the cells that changed.
    func show(_ grid: CellGrid) {
        for y in 0..<min(grid.height, height) {
            for x in 0..<min(grid.width, width) {
                // Writing the bottom-right cell scrolls some terminals; leave it alone.
                if y == height - 1 && x == width - 1 { continue }
                let cell = grid[x, y]
                attrset(attributes(cell.style))
                mvaddstr(Int32(y), Int32(x), String(cell.character))
            }
        }
        refresh()
    }

    /// Forget what is on screen; the next `show` redraws every cell.
    func invalidate() { clearok(hv_stdscr(), true) }

    enum Input {
        case key(Key)
        case resize
    }

    /// The next input, or nil when none came within the timeout.
    func input() -> Input? {
        let ch = getch()
        if ch == hv_err() { return nil }
        switch ch {
        case hv_key_resize(): refreshSize(); return .resize
        case hv_key_enter(), 10, 13: return .key(.enter)
        case hv_key_left(): return .key(.left)
        case hv_key_right(): return .key(.right)
        case hv_key_up(): return .key(.up)
        case hv_key_down(): return .key(.down)
        case hv_key_home(): return .key(.home)
        case hv_key_end(): return .key(.end)
        case hv_key_page_up(): return .key(.pageUp)
        case hv_key_page_down(): return .key(.pageDown)
        case 9: return .key(.tab)
        case 27: return escapeOrSequence()
        case 1...26: return .key(.control(Character(UnicodeScalar(UInt8(ch) + 96))))
        case 32...126: return .key(.character(Character(UnicodeScalar(UInt8(ch)))))
        default:
            // Function keys and the like: curses knows their names ("KEY_F(1)", "KEY_HOME").
            let name = keyname(ch).map { String(cString: $0) } ?? "key \(ch)"
            return .key(.unknown(DisplayName.escaped(name)))
        }
    }

    /// A lone Esc, or the start of a sequence curses did not decode (Alt+key arrives as Esc then
    /// the key; Home/End inside some tmux setups as Esc [ 1 ~): the rest is read at once.
    private func escapeOrSequence() -> Input {
        timeout(0)
        defer { timeout(15) }
        var rest: [UInt8] = []
        while rest.count < 16 {
            let next = getch()
            if next == hv_err() { break }
            rest.append(UInt8(truncatingIfNeeded: next))
        }
        if rest.isEmpty { return .key(.escape) }
        if let key = Key(sequenceAfterEscape: rest) { return .key(key) }
        if rest.count == 1, (32...126).contains(rest[0]) { return .key(.unknown("Alt+" + String(UnicodeScalar(rest[0])))) }
        return .key(.unknown(DisplayName.escaped("\u{1B}" + String(decoding: rest, as: UTF8.self))))
    }

    /// Ctrl-Z: give the terminal back, stop until `fg`, then take it again.
    func suspend() {
        endwin()
        kill(getpid(), SIGSTOP)
        refresh()
        invalidate()
    }

    private func attributes(_ s: Style) -> Int32 {
        var a: Int32 = 0
        if s.bold { a |= hv_attr_bold() }
        if s.reverse { a |= hv_attr_reverse() }
        if s.dim { a |= hv_attr_dim() }
        guard colours, s.foreground != nil || s.background != nil else { return a }
        let key = Style(foreground: s.foreground, background: s.background)
        let pair: Int16
        if let p = pairs[key] {
            pair = p
        } else {
            let limit = Int(hv_colors())
            func fit(_ c: UInt8?) -> Int16 { c.map { Int16(Int($0) < limit ? Int($0) : XtermPalette.nearestBasic($0, available: limit)) } ?? -1 }
            pair = Int16(pairs.count + 1)
            guard Int(pair) < Int(hv_color_pairs()) else { return a }
            init_pair(pair, fit(s.foreground), fit(s.background))
            pairs[key] = pair
        }
        return a | hv_color_pair(Int32(pair))
    }

    /// Raw output after curses has drawn (pictures): cursor saved and restored
    /// around it, so curses' idea of the cursor stays right.
    func writeRaw(_ text: String) {
        fflush(nil)  // every C stream, curses' included
        // A terminal that has gone away (SSH dropped) just gets nothing more; SIGHUP ends the loop.
        _ = WriteAll.write(STDOUT_FILENO, Array(("\u{1B}7" + text + "\u{1B}8").utf8))
    }

    /// Puts the terminal back as it was. Safe to call twice.
    func end() {
        guard active else { return }
        active = false
        endwin()
    }

    deinit { end() }
}
