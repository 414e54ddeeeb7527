import GridClientCore
import GridFiles
import Shared

/// The command line (`:`): history, Tab completion, and running what was typed.
extension TUIModel {
    /// How many commands the line remembers.
    static let commandHistoryDepth = 50

    mutating func openCommandLine() {
        mode = .command(LineEditor())
        commandHistoryIndex = nil
    }

    /// Up and Down walk through earlier commands; past the newest the line is empty again.
    mutating func browseCommands(by delta: Int) {
        guard case .command = mode, !commandHistory.isEmpty else { return }
        let index = max(0, (commandHistoryIndex ?? commandHistory.count) + delta)
        if index >= commandHistory.count {
            commandHistoryIndex = nil
            mode = .command(LineEditor())
        } else {
            commandHistoryIndex = index
            mode = .command(LineEditor(commandHistory[index]))
        }
    }

    /// Completes the command name; a file name needs the directory listed first, which the app
    /// does (`TUIEffect.listDirectory`) before calling `completeCommand(files:)`.
    mutating func completeCommand() -> [TUIEffect] {
        guard case .command(let editor) = mode else { return [] }
        if let directory = TUICommand.directoryToList(editor.text) { return [.listDirectory(directory)] }
        completeCommand(files: [])
        return []
    }

    public mutating func completeCommand(files: [String]) {
        guard case .command(let editor) = mode else { return }
        let (text, choices) = TUICommand.complete(editor.text, files: files)
        mode = .command(LineEditor(text))
        if choices.count > 1 { notice = Notice(choices.prefix(12).joined(separator: "  ") + (choices.count > 12 ? "  …" : "")) }
    }

    mutating func runCommand(_ line: String) -> [TUIEffect] {
        let text = line.trimmingSpaces
        guard !text.isEmpty else { return [] }
        if commandHistory.last != text { commandHistory.append(text) }
        if commandHistory.count > Self.commandHistoryDepth { commandHistory.removeFirst(commandHistory.count - Self.commandHistoryDepth) }
        let command: TUICommand
        do {
            command = try TUICommand.parse(text)
        } catch {
            notice = Notice(":\(text): \(error.message)", isError: true)
            return [.bell]
        }
        switch command {
        case .importFile(let request):
            notice = Notice("Reading \(request.path)…")
            return [.importFile(request)]
        case .exportFile(var request):
            if request.range == nil { request.range = selection }
            selectionAnchor = nil
            notice = Notice("Writing \(request.path)…")
            return [.exportFile(request)]
        case .sort(let column, let descending):
            return sort(column: column, descending: descending)
        case .fill(let direction):
            return fill(direction)
        case .goto(let cell):
            moveCursor(to: cell)
        case .setWidth(let width):
            let rect = target
            for column in rect.low.column...rect.high.column { widths.set(column: column, to: width) }
            keepCursorInView()
        case .help:
            mode = .help(scroll: 0)
        }
        return []
    }

    /// A file for `:import` was read: its cells go out as multi-cell edits of one import group,
    /// in order; acks show the progress.
    public mutating func importLoaded(_ request: ScriptCommand.FileImport, _ result: Result<ImportedSheet, GridFileError>) -> [TUIEffect] {
        let sheet: ImportedSheet
        switch result {
        case .success(let read): sheet = read
        case .failure(let error):
            notice = Notice("import \(request.path): \(error.description); nothing was written", isError: true)
            return finish([.bell])
        }
        let chunks = ImportChunks().split(sheet.cells.map { ($0.0.description, $0.1) })
        guard !chunks.isEmpty else {
            notice = Notice("\(request.path) holds no cells; nothing was written")
            return finish([])
        }
        let group = "import-" + ClientState.randomClientID()
        var frames: [ClientMessage] = []
        var ops: Set<String> = []
        for chunk in chunks {
            let made = state.makeMultiEdit(chunk, label: "import", group: group)
            ops.insert(made.op)
            if let frame = made.frame { frames.append(frame) }
        }
        importing = ImportProgress(path: request.path, ops: ops, cells: sheet.cells.count)
        notice = Notice("Importing \(request.path): 0 of \(sheet.cells.count) cells")
        return finish(frames.isEmpty ? [] : [.send(frames)])
    }

    /// An import chunk was answered: the progress moves, and at the end says how it went.
    mutating func importAnswered(op: String, cells: Int, lost: Bool) {
        guard var progress = importing, progress.ops.remove(op) != nil else { return }
        if lost { progress.lostChunks += 1 } else { progress.acked += cells }
        importing = progress.ops.isEmpty ? nil : progress
        if !progress.ops.isEmpty {
            notice = Notice("Importing \(progress.path): \(progress.acked) of \(progress.cells) cells")
        } else if progress.lostChunks == 0 {
            notice = Notice("Imported \(progress.cells) cells from \(progress.path), one history entry")
        } else {
            notice = Notice("import \(progress.path): \(progress.lostChunks) chunk(s) lost to others' edits; \(progress.acked) of \(progress.cells) cells written; import again for the rest", isError: true)
        }
    }

    /// An `:export` finished (or failed).
    public mutating func fileDone(_ message: String, isError: Bool) -> [TUIEffect] {
        notice = Notice(message, isError: isError)
        return finish(isError ? [.bell] : [])
    }
}

/// An `:import` under way: its chunks not yet answered, and the cells acked so far.
public struct ImportProgress: Hashable, Sendable {
    public var path: String
    public var ops: Set<String>
    public var cells: Int
    public var acked = 0
    public var lostChunks = 0
}
