import ArgumentParser
import EventLoopMain
import Foundation
import GridAuth
import GridServerKit
import Logging

@main
struct GridServerCommand: EventLoopMain {
    static let configuration = CommandConfiguration(
        commandName: "grid-server",
        abstract: "Serves collaborative grids over WebSocket, ordered through Redis and stored in MySQL.",
        discussion: """
            Run `grid-server serve --help` for the server's options. Clients need a token: \
            `grid-server token --user alice --grid q3 --role editor` makes one from the secret in \
            $GRID_TOKEN_SECRET or $GRID_TOKEN_SECRET_FILE (see docs/SECURITY.md).
            """,
        subcommands: [Serve.self, Sessions.self, Token.self],
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

    @Option(name: .customLong("redis-url"), help: "redis://[:password@]host:port[/db], or redis-cluster://[:password@]host:port,host:port,… for a Redis Cluster (default: $REDIS_URL, else redis://127.0.0.1:16379).")
    var redisURL: String?
    @Option(name: .customLong("redis-wait-replicas"), help: "Ack an edit only once this many Redis replicas have it (one WAIT per flush of a connection, not one per edit); 0: once the master has it.")
    var redisWaitReplicas = 0
    @Option(name: .customLong("heartbeat-ttl-ms"), help: "How long this server's heartbeat lives unrenewed before other servers end its sessions (default: 5000; 15000 on a Redis Cluster, where the failover of the heartbeat's master alone takes seconds).")
    var heartbeatTTLMilliseconds: Int?

    @Option(name: .customLong("mysql-url"), help: "mysql://user[:password]@host:port/database (default: $MYSQL_URL, else mysql://root@127.0.0.1:13306/collabgrid).")
    var mysqlURL: String?

    @Option(name: .customLong("spool-dir"), help: "Folder for session records that could reach neither Redis nor MySQL (default: $GRID_STATE_DIR/spool, else .grid-spool).")
    var spoolDirectory: String?

    @Option(name: .customLong("max-queued-frames"), help: "Frames queued for one client before it is dropped as too slow to read.")
    var maxQueuedFrames: Int = ServerConfiguration.Limits().outboundQueueFrames

    @Option(name: .customLong("max-frame-bytes"), help: "Largest message a client may send; larger ones get frame_too_large.")
    var maxFrameBytes: Int = ServerConfiguration.Limits().maxFrameBytes

    @Option(name: .customLong("close-frame-bytes"), help: "Largest single WebSocket frame read at all; a larger one closes the connection (1009).")
    var closeFrameBytes: Int = ServerConfiguration.Limits().closeFrameBytes

    @Option(name: .customLong("max-value-bytes"), help: "Largest cell value in UTF-8 bytes; larger ones get value_too_large.")
    var maxValueBytes: Int = ServerConfiguration.Limits().maxValueBytes

    @Option(name: .customLong("max-columns"), help: "Grid columns (at most 16384, column XFD); cells beyond get bad_cell.")
    var maxColumns: Int = ServerConfiguration.Limits().maxColumns

    @Option(name: .customLong("max-rows"), help: "Grid rows (at most 1048576); cells beyond get bad_cell.")
    var maxRows: Int = ServerConfiguration.Limits().maxRows

    @Option(name: .customLong("max-user-name-bytes"), help: "Longest user name; longer ones get bad_name.")
    var maxUserNameBytes: Int = ServerConfiguration.Limits().maxUserNameBytes

    @Option(name: .customLong("max-grid-name-bytes"), help: "Longest grid name; longer ones get bad_name.")
    var maxGridNameBytes: Int = ServerConfiguration.Limits().maxGridNameBytes

    @Option(name: .customLong("edits-per-second"), help: "Edits one session may make per second; more get rate_limited.")
    var editsPerSecond: Double = ServerConfiguration.Limits().editsPerSecond

    @Option(name: .customLong("edit-burst"), help: "Edits one session may make at once after a pause.")
    var editBurst: Int = ServerConfiguration.Limits().editBurst

    @Option(name: .customLong("max-multi-frame-bytes"), help: "Largest multi-cell edit message (paste, fill, sort, import chunk); larger ones get frame_too_large.")
    var maxMultiFrameBytes: Int = ServerConfiguration.Limits().maxMultiFrameBytes

    @Option(name: .customLong("max-multi-cells"), help: "Most cells in one multi-cell edit; more get too_many_cells.")
    var maxMultiCells: Int = ServerConfiguration.Limits().maxMultiCells

    @Option(name: .customLong("multi-cells-per-second"), help: "Cells one session may write per second with multi-cell edits; more get rate_limited.")
    var multiCellsPerSecond: Double = ServerConfiguration.Limits().multiCellsPerSecond

    @Option(name: .customLong("multi-cell-burst"), help: "Cells one session may write at once with multi-cell edits after a pause (at least --max-multi-cells).")
    var multiCellBurst: Int = ServerConfiguration.Limits().multiCellBurst

    @Option(name: .customLong("max-sessions-per-user"), help: "Sessions one user may have on this server; more get too_many_sessions.")
    var maxSessionsPerUser: Int = ServerConfiguration.Limits().maxSessionsPerUser

    @Option(name: .customLong("max-sessions"), help: "Sessions this server serves; more get too_many_sessions.")
    var maxSessions: Int = ServerConfiguration.Limits().maxSessions

    @Option(name: .customLong("max-history-page"), help: "Largest history page a client may ask for; larger get bad_field.")
    var maxHistoryPage: Int = ServerConfiguration.Limits().maxHistoryPage
    @Option(name: .customLong("max-queued-bytes"), help: "Bytes queued for one client (not yet written to its socket) before it is dropped as too slow to read.")
    var maxQueuedBytes: Int = ServerConfiguration.Limits().outboundQueueBytes

    @Option(name: .customLong("trim-after"), help: "Seconds a durable watermark ages before the Redis log is trimmed below it.")
    var trimAfter: Int = Int(ServerConfiguration.PersisterConfiguration().trimAfter.components.seconds)
    @Option(name: .customLong("ops-grace"), help: "Seconds an op's outcome stays in Redis after the op is durable (resends without the resend mark are recognised that long).")
    var opsGrace: Int = Int(ServerConfiguration.PersisterConfiguration().opsGrace.components.seconds)

    @Option(name: .customLong("persister-workers"), help: "Grids this server persists at once (a fixed pool of tasks, whatever the number of grids; their MySQL writes share transactions).")
    var persisterWorkers: Int = ServerConfiguration.PersisterConfiguration().workers
    @Option(name: .customLong("hub-linger"), help: "Seconds a grid's tail stays after its last session on this server left.")
    var hubLinger: Double = 10
    @Option(name: .customLong("tail-connections"), help: "Redis connections that tail the grids with sessions on this server, each reading many grids with one blocking XREAD.")
    var tailConnections: Int = ServerConfiguration().tailConnections
    @Option(name: .customLong("idle-evict-after"), help: "Seconds without a session after which a grid whose entries are all in MySQL leaves Redis (0: never).")
    var idleEvictAfter: Int = 3600

    @Flag(name: .customLong("no-persist"), help: "Never persist grids to MySQL from this server (other servers do).")
    var noPersist = false

    @Option(name: .customLong("redis-timeout-ms"), help: "A Redis reply later than this makes the server probe Redis; while Redis answers, the reply is slow and waited for, not an outage.")
    var redisTimeoutMilliseconds: Int = 5000

    @Option(name: .customLong("redis-probe-timeout-ms"), help: "How long Redis may stay silent, its probe unanswered, before the server counts it as lost and ends sessions.")
    var redisProbeTimeoutMilliseconds: Int = 30000

    @OptionGroup var secret: SecretSource

    @Flag(name: .customLong("insecure-no-auth"), help: "Local development only: accept every client without a token, as any user, with full rights.")
    var insecureNoAuth = false

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; with --tls-key, clients connect with wss://HOST:PORT/ws.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.port = port
        configuration.host = host
        configuration.serverID = serverID
        configuration.persist = !noPersist
        guard trimAfter >= 0, opsGrace >= 0 else { throw ValidationError("--trim-after and --ops-grace must be at least 0 seconds") }
        configuration.persister.trimAfter = .seconds(trimAfter)
        configuration.persister.opsGrace = .seconds(opsGrace)
        guard persisterWorkers >= 1, tailConnections >= 1, hubLinger >= 0, idleEvictAfter >= 0 else {
            throw ValidationError("--persister-workers and --tail-connections must be at least 1; --hub-linger and --idle-evict-after at least 0")
        }
        configuration.tailConnections = tailConnections
        configuration.persister.workers = persisterWorkers
        configuration.hubLinger = .milliseconds(Int(hubLinger * 1000))
        configuration.idleEvictAfter = idleEvictAfter == 0 ? nil : .seconds(idleEvictAfter)
        guard maxQueuedFrames > 0 else { throw ValidationError("--max-queued-frames must be at least 1") }
        configuration.limits.outboundQueueFrames = maxQueuedFrames
        try applyLimits(to: &configuration.limits)
        guard maxQueuedBytes >= 65536 else { throw ValidationError("--max-queued-bytes must be at least 65536 (one inbound frame)") }
        configuration.limits.outboundQueueBytes = maxQueuedBytes
        configuration.redisURL = redisURL ?? environment["REDIS_URL"] ?? configuration.redisURL
        guard redisWaitReplicas >= 0 else { throw ValidationError("--redis-wait-replicas must be 0 or more") }
        configuration.redisWaitReplicas = redisWaitReplicas
        if let heartbeatTTLMilliseconds {
            guard heartbeatTTLMilliseconds >= 2000 else { throw ValidationError("--heartbeat-ttl-ms must be at least 2000 (two renewals)") }
            configuration.heartbeatTTLMilliseconds = heartbeatTTLMilliseconds
        } else if configuration.redisURL.hasPrefix("redis-cluster://") {
            configuration.heartbeatTTLMilliseconds = 15000
        }
        guard redisTimeoutMilliseconds > 0, redisProbeTimeoutMilliseconds > 0 else {
            throw ValidationError("--redis-timeout-ms and --redis-probe-timeout-ms must be at least 1")
        }
        configuration.redisCommandTimeout = .milliseconds(redisTimeoutMilliseconds)
        configuration.redisProbeTimeout = .milliseconds(redisProbeTimeoutMilliseconds)
        configuration.mysqlURL = mysqlURL ?? environment["MYSQL_URL"] ?? configuration.mysqlURL
        configuration.spoolDirectory = spoolDirectory ?? environment["GRID_STATE_DIR"].map { $0 + "/spool" } ?? configuration.spoolDirectory
        switch (tlsCertificate, tlsKey) {
        case (let certificate?, let key?):
            configuration.tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        case (nil, nil):
            break
        default:
            throw ValidationError("--tls-cert and --tls-key go together: give both PEM files, or neither for plain ws://")
        }
        let keyring = try secret.keyring()
        switch (keyring, insecureNoAuth) {
        case (let keyring?, false):
            configuration.authentication = .tokens(TokenVerifier(keyring: keyring))
        case (nil, true):
            configuration.authentication = .disabled
        case (.some, true):
            throw ValidationError("--insecure-no-auth and a token secret exclude each other: unset GRID_TOKEN_SECRET / GRID_TOKEN_SECRET_FILE, or drop --insecure-no-auth")
        case (nil, false):
            throw ValidationError(ServerConfigurationError.noAuthenticationMessage)
        }
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

extension Serve {
    func applyLimits(to limits: inout ServerConfiguration.Limits) throws {
        func atLeast(_ value: Int, _ minimum: Int, _ flag: String) throws -> Int {
            guard value >= minimum else { throw ValidationError("--\(flag) must be at least \(minimum)") }
            return value
        }
        limits.maxFrameBytes = try atLeast(maxFrameBytes, 1024, "max-frame-bytes")
        limits.closeFrameBytes = try atLeast(closeFrameBytes, maxFrameBytes, "close-frame-bytes")
        limits.maxValueBytes = try atLeast(maxValueBytes, 1, "max-value-bytes")
        guard (1...16_384).contains(maxColumns) else { throw ValidationError("--max-columns must be 1 to 16384") }
        guard (1...1_048_576).contains(maxRows) else { throw ValidationError("--max-rows must be 1 to 1048576") }
        limits.maxColumns = maxColumns
        limits.maxRows = maxRows
        limits.maxUserNameBytes = try atLeast(maxUserNameBytes, 1, "max-user-name-bytes")
        limits.maxGridNameBytes = try atLeast(maxGridNameBytes, 1, "max-grid-name-bytes")
        guard editsPerSecond > 0, editsPerSecond.isFinite else { throw ValidationError("--edits-per-second must be more than 0") }
        limits.editsPerSecond = editsPerSecond
        limits.editBurst = try atLeast(editBurst, 1, "edit-burst")
        limits.maxMultiFrameBytes = try atLeast(maxMultiFrameBytes, maxFrameBytes, "max-multi-frame-bytes")
        limits.maxMultiCells = try atLeast(maxMultiCells, 1, "max-multi-cells")
        guard multiCellsPerSecond > 0, multiCellsPerSecond.isFinite else { throw ValidationError("--multi-cells-per-second must be more than 0") }
        limits.multiCellsPerSecond = multiCellsPerSecond
        // A smaller burst would refuse the largest allowed edit forever.
        limits.multiCellBurst = try atLeast(multiCellBurst, maxMultiCells, "multi-cell-burst")
        limits.maxSessionsPerUser = try atLeast(maxSessionsPerUser, 1, "max-sessions-per-user")
        limits.maxSessions = try atLeast(maxSessions, 1, "max-sessions")
        limits.maxHistoryPage = try atLeast(maxHistoryPage, 1, "max-history-page")
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
        @OptionGroup var admin: AdminToken
        @Option(help: "Only this grid.") var grid: String?
        @Option(help: "Only this status: open, closed or error.") var status: String?

        func run() async throws {
            try admin.authorize()
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
        @OptionGroup var admin: AdminToken
        @Option(help: "The server id whose sessions to fail.") var server: String

        func run() async throws {
            try admin.authorize()
            let count = try await AdminCommands.failSessions(
                server: server, redisURL: connections.redis, mysqlURL: connections.mysql, logger: Logger(label: "grid-server")
            )
            print("failed \(count) session records of server \(server)")
        }
    }
}

/// Where the token secret comes from. There is deliberately no option taking the secret itself:
/// a command line is visible to every user of the machine (`ps`) and lands in shell history.
struct SecretSource: ParsableArguments {
    @Option(name: .customLong("token-secret-file"), help: "File with the token secret(s), one per line, the first signs (default: $GRID_TOKEN_SECRET_FILE, else $GRID_TOKEN_SECRET).")
    var file: String?

    func keyring() throws -> TokenKeyring? {
        do {
            return try TokenSecrets.keyring(file: file, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError(error.message)
        }
    }

    func requiredKeyring() throws -> TokenKeyring {
        guard let keyring = try keyring() else { throw ValidationError(ServerConfigurationError.noSecretMessage) }
        return keyring
    }
}

/// The admin token the `sessions` commands need, checked against the server's secret.
struct AdminToken: ParsableArguments {
    @Option(help: "Admin access token (default: $GRID_TOKEN). Make one with: grid-server token --user YOU --grid '*' --role admin")
    var token: String?

    @OptionGroup var secret: SecretSource

    func authorize() throws {
        let keyring = try secret.requiredKeyring()
        guard let token = token ?? ProcessInfo.processInfo.environment["GRID_TOKEN"], !token.isEmpty else {
            throw ValidationError("this command needs an admin token: pass --token or set GRID_TOKEN (make one with: grid-server token --user YOU --grid '*' --role admin)")
        }
        let claims: TokenClaims
        do {
            claims = try TokenVerifier(keyring: keyring).verify(token, now: Int64(Date().timeIntervalSince1970))
        } catch {
            throw ValidationError("the admin token was refused (\(error.code.rawValue): \(error.message)); make a new one with: grid-server token --user YOU --grid '*' --role admin")
        }
        guard claims.role == .admin else {
            throw ValidationError("this command needs an admin token; the token of '\(claims.user)' has role \(claims.role.rawValue) (make one with: grid-server token --user YOU --grid '*' --role admin)")
        }
    }
}

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a signed access token for a user, a grid and a role.",
        discussion: """
            The secret comes from --token-secret-file, $GRID_TOKEN_SECRET_FILE or $GRID_TOKEN_SECRET, the \
            same as the server's. Give the token to the user: grid-tui --token TOKEN, or GRID_TOKEN=TOKEN.
            """
    )

    @Option(help: "The user name the token acts as.")
    var user: String

    @Option(help: "The grid it opens, or '*' for every grid.")
    var grid: String

    @Option(help: "editor (read and write), viewer (read only) or admin (editor plus the sessions commands).")
    var role: String = "editor"

    @Option(help: "How long it is valid: e.g. 90s, 30m, 8h, 7d (at most 366d).")
    var ttl: String = "8h"

    @OptionGroup var secret: SecretSource

    func validate() throws {
        guard NameRules.isValidUser(user) else {
            throw ValidationError("'\(user)' is not a user name: 1–32 letters, digits, '_', '-' or '.', starting with a letter or digit")
        }
        guard grid == TokenClaims.anyGrid || NameRules.isValidGrid(grid) else {
            throw ValidationError("'\(grid)' is not a grid name (1–64 letters, digits, '_', '-' or '.', starting with a letter or digit) or '*'")
        }
        guard TokenClaims.Role(rawValue: role) != nil else { throw ValidationError("--role must be editor, viewer or admin") }
        guard TokenLifetime.seconds(ttl) != nil else { throw ValidationError("--ttl must look like 90s, 30m, 8h or 7d, and be at most 366d") }
    }

    func run() throws {
        let signer = TokenSigner(keyring: try secret.requiredKeyring())
        print(signer.sign(
            user: user, grid: grid, role: TokenClaims.Role(rawValue: role)!, ttlSeconds: TokenLifetime.seconds(ttl)!,
            now: Int64(Date().timeIntervalSince1970)
        ))
    }
}
