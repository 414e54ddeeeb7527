import ArgumentParser
import Foundation
import GridClientCore
import GridTUIKit
import Logging
import Shared

@main
struct GridTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid-tui",
        abstract: "Edit a collaborative grid from the terminal.",
        discussion: """
            Without --headless it opens the full-screen grid (needs a UTF-8 locale such as
            LANG=C.UTF-8); press ? there for the keys.

            Headless mode runs a script, one command per line:
              set A1 42 | clear B2 | clear B2:D9 | paste B2 1\\t2\\n3\\t4 | resolve A1 | sleep 250
              wait A1 42 [ms] | expect A1 42 | dump | users | history N | sync [ms] | settle [ms]
              import FILE [at CELL] [sheet NAME] [delimiter C|tab]
              export FILE [RANGE] [values|formulas] [delimiter C|tab] | echo TEXT | quit

            From the shell: grid-tui import FILE … and grid-tui export FILE … (see their --help).

            Exit codes:
            \(TUIExitCode.table)
            """,
        subcommands: [Open.self, Import.self, Export.self],
        defaultSubcommand: Open.self
    )
}

/// Where to connect and as whom: every subcommand's options.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("server"), help: "Server WebSocket URL, e.g. ws://127.0.0.1:8080/ws; repeat to give fallbacks.")
    var servers: [String] = []

    @Option(help: "Your user name.")
    var user: String

    @Option(help: "The grid to open.")
    var grid: String

    @Option(help: "Access token (default: $GRID_TOKEN). An admin makes one with: grid-server token --user NAME --grid GRID --role editor")
    var token: String?

    @Option(help: "PEM file of the certificate authority that signed a wss:// server's certificate (default: the system's trust store).")
    var ca: String?

    @Option(name: .customLong("log-level"), help: "Diagnostics on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: String = "error"

    func validate() throws {
        if servers.isEmpty { throw ValidationError("give at least one --server ws://HOST:PORT/ws") }
        for server in servers where !(server.hasPrefix("ws://") || server.hasPrefix("wss://")) {
            throw ValidationError("'\(server)' is not a WebSocket URL; use ws://HOST:PORT/ws, or wss://HOST:PORT/ws for TLS")
        }
        for server in servers {
            if let problem = GridClient.tlsAddressProblem(server) { throw ValidationError(problem) }
        }
        if let ca, !FileManager.default.isReadableFile(atPath: ca) {
            throw ValidationError("--ca \(ca): no such readable file; give the PEM file of the CA that signed the server's certificate")
        }
    }

    /// Logging on stderr at the chosen level, and the client's configuration.
    func start(clientName: String) -> (GridClientConfiguration, Logger) {
        signal(SIGPIPE, SIG_IGN)
        let level = Logger.Level(rawValue: logLevel) ?? .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var configuration = GridClientConfiguration(
            servers: servers, user: user, grid: grid, token: token ?? ProcessInfo.processInfo.environment["GRID_TOKEN"]
        )
        configuration.caFile = ca
        configuration.clientName = clientName
        return (configuration, Logger(label: "grid-tui"))
    }
}

/// The grid, full-screen or headless: what `grid-tui` does without a subcommand.
struct Open: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "open", abstract: "Open the grid full-screen, or run a headless script (the default).")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Run a script instead of the full-screen interface.")
    var headless = false

    @Option(help: "Script file for --headless ('-' for standard input).")
    var script: String = "-"

    @Flag(help: "With --headless, also print every message received as one JSON line.")
    var events = false

    @Option(name: .customLong("key-latency-report"), help: "Full-screen mode: on exit, write to this file how long keys took from being read to being on screen (JSON: keys, p50Ms, p99Ms, maxMs).")
    var keyLatencyReport: String?

    @Flag(help: "Full-screen mode: draw with ASCII only (automatic when TERM is vt100-like).")
    var ascii = false

    func run() async throws {
        let (configuration, logger) = connection.start(clientName: headless ? "grid-tui-headless" : "grid-tui")
        guard headless else {
            var app = TUIApp(configuration: configuration, ascii: ascii)
            app.keyLatencyReport = keyLatencyReport
            let code = await app.run(logger: logger)
            if code != 0 { throw ExitCode(code) }
            return
        }
        let code = await HeadlessRunner(configuration: configuration, scriptPath: script, printEvents: events).run(logger: logger)
        if code != 0 { throw ExitCode(code) }
    }
}

/// `grid-tui import FILE`: a CSV or XLSX file into the grid, in chunks of one import.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a CSV or XLSX file (by its extension) into the grid.",
        discussion: """
            The whole file is checked first: a broken quote, bad UTF-8, a file that is not XLSX, a
            cell beyond the grid or a value over the limit is reported with its line and column,
            and nothing is written (exit 6). Otherwise the cells are sent as multi-cell edits of at
            most 10,000 cells, in order; each is applied whole or not at all, and a resend after a
            lost connection never applies one twice. History shows the import as one entry.
            Prints one line: {"cells":…,"chunks":…,"import":FILE,"lostChunks":…,"seconds":…}.
            """
    )

    @Argument(help: "The file: .xlsx is read as XLSX, anything else as CSV.")
    var file: String

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Where the file's first cell lands.")
    var at: String = "A1"

    @Option(help: "XLSX: the sheet to read (default: the first).")
    var sheet: String?

    @Option(help: "CSV: the field delimiter, one character or 'tab'.")
    var delimiter: String = ","

    @Flag(help: "No progress bar and no summary line.")
    var quiet = false

    func validate() throws {
        guard CellAddress(at) != nil else { throw ValidationError("--at \(at): not a cell such as B2") }
        do { _ = try ScriptCommand.delimiter(delimiter) } catch { throw ValidationError("--delimiter: \(error.message)") }
    }

    func run() async throws {
        let (configuration, logger) = connection.start(clientName: "grid-tui-import")
        var request = ScriptCommand.FileImport(path: file)
        request.at = CellAddress(at)!
        request.sheet = sheet
        request.delimiter = try ScriptCommand.delimiter(delimiter)
        var runner = HeadlessRunner(configuration: configuration, commands: [.importFile(request)])
        runner.quiet = quiet
        runner.progress = !quiet && isatty(STDERR_FILENO) == 1
        let code = await runner.run(logger: logger)
        if code != 0 { throw ExitCode(code) }
    }
}

/// `grid-tui export FILE`: what the grid shows, as CSV or XLSX.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the grid (or a range) to a CSV or XLSX file (by its extension).",
        discussion: """
            Values by default: what each cell shows, formulas computed. --formulas writes formulas
            as typed; XLSX always stores a formula with its computed value. The file is replaced
            atomically. Prints one line: {"cells":…,"export":FILE,"seconds":…}.
            """
    )

    @Argument(help: "The file: .xlsx is written as XLSX, anything else as CSV.")
    var file: String

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Only this range, such as B2:E31 (default: from A1 to the last cell in use).")
    var range: String?

    @Flag(help: "Write formulas as typed rather than their values.")
    var formulas = false

    @Option(help: "CSV: the field delimiter, one character or 'tab'.")
    var delimiter: String = ","

    @Flag(help: "No summary line.")
    var quiet = false

    func validate() throws {
        if let range, !range.contains(":") || CellRect(range) == nil {
            throw ValidationError("--range \(range): not a range such as B2:E31")
        }
        do { _ = try ScriptCommand.delimiter(delimiter) } catch { throw ValidationError("--delimiter: \(error.message)") }
    }

    func run() async throws {
        let (configuration, logger) = connection.start(clientName: "grid-tui-export")
        var request = ScriptCommand.FileExport(path: file)
        request.formulas = formulas
        request.delimiter = try ScriptCommand.delimiter(delimiter)
        request.range = range.flatMap(CellRect.init)
        var runner = HeadlessRunner(configuration: configuration, commands: [.exportFile(request)])
        runner.quiet = quiet
        let code = await runner.run(logger: logger)
        if code != 0 { throw ExitCode(code) }
    }
}
