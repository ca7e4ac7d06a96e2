import CCursesShim
import CNCursesW
import Foundation
import HematoFiles

/// Copies a `CellGrid` to the terminal through ncurses, and restores the
/// terminal on every way out. The only file that calls curses.
final class CursesBackend {
    private var pairs: [Style: Int16] = [:]
    private(set) var width: Int = 0
    private(set) var height: Int = 0
    private let colours: Bool
    private var active = false
    /// Keys are read by a thread of ours, not curses' getch, which cannot say when each arrived.
    private let keys: TerminalInput
    /// Bracketed paste: the terminal marks pasted text, which `InputDecoder` refuses as keys. Off
    /// again on every way out (`end`, `suspend`), or the shell would get the markers.
    static let bracketedPasteOn = "\u{1B}[?2004h", bracketedPasteOff = "\u{1B}[?2004l"

    init() {
        setlocale(LC_ALL, "")
        initscr()
        active = true
        raw()
        noecho()
        keypad(hv_stdscr(), true)  // curses reads no keys (TerminalInput does); this sets the keypad mode the decoder expects
        // The picture is written around curses, which believes its cells blank: curses must never
        // shift a row's cells (insert/delete character) or whole rows (insert/delete line, scrolling)
        // to save bytes, or the picture moves with the sidebar's text.
        idlok(hv_stdscr(), false)
        idcok(hv_stdscr(), false)
        curs_set(0)
        typeahead(-1)  // else curses cuts a redraw short whenever keys wait on stdin, which TerminalInput reads, not curses
        keys = TerminalInput()  // once the terminal is raw, so each key arrives as it is pressed
        colours = has_colors()
        if colours {
            start_color()
            use_default_colors()
        }
        refreshSize()
    }

    /// Turned on once curses has drawn (and switched to its screen), not before.
    private var pasteMarked = false

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
        if !pasteMarked {
            pasteMarked = true
            writeRaw(Self.bracketedPasteOn)
        }
    }

    /// Forget what is on screen; the next `show` redraws every cell.
    func invalidate() { clearok(hv_stdscr(), true) }

    enum Input {
        case key(Key)
        /// Several keys at once or a bracketed paste (InputDecoder): never commands.
        case paste(text: String, count: Int)
        case resize
    }

    /// The next input, or nil when none came within 15 ms (so pictures and predictions from the
    /// workers show promptly). A window size change is noticed here, whatever the keys are doing.
    func input() -> Input? {
        if Signals.takeWindowChange() {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 {
                resizeterm(Int32(size.ws_row), Int32(size.ws_col))
            }
            refreshSize()
            return .resize
        }
        switch keys.next(waiting: 15) {
        case .key(let k)?: return .key(k)
        case .paste(let text, let count)?: return .paste(text: text, count: count)
        case nil: return nil
        }
    }

    /// Ctrl-Z: give the terminal back, stop until `fg`, then take it again.
    func suspend() {
        writeRaw(Self.bracketedPasteOff)
        endwin()
        kill(getpid(), SIGSTOP)
        refresh()
        invalidate()
        writeRaw(Self.bracketedPasteOn)
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
        try? WriteAll.write(STDOUT_FILENO, Array(("\u{1B}7" + text + "\u{1B}8").utf8))
    }

    /// Puts the terminal back as it was. Safe to call twice.
    func end() {
        guard active else { return }
        active = false
        keys.stop()
        writeRaw(Self.bracketedPasteOff)
        endwin()
    }

    deinit { end() }
}
