import Logging
import NIOPosix
import ServiceLifecycle

/// A pool of MariaDB connections whose blocking libmariadb calls all run on a dedicated
/// `NIOThreadPool`, never on Swift's cooperative pool or an event loop.
///
/// Connections reconnect by themselves: one that hits a connection error is discarded, and the
/// next lease connects and prepares its statements again.
///
/// A `Service`: `run()` waits for the group's graceful shutdown, then shuts the client down.
/// Calls work before `run()` starts (a server applies its migrations first). Without a service
/// group, call `shutdown()` before releasing the client.
public final class MySQLClient: Service, Sendable {
    public let configuration: MySQLConfiguration
    let logger: Logger
    private let threadPool: NIOThreadPool
    private let pool: MySQLConnectionPool

    public init(configuration: MySQLConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        // One thread per connection: a lease occupies its thread for the whole closure.
        self.threadPool = NIOThreadPool(numberOfThreads: max(configuration.poolSize, 1))
        self.pool = MySQLConnectionPool(configuration: configuration, logger: logger)
        threadPool.start()
    }

    deinit {
        // NIOThreadPool asserts that it was shut down before deinit; a forgotten shutdown() must
        // not crash a debug build.
        if !pool.isShutdown {
            threadPool.shutdownGracefully { _ in }
        }
    }

    /// Leases a connection for the duration of `body`, which runs on a pool thread and may block.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (MySQLConnection) throws -> T
    ) async throws -> T {
        let pool = self.pool
        guard !pool.isShutdown else { throw MySQLError.clientClosed }
        do {
            return try await threadPool.runIfActive {
                try pool.withLease(body)
            }
        } catch is CancellationError where pool.isShutdown {
            // Work still queued when the thread pool stops is cancelled rather than run.
            throw MySQLError.clientClosed
        }
    }

    @discardableResult
    public func execute(_ sql: String, _ params: [MySQLValue] = []) async throws -> MySQLExecResult {
        try await withConnection { try $0.execute(sql, params) }
    }

    public func query(_ sql: String, _ params: [MySQLValue] = []) async throws -> [MySQLRow] {
        try await withConnection { try $0.query(sql, params) }
    }

    /// Succeeds when a connection to the server works; a dead idle connection is replaced first.
    public func ping() async throws {
        try await withConnection { try $0.ping() }
    }

    /// Waits for the service group's graceful shutdown (or cancellation), then shuts down.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Closes idle connections and stops the threads after running leases finish. Later calls
    /// throw `.closed`. Idempotent.
    public func shutdown() async {
        let idle = pool.shutdown()
        // mysql_close sends COM_QUIT and may block, so it runs on a pool thread as well.
        _ = try? await threadPool.runIfActive {
            for handle in idle { handle.close() }
        }
        try? await threadPool.shutdownGracefully()
        logger.debug("MySQL client shut down", metadata: ["mysql.url": "\(configuration.redactedURL)"])
    }
}
