import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import MySQLClient
import NIOSSL
import RedisClient
import ServiceLifecycle

/// Builds and runs one grid-server: the WebSocket gateway, the fan-out tails and the persister,
/// all under one ServiceGroup with graceful shutdown on SIGTERM and SIGINT.
public enum GridServer {
    public static func run(configuration: ServerConfiguration, logger: Logger) async throws {
        signal(SIGPIPE, SIG_IGN)
        switch configuration.authentication {
        case nil:
            throw ServerConfigurationError.noAuthentication
        case .disabled:
            logger.critical(
                "INSECURE: --insecure-no-auth is set; anyone who reaches this port can read and write every grid as any user. Local development only."
            )
        case .tokens:
            logger.info("access tokens required")
        }
        // Certificate problems stop the server before it touches Redis or MySQL.
        let tlsConfiguration = try configuration.tls.map(Self.tlsConfiguration)
        var redisConfiguration = try RedisConfiguration(url: configuration.redisURL)
        redisConfiguration.commandTimeout = configuration.redisCommandTimeout
        redisConfiguration.probeTimeout = configuration.redisProbeTimeout
        redisConfiguration.clientName = "grid-server:" + configuration.serverID.filter { !$0.isWhitespace }
        // On a cluster the tails lease one connection per slot with grids here (`GridTails`), so
        // the lease limit is what bounds them: as many as a server's open files comfortably allow.
        if redisConfiguration.isCluster { redisConfiguration.dedicatedConnectionLimit = 4096 }
        redisConfiguration.waitReplicas = configuration.redisWaitReplicas
        let redis = RedisClient(configuration: redisConfiguration, logger: logger)
        let mysql = MySQLClient(configuration: try MySQLConfiguration(url: configuration.mysqlURL), logger: logger)
        let group: ServiceGroup
        do {
            // The clients work before their services run: migrations and the start-up cleanup
            // must finish before the server accepts anyone.
            try await migrate(mysql, logger: logger)
            let services = try ServerServices(configuration: configuration, redis: redis, mysql: mysql, logger: logger)
            await startUp(services, logger: logger)
            let app = try buildApplication(services: services, tls: tlsConfiguration, logger: logger)
            let persister = Persister(
                redis: redis, mysql: mysql, serverID: configuration.serverID, configuration: configuration.persister,
                metrics: services.metrics, editsWritten: services.editsWritten, logger: logger
            )
            var optional: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if configuration.persist { optional.append(.init(service: persister)) }
            if let after = configuration.idleEvictAfter {
                optional.append(.init(service: IdleEviction(redis: redis, serverID: configuration.serverID, after: after, logger: logger)))
            }
            // The group shuts its services down in reverse order: the database clients come first,
            // so they close last, after everything that uses them has stopped.
            group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: redis), .init(service: mysql)] + optional + [
                        .init(service: app), .init(service: services.hubs),
                        .init(service: HeartbeatService(
                            serverID: configuration.serverID, redis: redis, reaper: services.reaper, hubs: services.hubs,
                            interval: configuration.heartbeatInterval, ttlMilliseconds: configuration.heartbeatTTLMilliseconds, logger: logger
                        )),
                        .init(service: SpoolDrainer(spool: services.spool, mysql: mysql, logger: logger)),
                        .init(service: services.monitor),
                    ],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger
                )
            )
        } catch {
            // Never got to run as services: nothing else will close them.
            await redis.shutdown()
            await mysql.shutdown()
            throw error
        }
        try await group.run()
    }

    /// Before accepting clients: announce this server as alive (so no other server reaps its new
    /// sessions), and end the sessions an earlier run with the same id left behind.
    static func startUp(_ services: ServerServices, logger: Logger) async {
        let id = services.configuration.serverID
        do {
            _ = try await services.redis.command([
                "SET", SessionReaper.heartbeatKey(id), "alive", "PX", String(services.configuration.heartbeatTTLMilliseconds),
            ])
            let ended = try await services.reaper.failSessions(ofServer: id, reason: "server \(id) restarted")
            if ended > 0 { logger.warning("ended sessions left by an earlier run of this server", metadata: ["sessions": "\(ended)"]) }
            // Until the sequencer script is known, edits wait for it to load and may be sent in
            // another order than they came.
            try await GridSchema.Scripts.sequence.preload(services.redis)
            try await GridSchema.Scripts.sequenceMulti.preload(services.redis)
        } catch {
            logger.warning("start-up session cleanup skipped; Redis unreachable", metadata: ["error": "\(error)"])
        }
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

    /// The server side of TLS from PEM files; the error names the file that could not be used.
    static func tlsConfiguration(_ files: ServerConfiguration.TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificateChainPath)
        } catch {
            throw ServerConfigurationError("--tls-cert \(files.certificateChainPath): cannot read a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else { throw ServerConfigurationError("--tls-cert \(files.certificateChainPath): no certificate in the file") }
        do {
            key = try NIOSSLPrivateKey(file: files.privateKeyPath, format: .pem)
        } catch {
            throw ServerConfigurationError("--tls-key \(files.privateKeyPath): cannot read a PEM private key (\(error))")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }

    public static func buildApplication(services: ServerServices, tls: TLSConfiguration? = nil, logger: Logger) throws -> some ApplicationProtocol {
        let router = Router(context: GridRequestContext.self)
        router.get("/healthz") { _, _ -> Response in
            let report = await HealthReport.check(services.monitor.checks)
            return Response(
                status: report.ok ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: report.json))
            )
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: services.metrics.render()))
            )
        }
        router.ws("/ws") { inbound, _, context in
            let limits = services.configuration.limits
            let writer = OutboxChannelWriter(channel: context.requestContext.channel)
            let outbox = SessionOutbox(
                limit: limits.outboundQueueFrames, byteLimit: limits.outboundQueueBytes, gauge: services.queueGauge,
                wake: { [writer] outbox in writer.schedule(outbox) }
            )
            defer { outbox.close() }
            let logger = context.logger
            // The client leaving ends the session. The server ending the session finishes the
            // outbox instead: what is queued (the error frame that says why) is still written,
            // bounded by a grace period for a client that stopped reading, and the connection
            // closes whether or not the client does. An overflow ends everything at once.
            try await withThrowingTaskGroup(of: ConnectionTask.self) { group in
                group.addTask {
                    var session = GridSession(
                        services: services, outbox: outbox, eventLoop: context.requestContext.channel.eventLoop, logger: logger
                    )
                    await session.run(inbound: inbound)
                    return .session
                }
                group.addTask {
                    for await _ in outbox.overflows { return .overflow }
                    return .ended
                }
                if try await group.next() != .overflow { await writer.flush(outbox, within: limits.closeGrace) }
                group.cancelAll()
            }
        }
        var wsLogger = logger
        wsLogger[metadataKey: "server"] = "\(services.configuration.serverID)"
        let webSocketResponder = router.buildResponder()
        // The sessions apply the message limit themselves, answering frame_too_large; the
        // library refuses (close 1009) only single frames too big to buffer at all.
        let maxFrameSize = max(services.configuration.limits.closeFrameBytes, services.configuration.limits.maxFrameBytes)
        let channelConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(ws: .init(maxFrameSize: maxFrameSize))
        let server = HTTPServerBuilder { responder in
            let http = HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder, configuration: channelConfiguration)
            guard let tls else { return http }
            return PlainRequestGuardChannel(try TLSChannel(http, tlsConfiguration: tls))
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(services.configuration.host, port: services.configuration.port), serverName: "grid-server"),
            logger: wsLogger
        )
    }
}

/// The tasks serving one WebSocket connection, named so the first to end decides what follows.
private enum ConnectionTask: Sendable {
    case session, overflow
    /// The outbox finished without overflowing: the session, or the server, ended it.
    case ended
}
