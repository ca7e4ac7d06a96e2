/// RFC 4180 records, each with its exact source text, so untouched rows can
/// be written back byte for byte. Quoted fields may hold commas, doubled
/// quotes and line breaks (file names can contain anything).
struct CSVRecord: Equatable {
    var fields: [String]
    /// The record's text including its line ending.
    var text: String
    var lineEnding: String
    /// 1-based line where the record starts.
    var line: Int
}

enum CSVRecords {
    static func parse(_ bytes: [UInt8], name: String) throws(LabelsFileError) -> [CSVRecord] {
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].filter { $0 == 10 }.count + 1
            throw LabelsFileError(file: name, line: line, problem: "binary data (a NUL byte); this is not a CSV text file")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8(bytes) ?? bytes.count
            let line = bytes[..<offset].count(where: { $0 == 10 }) + 1
            throw LabelsFileError(file: name, line: line, problem: "bytes that are not UTF-8 text")
        }
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var recordText = ""
        var inQuotes = false
        var fieldWasQuoted = false
        var line = 1, recordLine = 1, quoteLine = 1
        var chars = Array(text.unicodeScalars)[...]

        func finishRecord(ending: String) {
            fields.append(field)
            records.append(CSVRecord(fields: fields, text: recordText + ending, lineEnding: ending, line: recordLine))
            fields = []; field = ""; recordText = ""; fieldWasQuoted = false
        }

        while let c = chars.popFirst() {
            if inQuotes {
                recordText.unicodeScalars.append(c)
                if c == "\"" {
                    if chars.first == "\"" {
                        recordText.unicodeScalars.append(chars.removeFirst())
                        field.unicodeScalars.append("\"")
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty, !fieldWasQuoted else {
                    throw LabelsFileError(file: name, line: line, problem: "a quote in the middle of an unquoted field")
                }
                inQuotes = true
                fieldWasQuoted = true
                quoteLine = line
                recordText.unicodeScalars.append(c)
            case ",":
                fields.append(field)
                field = ""
                fieldWasQuoted = false
                recordText.unicodeScalars.append(c)
            case "\r" where chars.first == "\n":
                chars.removeFirst()
                finishRecord(ending: "\r\n")
                line += 1
                recordLine = line
            case "\n":
                finishRecord(ending: "\n")
                line += 1
                recordLine = line
            default:
                if fieldWasQuoted {
                    throw LabelsFileError(file: name, line: line, problem: "text after a closing quote")
                }
                field.unicodeScalars.append(c)
                recordText.unicodeScalars.append(c)
            }
        }
        if inQuotes {
            throw LabelsFileError(file: name, line: quoteLine, problem: "a quote that is never closed")
        }
        if !recordText.isEmpty || !fields.isEmpty { finishRecord(ending: "") }
        return records
    }

    /// Where the first byte that is not part of a valid UTF-8 sequence is, in one pass.
    /// (Validating every prefix instead took 13.7 s for a 1 MB file ending in 0xFF, and
    /// blamed a prefix that merely cut a valid character in two.)
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }
}

/// Quoting for one field on the way out.
enum CSVField {
    static func escaped(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || value.hasPrefix(" ") else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation
