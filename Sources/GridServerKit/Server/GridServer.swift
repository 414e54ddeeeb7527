import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import MySQLClient
import RedisClient
import ServiceLifecycle

/// Builds and runs one grid-server: the WebSocket gateway, the fan-out tails and the persister,
/// all under one ServiceGroup with graceful shutdown on SIGTERM and SIGINT.
public enum GridServer {
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        signal(SIGPIPE, SIG_IGN)
        let redis = RedisClient(configuration: try RedisConfiguration(url: configuration.redisURL), logger: logger)
        let mysql = MySQLClient(configuration: try MySQLConfiguration(url: configuration.mysqlURL), logger: logger)
        defer {
            Task {
                await redis.shutdown()
                await mysql.shutdown()
            }
        }
        try await migrate(mysql, logger: logger)
        let services = ServerServices(configuration: configuration, redis: redis, mysql: mysql, logger: logger)
        let app = buildApplication(services: services, logger: logger)
        let persister = Persister(
            redis: redis, mysql: mysql, serverID: configuration.serverID, configuration: configuration.persister, logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: app), .init(service: services.hubs), .init(service: persister)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }

    /// Applies migrations, waiting for MySQL if it is not up yet: a server may start first.
    static func migrate(_ mysql: MySQLClient, logger: Logger) async throws {
        var attempt = 0
        while true {
            do {
                try await mysql.migrate(Schema.migrations)
                return
            } catch let error as MySQLError where error.isConnectionError && attempt < 600 {
                attempt += 1
                if attempt == 1 { logger.warning("waiting for MySQL to apply migrations", metadata: ["error": "\(error.message)"]) }
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    public static func buildApplication(services: ServerServices, logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("/healthz") { _, _ -> Response in
            let report = await HealthReport.check(services)
            return Response(
                status: report.ok ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: report.json))
            )
        }
        router.ws("/ws") { inbound, outbound, context in
            var session = GridSession(services: services, logger: context.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                let outbox = session.outbox
                group.addTask {
                    for await frame in outbox.frames {
                        if outbox.didOverflow { break }
                        try await outbound.write(.text(frame))
                    }
                }
                await session.run(inbound: inbound)
                try await group.waitForAll()
            }
        }
        var wsLogger = logger
        wsLogger[metadataKey: "server"] = "\(services.configuration.serverID)"
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                webSocketRouter: router,
                configuration: .init(maxFrameSize: services.configuration.limits.maxFrameBytes)
            ),
            configuration: .init(address: .hostname(services.configuration.host, port: services.configuration.port), serverName: "grid-server"),
            logger: wsLogger
        )
    }
}
