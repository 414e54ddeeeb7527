import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pooled Redis client built on blocking hiredis calls. Every hiredis call runs on the
/// client's own `NIOThreadPool` (one thread per pooled connection), so a slow server never
/// blocks the Swift cooperative pool or an event loop.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let logger: Logger
    private let threadPool: NIOThreadPool
    private let pool: RedisConnectionPool
    private let blockingConnections = NIOLockedValueBox(BlockingRegistry())
    private let eventLoopConnections = NIOLockedValueBox(EventLoopRegistry())
    private let eventLoops: any EventLoopGroup

    private struct EventLoopRegistry {
        /// One shared connection per event loop, for `multiplexed`.
        var shared: [ObjectIdentifier: RedisEventLoopConnection] = [:]
        /// Dedicated ones, closed at shutdown too.
        var dedicated: [RedisEventLoopConnection] = []
        var isClosed = false
    }

    private struct BlockingRegistry {
        var connections: [Int: RedisBlockingConnection] = [:]
        var lastID = 0
    }

    /// `eventLoops`: where `multiplexed` and `makeEventLoopConnection` connections run; the
    /// same group as the server's channels, so a session's Redis replies arrive on its own loop.
    public init(configuration: RedisConfiguration, logger: Logger, eventLoops: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        // A write to a socket the server already closed raises SIGPIPE, which would kill the
        // process instead of surfacing as connectionLost. Idempotent, so harmless if the
        // executable did it already.
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        self.logger = logger
        self.eventLoops = eventLoops
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.poolSize))
        self.threadPool.start()
        self.pool = RedisConnectionPool(configuration: configuration, logger: logger)
    }

    deinit {
        // NIOThreadPool asserts in deinit unless shut down; a forgotten shutdown() must not crash.
        if self.pool.close() {
            self.threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs one command. An error reply throws `RedisError` with code `.serverError` and the
    /// server's text as the message.
    public func command(_ args: [String]) async throws -> RedisValue {
        try await self.command(bytes: args.map { Array($0.utf8) })
    }

    public func command(_ args: String...) async throws -> RedisValue {
        try await self.command(args)
    }

    /// Like `command(_:)` for arguments that are not text (serialized values, binary keys).
    public func command(bytes args: [[UInt8]]) async throws -> RedisValue {
        let reply = try await self.run { try $0.execute(args) }
        if case .error(let text) = reply {
            throw RedisError(code: .serverError, message: text)
        }
        return reply
    }

    /// Sends all commands on one connection before reading the replies. Error replies come back
    /// in place as `.error`; a broken connection throws. Wrapping the batch in MULTI ... EXEC
    /// makes it a transaction, since it all runs on one connection.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        try await self.pipeline(bytes: commands.map { $0.map { Array($0.utf8) } })
    }

    public func pipeline(bytes commands: [[[UInt8]]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await self.run { try $0.pipeline(commands) }
    }

    /// Sends the commands together on the calling event loop's own connection (any loop's when
    /// the caller is not on one), pipelined with every other caller's: no thread switch and no
    /// waiting for a free pooled connection. Error replies come back in place as `.error`.
    /// For short commands only: a blocking one would hold up everyone sharing the connection.
    public func multiplexed(_ commands: [[String]]) async throws -> [RedisValue] {
        let eventLoop = MultiThreadedEventLoopGroup.currentEventLoop ?? self.eventLoops.any()
        return try await self.multiplexedConnection(on: eventLoop).pipeline(commands, timeout: self.configuration.commandTimeout)
    }

    /// The connection `multiplexed` uses on `eventLoop` (one per loop, shared), for callers that
    /// issue commands without waiting (`RedisEventLoopConnection.send`).
    public func multiplexedConnection(on eventLoop: any EventLoop) throws -> RedisEventLoopConnection {
        try self.eventLoopConnections.withLockedValue { registry in
            guard !registry.isClosed else { throw RedisError(code: .closed, message: "Redis client is shut down") }
            if let existing = registry.shared[ObjectIdentifier(eventLoop)] { return existing }
            let made = RedisEventLoopConnection(configuration: self.configuration, eventLoop: eventLoop)
            registry.shared[ObjectIdentifier(eventLoop)] = made
            return made
        }
    }

    /// A connection of its own on an event loop, for commands that wait server-side (XREAD
    /// BLOCK) without holding a thread. `shutdown()` closes it too.
    public func makeEventLoopConnection() -> RedisEventLoopConnection {
        let connection = RedisEventLoopConnection(configuration: self.configuration, eventLoop: self.eventLoops.next())
        let isClosed = self.eventLoopConnections.withLockedValue { registry in
            if !registry.isClosed { registry.dedicated.append(connection) }
            return registry.isClosed
        }
        if isClosed { connection.close() }
        return connection
    }

    /// A connection with its own thread for commands that block server-side (XREAD BLOCK,
    /// XREADGROUP BLOCK, BLPOP), so they never hold a pooled thread. `shutdown()` closes it too.
    public func makeBlockingConnection() -> RedisBlockingConnection {
        self.blockingConnections.withLockedValue { registry in
            registry.lastID += 1
            let id = registry.lastID
            let connection = RedisBlockingConnection(
                configuration: self.configuration,
                logger: self.logger,
                id: id,
                isClosed: self.pool.isClosed
            ) { [blockingConnections] in
                _ = blockingConnections.withLockedValue { $0.connections.removeValue(forKey: id) }
            }
            if !self.pool.isClosed {
                registry.connections[id] = connection
            }
            return connection
        }
    }

    /// Closes the pooled and blocking connections and stops the threads. Waits for calls in
    /// flight; later calls throw `.closed`.
    public func shutdown() async {
        guard self.pool.close() else { return }
        let blocking = self.blockingConnections.withLockedValue { registry in
            defer { registry.connections = [:] }
            return Array(registry.connections.values)
        }
        for connection in blocking {
            await connection.close()
        }
        let onEventLoops = self.eventLoopConnections.withLockedValue { registry in
            registry.isClosed = true
            defer { registry = EventLoopRegistry(isClosed: true) }
            return Array(registry.shared.values) + registry.dedicated
        }
        for connection in onEventLoops { connection.close() }
        do {
            try await self.threadPool.shutdownGracefully()
        } catch {
            self.logger.debug("Redis thread pool shutdown failed", metadata: ["error": "\(error)"])
        }
        self.logger.info("Redis client shut down", metadata: ["redis.url": "\(self.configuration.redactedURL)"])
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (RedisConnectionHandle) throws -> T) async throws -> T {
        guard !self.pool.isClosed else { throw RedisError(code: .closed, message: "Redis client is shut down") }
        do {
            return try await self.threadPool.runIfActive { [pool] in
                try pool.withConnection(body)
            }
        } catch let error as RedisError {
            throw error
        } catch {
            // A pool that is shutting down refuses work with CancellationError or ThreadPoolInactive.
            if self.pool.isClosed { throw RedisError(code: .closed, message: "Redis client is shut down") }
            throw error
        }
    }
}
