import Foundation
import GridClientCore
import GridFiles
import GridFormula
import Shared

/// `import` and `export` in headless scripts, and so in `grid-tui import` / `grid-tui export`.
extension HeadlessRunner {
    /// Reads the whole file first (a bad one fails here, naming its line and column, and nothing
    /// is sent), then sends it as multi-cell edits of one import group, in order, and waits for
    /// every answer. A chunk that lost (a cell someone else changed meanwhile) fails the import,
    /// after the others landed.
    func importFile(_ request: ScriptCommand.FileImport, session: HeadlessSession) async throws {
        let started = ContinuousClock.now
        let sheet: ImportedSheet
        do {
            sheet = try Self.read(request)
        } catch {
            throw Failure(message: "import \(request.path): \(error.description); nothing was written", exitCode: TUIExitCode.badFile.rawValue)
        }
        let chunks = ImportChunks().split(sheet.cells.map { ($0.0.description, $0.1) })
        let group = "import-" + ClientState.randomClientID()
        var ops: [String] = []
        for chunk in chunks { ops.append(await session.multiEdit(chunk, label: "import", group: group)) }
        let mine = Set(ops)
        var reported = -1
        while true {
            let answered = await session.state.edits.count { mine.contains($0.op) && $0.ackedVersion == nil } == 0
            let acked = await Self.ackedCells(of: mine, session)
            if progress, acked != reported {
                reported = acked
                output.progress("import \(request.path)", done: acked, total: sheet.cells.count)
            }
            if answered { break }
            let timedOut = !(await session.wait(until: .now + .seconds(120)) { state, _, _ in
                state.edits.count { mine.contains($0.op) && $0.ackedVersion == nil } == 0
                    || Self.ackedCells(of: mine, state) != acked
            })
            if timedOut { throw Failure(message: "import \(request.path): no answer from the server for 120 s", exitCode: TUIExitCode.unanswered.rawValue) }
        }
        if progress { output.endProgress() }
        let state = await session.state
        let lost = state.conflicts.filter { mine.contains($0.op) }
        let refused = state.errors.filter { $0.op.map(mine.contains) ?? false }
        let seconds = Self.seconds(since: started)
        let summary = Self.summary(["import": request.path, "cells": sheet.cells.count, "chunks": chunks.count, "lostChunks": lost.count + refused.count, "seconds": seconds])
        if !quiet { output.line(summary) }
        if let conflict = lost.first {
            let moved = (conflict.moved ?? []).prefix(3).map { "\($0.cell) by \($0.winner?.user ?? "?")" }.joined(separator: ", ")
            throw Failure(
                message: "import \(request.path): \(lost.count) of \(chunks.count) chunks lost, because cells had changed meanwhile (\(moved)); the other chunks were applied; import again to write the rest",
                exitCode: TUIExitCode.failed.rawValue
            )
        }
        if let error = refused.first {
            throw Failure(message: "import \(request.path): the server refused a chunk: \(error.code): \(error.message)", exitCode: TUIExitCode.failed.rawValue)
        }
    }

    /// Writes what the grid shows, from A1 (or the range's corner) to its last used cell, as CSV
    /// or XLSX by the file's extension; `formulas` writes formulas rather than their values.
    func exportFile(_ request: ScriptCommand.FileExport, session: HeadlessSession) async throws {
        let started = ContinuousClock.now
        let state = await session.state
        let computed = await session.computed
        let used = state.model.cells.compactMap { $0.value.value == nil ? nil : CellAddress($0.key) }
        let (low, high) = request.range ?? (CellAddress(column: 0, row: 0)!, CellAddress(
            column: used.map(\.column).max() ?? 0, row: used.map(\.row).max() ?? 0
        )!)
        let url = URL(fileURLWithPath: request.path)
        var cells = 0
        do {
            if url.pathExtension.lowercased() == "xlsx" {
                var out: [XLSXFile.Cell] = []
                for address in used where (low.column...high.column).contains(address.column) && (low.row...high.row).contains(address.row) {
                    guard let raw = state.shownValue(of: address.description).value else { continue }
                    let target = CellAddress(column: address.column - low.column, row: address.row - low.row)!
                    let isFormula = raw.hasPrefix("=")
                    if request.formulas || !isFormula {
                        out.append(XLSXFile.Cell(address: target, typed: raw, cached: isFormula ? Self.cached(computed.sheet.value(address)) : nil))
                    } else {
                        out.append(XLSXFile.Cell(address: target, typed: Self.typedValue(computed.sheet.value(address))))
                    }
                }
                cells = out.count
                try XLSXFile.write(out.sorted { ($0.address.row, $0.address.column) < ($1.address.row, $1.address.column) }, to: url)
            } else {
                var rows: [[String]] = []
                for row in low.row...high.row {
                    var line: [String] = []
                    for column in low.column...high.column {
                        let address = CellAddress(column: column, row: row)!
                        guard let raw = state.shownValue(of: address.description).value else { line.append(""); continue }
                        cells += 1
                        line.append(request.formulas ? raw : computed.displayText(address))
                    }
                    rows.append(line)
                }
                while let last = rows.last, last.allSatisfy(\.isEmpty), rows.count > 1 { rows.removeLast() }
                try CSVFile.write(rows, to: url, delimiter: request.delimiter)
            }
        } catch {
            throw Failure(message: "export \(request.path): \(error.description)", exitCode: TUIExitCode.failed.rawValue)
        }
        let seconds = Self.seconds(since: started)
        if !quiet { output.line(Self.summary(["export": request.path, "cells": cells, "seconds": seconds])) }
    }

    private static func read(_ request: ScriptCommand.FileImport) throws(GridFileError) -> ImportedSheet {
        let url = URL(fileURLWithPath: request.path)
        if url.pathExtension.lowercased() == "xlsx" {
            return try XLSXFile.read(url, sheet: request.sheet, at: request.at)
        }
        return try CSVFile.read(url, at: request.at, delimiter: request.delimiter)
    }

    private static func ackedCells(of ops: Set<String>, _ session: HeadlessSession) async -> Int {
        ackedCells(of: ops, await session.state)
    }

    private static func ackedCells(of ops: Set<String>, _ state: ClientState) -> Int {
        state.edits.filter { ops.contains($0.op) && $0.ackedVersion != nil }.reduce(0) { $0 + $1.cells.count }
    }

    private static func cached(_ value: FormulaValue) -> XLSXFile.CachedValue? {
        switch value {
        case .number(let number): .number(number)
        case .text(let text): .text(text)
        case .boolean(let flag): .boolean(flag)
        case .error(let error): .error(error.rawValue)
        case .blank: nil
        }
    }

    /// A formula's value as typed text, for an export of values only.
    private static func typedValue(_ value: FormulaValue) -> String {
        switch value {
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .text(let text): "'" + text
        case .boolean(let flag): flag ? "TRUE" : "FALSE"
        case .error(let error): error.rawValue
        case .blank: ""
        }
    }

    /// Milliseconds of precision are enough for a summary line.
    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = (ContinuousClock.now - start).components
        return ((Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18) * 1000).rounded() / 1000
    }

    private static func summary(_ fields: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
