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
            sheet = try GridFileTransfer.read(request)
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

    /// Writes the grid to a file (`GridFileTransfer.write`) and prints a summary line.
    func exportFile(_ request: ScriptCommand.FileExport, session: HeadlessSession) async throws {
        let started = ContinuousClock.now
        let cells: Int
        do {
            cells = try GridFileTransfer.write(request, state: await session.state, computed: await session.computed)
        } catch {
            throw Failure(message: "export \(request.path): \(error.description)", exitCode: TUIExitCode.failed.rawValue)
        }
        let seconds = Self.seconds(since: started)
        if !quiet { output.line(Self.summary(["export": request.path, "cells": cells, "seconds": seconds])) }
    }

    private static func ackedCells(of ops: Set<String>, _ session: HeadlessSession) async -> Int {
        ackedCells(of: ops, await session.state)
    }

    private static func ackedCells(of ops: Set<String>, _ state: ClientState) -> Int {
        state.edits.filter { ops.contains($0.op) && $0.ackedVersion != nil }.reduce(0) { $0 + $1.cells.count }
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
