import Shared

/// A pass over CSV bytes that finds what is wrong and where, before yaslab/CSV.swift reads the
/// fields. The library reports no positions and silently reads an unterminated quote to the end of
/// the file (and drops a character after a closing quote), so every error is found here instead,
/// and the library only ever sees input it reads the same way this scan does.
///
/// Rules (RFC 4180, with the leniency LibreOffice has where it loses nothing):
/// - Records end at CRLF, LF or a lone CR, inside quotes they are part of the value.
/// - A field starting with `"` is quoted; `""` inside it is one quote. It must close before the end
///   of the file (else `.brokenQuote` at the opening quote), and only a delimiter or a line end may
///   follow the closing quote (else `.brokenQuote` at that character), since the library would drop it.
/// - A `"` inside an unquoted field (`5" disk`) is kept as a literal character, as LibreOffice does.
/// - Bytes must be UTF-8 (`.badEncoding` at the first bad byte); a UTF-8 BOM is skipped.
/// - Non-empty fields must land inside the grid and fit `maxValueBytes` (at the field's first character).
struct CSVScan {
    /// What the scan counted, so the caller can check the library read the same records.
    struct Summary: Sendable, Hashable {
        var records: Int
        var cells: Int
    }

    private enum State {
        case fieldStart, unquoted, quoted, afterQuote
    }

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    let bytes: UnsafeBufferPointer<UInt8>
    /// First byte after the BOM, where line 1 column 1 is.
    let start: Int
    let delimiter: [UInt8]
    let origin: CellAddress
    let limits: ImportLimits

    func run() throws(GridFileError) -> Summary {
        let count = bytes.count
        let firstDelimiterByte = delimiter[0]
        let maxRows = limits.effectiveRows
        let maxColumns = limits.effectiveColumns
        var state = State.fieldStart
        var line = 1
        var lineStart = start
        var record = 0
        var field = 0
        var cells = 0
        var recordHasContent = false
        // Where the current field began and how many bytes its value has (quotes unescaped).
        var fieldLine = 1
        var fieldLineStart = start
        var fieldOffset = start
        var valueBytes = 0

        func finishField() throws(GridFileError) {
            guard valueBytes > 0 else { return }
            let row = origin.row + record
            let column = origin.column + field
            if row >= maxRows || column >= maxColumns {
                let what = row >= maxRows
                    ? "row \(row + 1), past the grid's last row \(maxRows)"
                    : "column \(CellAddress.columnName(column)), past the grid's last column \(CellAddress.columnName(maxColumns - 1))"
                throw error(.outOfBounds, "this value would land in \(what)", offset: fieldOffset, line: fieldLine, lineStart: fieldLineStart)
            }
            if valueBytes > limits.maxValueBytes {
                throw error(.valueTooLarge, "this value is \(valueBytes) bytes; a cell holds at most \(limits.maxValueBytes)",
                            offset: fieldOffset, line: fieldLine, lineStart: fieldLineStart)
            }
            cells += 1
        }

        var i = start
        while i < count {
            let byte = bytes[i]
            var width = 1
            if byte >= 0x80 {
                width = utf8Width(at: i)
                if width == 0 {
                    let hex = String(byte, radix: 16, uppercase: true)
                    throw error(.badEncoding, "the file is not UTF-8: byte 0x\(hex) cannot be read here; save the file as UTF-8",
                                offset: i, line: line, lineStart: lineStart)
                }
            }
            let isNewline = byte == Self.lf || byte == Self.cr
            if isNewline, byte == Self.cr, i + 1 < count, bytes[i + 1] == Self.lf { width = 2 }
            let isDelimiter = byte == firstDelimiterByte && (delimiter.count == 1 || matchesDelimiter(at: i))
            if isDelimiter { width = delimiter.count }

            switch state {
            case .fieldStart:
                recordHasContent = true
                fieldLine = line
                fieldLineStart = lineStart
                fieldOffset = i
                valueBytes = 0
                if byte == Self.quote {
                    state = .quoted
                } else if isDelimiter {
                    field += 1
                } else if isNewline {
                    record += 1
                    field = 0
                    recordHasContent = false
                } else {
                    state = .unquoted
                    valueBytes = width
                }
            case .unquoted:
                if isDelimiter {
                    try finishField()
                    field += 1
                    state = .fieldStart
                } else if isNewline {
                    try finishField()
                    record += 1
                    field = 0
                    recordHasContent = false
                    state = .fieldStart
                } else {
                    valueBytes += width
                }
            case .quoted:
                if byte == Self.quote {
                    if i + 1 < count, bytes[i + 1] == Self.quote {
                        valueBytes += 1
                        width = 2
                    } else {
                        state = .afterQuote
                    }
                } else {
                    valueBytes += width
                }
            case .afterQuote:
                if isDelimiter {
                    try finishField()
                    field += 1
                    state = .fieldStart
                } else if isNewline {
                    try finishField()
                    record += 1
                    field = 0
                    recordHasContent = false
                    state = .fieldStart
                } else {
                    let openColumn = column(of: fieldOffset, lineStart: fieldLineStart)
                    throw error(.brokenQuote,
                                "text after the closing quote of the field opened at \(fieldLine):\(openColumn); "
                                    + "write a quote inside a quoted field as two quotes (\"\")",
                                offset: i, line: line, lineStart: lineStart)
                }
            }
            if isNewline {
                line += 1
                lineStart = i + width
            }
            i += width
        }

        switch state {
        case .quoted:
            throw error(.brokenQuote, "this quote is never closed; the field runs to the end of the file",
                        offset: fieldOffset, line: fieldLine, lineStart: fieldLineStart)
        case .unquoted, .afterQuote:
            try finishField()
            record += 1
        case .fieldStart:
            if recordHasContent { record += 1 }
        }
        return Summary(records: record, cells: cells)
    }

    private func matchesDelimiter(at offset: Int) -> Bool {
        guard offset + delimiter.count <= bytes.count else { return false }
        for k in 1..<delimiter.count where bytes[offset + k] != delimiter[k] { return false }
        return true
    }

    /// Length of the well-formed UTF-8 sequence at `offset` (Unicode's table 3-7), or 0: rejects
    /// stray continuation bytes, overlong forms, surrogates and code points past U+10FFFF.
    private func utf8Width(at offset: Int) -> Int {
        let lead = bytes[offset]
        let width: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: width = 2
        case 0xE0: width = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: width = 3
        case 0xED: width = 3; high = 0x9F
        case 0xF0: width = 4; low = 0x90
        case 0xF1...0xF3: width = 4
        case 0xF4: width = 4; high = 0x8F
        default: return 0
        }
        guard offset + width <= bytes.count else { return 0 }
        let second = bytes[offset + 1]
        guard second >= low, second <= high else { return 0 }
        for k in 2..<width {
            let next = bytes[offset + k]
            guard next >= 0x80, next <= 0xBF else { return 0 }
        }
        return width
    }

    /// 1-based column of `offset` in characters, as an editor counts them. Computed only for an
    /// error, so the scan itself never decodes text; the bytes before `offset` are already validated.
    private func column(of offset: Int, lineStart: Int) -> Int {
        let prefix = UnsafeBufferPointer(rebasing: bytes[lineStart..<offset])
        return String(decoding: prefix, as: UTF8.self).count + 1
    }

    private func error(_ code: GridFileError.Code, _ message: String, offset: Int, line: Int, lineStart: Int) -> GridFileError {
        GridFileError(code, message, line: line, column: column(of: offset, lineStart: lineStart))
    }
}
