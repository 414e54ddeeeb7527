import ArgumentParser
import Foundation
import GridServerKit
import Logging

@main
struct GridServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid-server",
        abstract: "Serves collaborative grids over WebSocket, ordered through Redis and stored in MySQL.",
        discussion: "Run `grid-server serve --help` for the server's options.",
        subcommands: [Serve.self, Sessions.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (the default).")

    @Option(help: "TCP port for WebSocket clients (ws://HOST:PORT/ws) and /healthz.")
    var port: Int = 8080

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("server-id"), help: "This server's name in presence, sessions and logs; unique per running server.")
    var serverID: String = "grid-1"

    @Option(name: .customLong("redis-url"), help: "redis://[:password@]host:port[/db] (default: $REDIS_URL, else redis://127.0.0.1:16379).")
    var redisURL: String?

    @Option(name: .customLong("mysql-url"), help: "mysql://user[:password]@host:port/database (default: $MYSQL_URL, else mysql://root@127.0.0.1:13306/collabgrid).")
    var mysqlURL: String?

    @Option(name: .customLong("spool-dir"), help: "Folder for session records that could reach neither Redis nor MySQL (default: $GRID_STATE_DIR/spool, else .grid-spool).")
    var spoolDirectory: String?

    @Option(name: .customLong("max-queued-frames"), help: "Frames queued for one client before it is dropped as too slow to read.")
    var maxQueuedFrames: Int = ServerConfiguration.Limits().outboundQueueFrames

    @Option(name: .customLong("max-queued-bytes"), help: "Bytes queued for one client (not yet written to its socket) before it is dropped as too slow to read.")
    var maxQueuedBytes: Int = ServerConfiguration.Limits().outboundQueueBytes

    @Flag(name: .customLong("no-persist"), help: "Never persist grids to MySQL from this server (other servers do).")
    var noPersist = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.host = host
        configuration.serverID = serverID
        configuration.persist = !noPersist
        guard maxQueuedFrames > 0 else { throw ValidationError("--max-queued-frames must be at least 1") }
        configuration.limits.outboundQueueFrames = maxQueuedFrames
        guard maxQueuedBytes >= 65536 else { throw ValidationError("--max-queued-bytes must be at least 65536 (one inbound frame)") }
        configuration.limits.outboundQueueBytes = maxQueuedBytes
        configuration.redisURL = redisURL ?? environment["REDIS_URL"] ?? configuration.redisURL
        configuration.mysqlURL = mysqlURL ?? environment["MYSQL_URL"] ?? configuration.mysqlURL
        configuration.spoolDirectory = spoolDirectory ?? environment["GRID_STATE_DIR"].map { $0 + "/spool" } ?? configuration.spoolDirectory
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level '\(logLevel)'; use trace, debug, info, notice, warning, error or critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "grid-server")
        logger[metadataKey: "server"] = "\(serverID)"
        try await GridServer.run(configuration: configuration, logger: logger)
    }
}

struct Connections: ParsableArguments {
    @Option(name: .customLong("redis-url"), help: "Default: $REDIS_URL.")
    var redisURL: String?

    @Option(name: .customLong("mysql-url"), help: "Default: $MYSQL_URL.")
    var mysqlURL: String?

    var redis: String { redisURL ?? ProcessInfo.processInfo.environment["REDIS_URL"] ?? ServerConfiguration().redisURL }
    var mysql: String { mysqlURL ?? ProcessInfo.processInfo.environment["MYSQL_URL"] ?? ServerConfiguration().mysqlURL }
}

struct Sessions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and repair session records.",
        subcommands: [List.self, Fail.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions as MySQL holds them.")
        @OptionGroup var connections: Connections
        @Option(help: "Only this grid.") var grid: String?
        @Option(help: "Only this status: open, closed or error.") var status: String?

        func run() async throws {
            let lines = try await AdminCommands.listSessions(
                mysqlURL: connections.mysql, grid: grid, status: status, logger: Logger(label: "grid-server")
            )
            for line in lines { print(line) }
        }
    }

    struct Fail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark every session of a server as error (servers also do this by themselves when a heartbeat expires)."
        )
        @OptionGroup var connections: Connections
        @Option(help: "The server id whose sessions to fail.") var server: String

        func run() async throws {
            let count = try await AdminCommands.failSessions(
                server: server, redisURL: connections.redis, mysqlURL: connections.mysql, logger: Logger(label: "grid-server")
            )
            print("failed \(count) session records of server \(server)")
        }
    }
}
