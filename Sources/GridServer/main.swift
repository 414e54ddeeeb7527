import ArgumentParser
import Foundation
import GridServerKit
import Logging

@main
struct GridServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid-server",
        abstract: "Serves collaborative grids over WebSocket, ordered through Redis and stored in MySQL.",
        subcommands: [Serve.self],
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

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.host = host
        configuration.serverID = serverID
        configuration.redisURL = redisURL ?? environment["REDIS_URL"] ?? configuration.redisURL
        configuration.mysqlURL = mysqlURL ?? environment["MYSQL_URL"] ?? configuration.mysqlURL
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
