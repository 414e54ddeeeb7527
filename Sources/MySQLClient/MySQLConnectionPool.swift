import Logging
import NIOConcurrencyHelpers

/// Idle connections and the rules for leasing them.
///
/// Leasing happens on the client's thread-pool threads, so at most `poolSize` leases run at once
/// and the pool never opens more connections than that; nothing here waits for a connection.
final class MySQLConnectionPool: Sendable {
    private struct State {
        var idle: [MySQLConnectionHandle] = []
        var isShutdown = false
        var nextID = 1
        var hasConnected = false
        /// Set when a connection broke; idle handles parked before then may be dead too, so they
        /// are pinged before use however briefly they were idle.
        var lastConnectionLoss: ContinuousClock.Instant?
        /// The next successful connect is logged as a reconnect.
        var isReconnecting = false
    }

    /// Beyond this idle time a leased connection is pinged first; the server may have closed it
    /// (restart, wait_timeout) and a ping is cheaper than a failed statement.
    static let pingAfterIdle: Duration = .seconds(1)

    private let state = NIOLockedValueBox(State())
    private let configuration: MySQLConfiguration
    private let logger: Logger

    init(configuration: MySQLConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    var isShutdown: Bool {
        state.withLockedValue { $0.isShutdown }
    }

    /// Runs `body` with a connection on the calling (pool) thread and takes the connection back
    /// afterwards, or discards it if it broke.
    func withLease<T>(_ body: (MySQLConnection) throws -> T) throws -> T {
        let handle = try acquire()
        let connection = MySQLConnection(handle: handle)
        defer {
            connection.endLease()
            release(handle)
        }
        return try body(connection)
    }

    /// Marks the pool shut down and hands back the idle connections for the caller to close on a
    /// pool thread; leased ones are closed when their lease ends.
    func shutdown() -> [MySQLConnectionHandle] {
        state.withLockedValue { state in
            state.isShutdown = true
            defer { state.idle.removeAll() }
            return state.idle
        }
    }

    private enum Acquisition {
        case reuse(MySQLConnectionHandle, mustPing: Bool)
        case connect(id: Int)
    }

    private func acquire() throws -> MySQLConnectionHandle {
        let now = ContinuousClock.now
        let acquisition = try state.withLockedValue { state -> Acquisition in
            guard !state.isShutdown else { throw MySQLError.clientClosed }
            // Most recently used first: it is the one most likely to still be alive.
            if let handle = state.idle.popLast() {
                let staleByLoss = state.lastConnectionLoss.map { handle.idleSince <= $0 } ?? false
                return .reuse(handle, mustPing: staleByLoss || now - handle.idleSince > Self.pingAfterIdle)
            }
            defer { state.nextID += 1 }
            return .connect(id: state.nextID)
        }

        switch acquisition {
        case .reuse(let handle, let mustPing):
            guard mustPing else { return handle }
            do {
                try handle.ping()
                return handle
            } catch {
                logger.info(
                    "idle MySQL connection failed its ping; replacing it",
                    metadata: ["mysql.connection": "\(handle.id)", "error": "\(error)"]
                )
                handle.close()
                noteConnectionLoss()
                return try connect(id: nextID())
            }
        case .connect(let id):
            return try connect(id: id)
        }
    }

    private func connect(id: Int) throws -> MySQLConnectionHandle {
        var metadata: Logger.Metadata = ["mysql.url": "\(configuration.redactedURL)", "mysql.connection": "\(id)"]
        do {
            let handle = try MySQLConnectionHandle.connect(configuration: configuration, id: id)
            let (first, reconnect) = state.withLockedValue { state in
                defer {
                    state.hasConnected = true
                    state.isReconnecting = false
                }
                return (!state.hasConnected, state.isReconnecting)
            }
            if reconnect {
                logger.info("reconnected to MySQL", metadata: metadata)
            } else if first {
                logger.info("connected to MySQL", metadata: metadata)
            } else {
                logger.debug("opened another MySQL connection", metadata: metadata)
            }
            return handle
        } catch {
            metadata["error"] = "\(error)"
            logger.warning("could not connect to MySQL", metadata: metadata)
            throw error
        }
    }

    private func release(_ handle: MySQLConnectionHandle) {
        if handle.isInTransaction {
            // A transaction left open by the closure must not leak into the next lease.
            logger.debug("rolling back a transaction left open on a MySQL connection")
            _ = try? handle.executeText("ROLLBACK")
        }
        if let error = handle.brokenBy {
            logger.warning(
                "discarding broken MySQL connection",
                metadata: ["mysql.connection": "\(handle.id)", "error": "\(error)"]
            )
            handle.close()
            if error.isConnectionError { noteConnectionLoss() }
            return
        }
        handle.idleSince = .now
        let kept = state.withLockedValue { state in
            guard !state.isShutdown else { return false }
            state.idle.append(handle)
            return true
        }
        if !kept { handle.close() }
    }

    private func noteConnectionLoss() {
        state.withLockedValue { state in
            state.lastConnectionLoss = .now
            if state.hasConnected { state.isReconnecting = true }
        }
    }

    private func nextID() -> Int {
        state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }
}
