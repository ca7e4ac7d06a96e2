import HematoReview

/// Bytes from the terminal, stamped with the time they arrived, become keys and pastes.
///
/// Two things curses cannot tell the review loop, because it hands out one key at a time
/// without saying when each arrived:
/// - **Esc then a key, typed quickly**, arrives as the two bytes a terminal sends for Alt+key.
///   They become `.alt(key)`, and `Keymap.resolved` turns an Alt+key that means nothing into
///   Esc then the key.
/// - **Pasted text** must never become decisions (a shell command typed into the wrong window
///   once relabelled images). A terminal in bracketed-paste mode (`CSI ?2004h`, which
///   `CursesBackend` turns on) wraps a paste in `CSI 200~` … `CSI 201~`. Elsewhere a paste shows
///   itself by speed: the keys of one burst arrive within `burstGap` of each other, and a burst
///   of more than one key is a paste.
///
/// Pure: `CursesBackend`'s reader thread feeds it what `read` returned and when.
public struct InputDecoder: Sendable {
    public enum Event: Equatable, Sendable {
        case key(Key)
        /// Several keys at once, or a bracketed paste: `text` is what was pasted (printable
        /// characters and line breaks; the first `pasteKeep` bytes of it), `count` how many keys
        /// or bytes it held.
        case paste(text: String, count: Int)
    }

    /// Keys closer together than this belong to one burst. Terminals write a paste (and tmux
    /// its send-keys) in one go, microseconds apart, or in network-sized pieces a millisecond or
    /// two apart. A person's separate key presses are further apart: the fastest key repeat
    /// common systems offer is one key per 15 ms (macOS; X11 and Windows default to 25–40 ms),
    /// and deciding an image takes hundreds of milliseconds. 12 ms sits between the two. It is
    /// also how long a lone Esc waits for the rest of a sequence (curses waited 25 ms).
    public static let burstGap = 0.012
    /// A piece of a paste arriving this soon after the last was refused (a slow link that splits
    /// the paste into pieces further apart than `burstGap`) is refused with it: nobody reads a
    /// message and presses a key within 0.1 s. (Not after a bracketed paste, whose end is marked.)
    public static let pasteTail = 0.1
    /// A bracketed paste whose end marker never comes (the terminal died mid-paste) ends after
    /// this much silence, so the keys typed afterwards are keys again.
    public static let unterminatedPaste = 1.0
    /// Pasted text kept (for a prompt, which takes pasted text as typed); the rest is only counted.
    public static let pasteKeep = 4096

    private enum Item { case key(Key), paste(String, Int), pasteStart }

    /// The bytes of the burst still open that are not decoded yet (an Esc that may start a
    /// sequence, half a UTF-8 character), and what the burst held so far.
    private var pending: [UInt8] = []
    private var items: [Item] = []
    private var burstStart: Double = 0
    private var lastArrival: Double = -.infinity
    /// Until when a new burst is refused as the tail of a paste.
    private var refuseUntil: Double = -.infinity
    /// Inside a bracketed paste: its bytes, its length, how far into the end marker the last bytes were.
    private var pasting = false
    private var pasteBytes: [UInt8] = []
    private var pasteCount = 0
    private var endMatched = 0
    private static let pasteStart: [UInt8] = Array("\u{1B}[200~".utf8)
    private static let pasteEnd: [UInt8] = Array("\u{1B}[201~".utf8)

    public init() {}

    /// Whether a burst is open: `CursesBackend` calls `finish` once `burstGap` (or, in a
    /// bracketed paste, `unterminatedPaste`) has passed since `lastByteTime` without more.
    public var waiting: Bool { pasting || !pending.isEmpty || !items.isEmpty }
    public var lastByteTime: Double { lastArrival }
    /// How long after the last byte the open burst ends.
    public var quietNeeded: Double { pasting ? Self.unterminatedPaste : Self.burstGap }

    /// Bytes that arrived at `time` (seconds, any clock that only goes forward). Returns what
    /// a burst that ended before them held.
    public mutating func feed(_ bytes: [UInt8], at time: Double) -> [Event] {
        var out: [Event] = []
        if waiting && time - lastArrival >= quietNeeded { out = finish() }
        if !waiting { burstStart = time }
        lastArrival = time
        for byte in bytes {
            if pasting {
                takePasted(byte)
            } else {
                pending.append(byte)
                decodePending(atEnd: false)
            }
        }
        return out
    }

    /// Ends the open burst (its bytes have all come): what it held, as one key or one paste.
    public mutating func finish() -> [Event] {
        if pasting { endPaste() }
        decodePending(atEnd: true)
        defer { items = [] }
        let refused = burstStart < refuseUntil
        switch items.count {
        case 0:
            return []
        case 1 where !refused:
            if case .key(let k) = items[0] { return [.key(k)] }
        default:
            break
        }
        var text = "", count = 0
        for item in items {
            switch item {
            case .key(let k):
                count += 1
                if text.utf8.count < Self.pasteKeep { text += Self.text(of: k) }
            case .paste(let t, let n):
                count += n
                if text.utf8.count < Self.pasteKeep { text += t }
            case .pasteStart:
                break
            }
        }
        // Only a paste told by its speed can have a tail split off by a slow link; a bracketed one
        // ends at its marker, and the key after it (Enter in a prompt) is a key.
        if items.contains(where: { if case .key = $0 { true } else { false } }) { refuseUntil = lastArrival + Self.pasteTail }
        return [.paste(text: text, count: count)]
    }

    /// What a key of a burst stands for as pasted text.
    private static func text(of key: Key) -> String {
        switch key {
        case .character(let c): return String(c)
        case .enter: return "\n"
        case .tab: return "\t"
        default: return ""
        }
    }

    // MARK: bracketed paste

    private mutating func takePasted(_ byte: UInt8) {
        if byte == Self.pasteEnd[endMatched] {
            endMatched += 1
            if endMatched == Self.pasteEnd.count { endPaste() }
            return
        }
        for b in Self.pasteEnd.prefix(endMatched) { keepPasted(b) }  // not the end marker after all
        endMatched = 0
        if byte == Self.pasteEnd[0] { endMatched = 1 } else { keepPasted(byte) }
    }

    private mutating func keepPasted(_ byte: UInt8) {
        pasteCount += 1
        if pasteBytes.count < Self.pasteKeep { pasteBytes.append(byte) }
    }

    private mutating func endPaste() {
        // Printable text and line breaks only: a prompt types what it is given.
        let text = String(String(decoding: pasteBytes, as: UTF8.self).unicodeScalars
            .filter { $0 == "\n" || $0 == "\r" || $0 == "\t" || ($0.value >= 0x20 && $0.value != 0x7F && !(0x80..<0xA0).contains($0.value)) }
            .map(Character.init)).replacingOccurrences(of: "\r", with: "\n")
        items.append(.paste(text, pasteCount))
        pasting = false
        pasteBytes = []
        pasteCount = 0
        endMatched = 0
    }

    // MARK: keys

    /// Takes every whole key off the front of `pending`. `atEnd`: no more bytes of this burst
    /// will come, so a lone Esc is Esc and a cut sequence is what it is.
    private mutating func decodePending(atEnd: Bool) {
        while !pending.isEmpty && !pasting {
            guard let (item, used) = Self.decode(pending[...], atEnd: atEnd) else { return }
            pending.removeFirst(used)
            if let item {
                if case .pasteStart = item {
                    pasting = true
                    // The rest of this read belongs to the paste.
                    let rest = pending
                    pending = []
                    for b in rest { takePasted(b) }
                } else {
                    items.append(item)
                }
            }
        }
    }

    /// The first key in `bytes` and how many bytes it took; nil when more bytes are needed to tell.
    private static func decode(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Item?, Int)? {
        let first = bytes[bytes.startIndex]
        if first == 0x1B { return decodeEscape(bytes, atEnd: atEnd) }
        guard let (key, used) = plainKey(bytes, atEnd: atEnd) else { return nil }
        return (.key(key), used)
    }

    /// A key that does not start with Esc: a control byte, ASCII, or one UTF-8 character.
    private static func plainKey(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Key, Int)? {
        let first = bytes[bytes.startIndex]
        switch first {
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x09: return (.tab, 1)
        case 0x7F: return (.unknown("^?"), 1)  // Backspace on most terminals (PromptKeys erases with it)
        case 1...26: return (.control(Character(UnicodeScalar(first + 96))), 1)
        case 0x00, 0x1C...0x1F: return (.unknown("^" + String(UnicodeScalar(first + 64))), 1)
        case 0x20...0x7E: return (.character(Character(UnicodeScalar(first))), 1)
        default:
            let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
            if bytes.count < length && !atEnd { return nil }
            let piece = Array(bytes.prefix(length))
            var parser = Unicode.UTF8.ForwardParser()
            var input = piece.makeIterator()
            if case .valid(let encoded) = parser.parseScalar(from: &input), encoded.count == piece.count,
               let scalar = String(decoding: encoded, as: UTF8.self).unicodeScalars.first,
               !(0x80..<0xA0).contains(scalar.value), !(0x2028...0x202E).contains(scalar.value), !(0x2066...0x2069).contains(scalar.value) {
                return (.character(Character(scalar)), piece.count)
            }
            return (.unknown(DisplayName.escaped(bytes: [first])), 1)
        }
    }

    /// Esc alone, Esc and a key (Alt+key, or Esc then a key typed within `burstGap`), or a
    /// control sequence (`CSI … final`, `SS3 final`).
    private static func decodeEscape(_ bytes: ArraySlice<UInt8>, atEnd: Bool) -> (Item?, Int)? {
        let s = bytes.startIndex
        guard bytes.count >= 2 else { return atEnd ? (.key(.escape), 1) : nil }
        let second = bytes[s + 1]
        if second == UInt8(ascii: "[") {
            // Parameters and intermediates (0x20–0x3F), then one final byte (0x40–0x7E).
            var i = s + 2
            while i < bytes.endIndex && (0x20...0x3F).contains(bytes[i]) && i - s < 32 { i += 1 }
            guard i < bytes.endIndex else {
                if !atEnd { return nil }
                // Cut short: Esc then "[" typed quickly is Alt+[, anything longer an unknown sequence.
                return bytes.count == 2 ? (.key(.alt(.character("["))), 2) : (.key(.unknown(DisplayName.escaped(bytes: Array(bytes)))), bytes.count)
            }
            let sequence = Array(bytes[s...i])
            if sequence == pasteStart { return (.pasteStart, sequence.count) }
            if sequence == pasteEnd { return (nil, sequence.count) }  // an end with no start: nothing
            return (.key(csiKey(Array(bytes[(s + 2)...i])) ?? .unknown(DisplayName.escaped(bytes: sequence))), sequence.count)
        }
        if second == UInt8(ascii: "O") {
            guard bytes.count >= 3 else { return atEnd ? (.key(.alt(.character("O"))), 2) : nil }
            let final = bytes[s + 2]
            let key: Key? = switch final {
            case UInt8(ascii: "A"): .up
            case UInt8(ascii: "B"): .down
            case UInt8(ascii: "C"): .right
            case UInt8(ascii: "D"): .left
            case UInt8(ascii: "H"): .home
            case UInt8(ascii: "F"): .end
            case UInt8(ascii: "M"): .enter
            default: nil
            }
            return (.key(key ?? .unknown(DisplayName.escaped(bytes: Array(bytes.prefix(3))))), 3)
        }
        if second == 0x1B { return (.key(.alt(.escape)), 2) }
        guard let (key, used) = plainKey(bytes.dropFirst(), atEnd: atEnd) else { return nil }
        return (.key(.alt(key)), used + 1)
    }

    /// The keys sent as `CSI parameters final`: arrows, Home, End, PgUp, PgDn (xterm, VT220 and rxvt forms).
    private static func csiKey(_ body: [UInt8]) -> Key? {
        switch String(decoding: body, as: UTF8.self) {
        case "A": return .up
        case "B": return .down
        case "C": return .right
        case "D": return .left
        case "H", "1~", "7~": return .home
        case "F", "4~", "8~": return .end
        case "5~": return .pageUp
        case "6~": return .pageDown
        default: return nil
        }
    }
}
