import CSV
import Foundation
import Shared

/// CSV import and export (RFC 4180), over yaslab/CSV.swift.
///
/// Import: UTF-8 with or without a BOM; CRLF, LF or CR line ends; quoted fields may hold
/// delimiters, quotes (`""`) and line breaks; any single-character delimiter. `CSVScan` checks the
/// whole file first (see its rules), so a bad file fails with its line and column and yields nothing.
/// Empty fields make no cell. Export: UTF-8 without a BOM, CRLF after every record (RFC 4180),
/// fields quoted only when they hold the delimiter, a quote, CR or LF.
public enum CSVFile {
    /// Reads a CSV file. `at`: where the file's first cell lands. Validates everything (quotes,
    /// encoding, bounds, value size) before returning; nothing partial.
    public static func read(
        _ url: URL,
        at origin: CellAddress = CellAddress(column: 0, row: 0)!,
        delimiter: Character = ",",
        limits: ImportLimits = .init()
    ) throws(GridFileError) -> ImportedSheet {
        let data = try FileIO.read(url)
        return try read(bytes: [UInt8](data), at: origin, delimiter: delimiter, limits: limits, name: FileIO.displayName(url))
    }

    /// Reads CSV from memory (standard input, tests). `name` is what errors call the input.
    public static func read(
        bytes: [UInt8],
        at origin: CellAddress = CellAddress(column: 0, row: 0)!,
        delimiter: Character = ",",
        limits: ImportLimits = .init(),
        name: String? = nil
    ) throws(GridFileError) -> ImportedSheet {
        do {
            return try parse(bytes, origin: origin, delimiter: delimiter, limits: limits)
        } catch {
            throw error.naming(name)
        }
    }

    /// Writes rows × columns of text (what cells show or hold) as RFC 4180 CSV: UTF-8 without a BOM,
    /// CRLF after each record, fields quoted when needed. The file is replaced atomically.
    public static func write(_ rows: [[String]], to url: URL, delimiter: Character = ",") throws(GridFileError) {
        let data: Data
        do {
            data = try encode(rows, delimiter: delimiter)
        } catch {
            throw error.naming(FileIO.displayName(url))
        }
        try FileIO.write(data, to: url)
    }

    /// The bytes `write` would store, for callers that send them elsewhere (standard output).
    public static func encode(_ rows: [[String]], delimiter: Character = ",") throws(GridFileError) -> Data {
        let scalar = try delimiterScalar(delimiter)
        let stream = ByteOutputStream(capacity: rows.count * 64)
        stream.open()
        do {
            let writer = try CSVWriter(stream: stream, delimiter: String(scalar), newline: .crlf)
            for row in rows {
                try writer.write(row: row)
            }
            stream.close()
        } catch {
            throw GridFileError(.unwritable, "cannot encode CSV: \(error)")
        }
        var data = Data(stream.bytes)
        // The library separates records but does not end the last one; RFC 4180 allows either, and
        // ending it keeps a final empty record and suits line-oriented tools.
        if !rows.isEmpty { data.append(contentsOf: [0x0D, 0x0A]) }
        return data
    }

    private static func parse(_ bytes: [UInt8], origin: CellAddress, delimiter: Character, limits: ImportLimits) throws(GridFileError) -> ImportedSheet {
        let scalar = try delimiterScalar(delimiter)
        let start: Int
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            start = 3
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw GridFileError(.badEncoding, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8", line: 1, column: 1)
        } else {
            start = 0
        }
        let summary = try bytes.withUnsafeBufferPointer { buffer throws(GridFileError) in
            try CSVScan(bytes: buffer, start: start, delimiter: Array(String(scalar).utf8), origin: origin, limits: limits).run()
        }

        // The scan proved the bytes valid UTF-8, so decoding replaces nothing.
        let text = String(decoding: bytes[start...], as: UTF8.self)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false, trimFields: false, delimiter: scalar)
        } catch {
            throw GridFileError(.unreadable, "cannot read the CSV: \(error)")
        }
        var cells: [(CellAddress, String)] = []
        cells.reserveCapacity(summary.cells)
        var record = 0
        while let row = reader.next() {
            for (field, value) in row.enumerated() where !value.isEmpty {
                guard let address = CellAddress(column: origin.column + field, row: origin.row + record) else {
                    throw disagreement(record: record)
                }
                cells.append((address, value))
            }
            record += 1
        }
        // The scan and the library follow the same rules; a difference would mean a misplaced cell,
        // so it fails loudly rather than importing a shifted grid.
        guard record == summary.records, cells.count == summary.cells else { throw disagreement(record: record) }
        return ImportedSheet(cells: cells)
    }

    private static func disagreement(record: Int) -> GridFileError {
        GridFileError(.unreadable, "the CSV reader and the pre-scan disagree near record \(record + 1); the file was not imported")
    }

    /// One Unicode scalar that cannot be confused with quoting or line ends.
    static func delimiterScalar(_ delimiter: Character) throws(GridFileError) -> Unicode.Scalar {
        let scalars = delimiter.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first, scalar != "\"", scalar != "\r", scalar != "\n" else {
            throw GridFileError(.badArgument, "the CSV delimiter must be one character other than a quote or a line break, not \(String(reflecting: String(delimiter)))")
        }
        return scalar
    }
}
