import ArgumentParser
import Foundation
import GridTUIKit
import Logging
import GridClientCore
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
              set A1 42 | clear B2 | resolve A1 | sleep 250 | wait A1 42 [ms] | expect A1 42
              dump | users | history N | sync [ms] | settle [ms] | echo TEXT | quit

            Exit codes:
            \(TUIExitCode.table)
            """
    )

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

    @Flag(help: "Run a script instead of the full-screen interface.")
    var headless = false

    @Option(help: "Script file for --headless ('-' for standard input).")
    var script: String = "-"

    @Flag(help: "With --headless, also print every message received as one JSON line.")
    var events = false

    @Option(name: .customLong("log-level"), help: "Diagnostics on stderr: trace, debug, info, notice, warning, error.")
    var logLevel: String = "error"

    @Option(name: .customLong("key-latency-report"), help: "Full-screen mode: on exit, write to this file how long keys took from being read to being on screen (JSON: keys, p50Ms, p99Ms, maxMs).")
    var keyLatencyReport: String?

    @Flag(help: "Full-screen mode: draw with ASCII only (automatic when TERM is vt100-like).")
    var ascii = false

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

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let level = Logger.Level(rawValue: logLevel) ?? .error
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "grid-tui")
        var configuration = GridClientConfiguration(
            servers: servers, user: user, grid: grid, token: token ?? ProcessInfo.processInfo.environment["GRID_TOKEN"]
        )
        configuration.caFile = ca
        configuration.clientName = headless ? "grid-tui-headless" : "grid-tui"
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
