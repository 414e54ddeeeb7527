import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's one way to Redis, on one kind of connection (`RedisEventLoopConnection`):
/// - commands, pipelines and scripts share one pipelined connection per event loop, the
///   caller's own when it runs on one, so a session's edits reach Redis without a thread switch;
/// - blocking reads (XREAD / XREADGROUP BLOCK) lease a connection of their own with
///   `withDedicatedConnection`, at most `configuration.dedicatedConnectionLimit` at once;
/// - the heartbeat gets one on an event loop of its own (`makeIsolatedConnection`).
/// Connections open on first use and reopen after they break. A late reply is slow, not lost:
/// see `RedisLiveness`.
///
/// A `Service`: `run()` waits for the group's graceful shutdown, then closes every connection.
/// Calls work before `run()` starts (a server loads scripts and cleans up before its group runs).
public final class RedisClient: Service, Sendable {
    public let configuration: RedisConfiguration
    private let logger: Logger
    private let eventLoops: any EventLoopGroup
    private let liveness: RedisLiveness
    private let registry = NIOLockedValueBox(Registry())

    private struct Registry {
        /// One shared connection per event loop.
        var shared: [ObjectIdentifier: RedisEventLoopConnection] = [:]
        /// Dedicated connections leased now.
        var leased: [ObjectIdentifier: RedisEventLoopConnection] = [:]
        /// Connections on loops their owners drive (the heartbeat's), closed at shutdown too.
        var isolated: [RedisEventLoopConnection] = []
        /// Leases waiting for room, first come first served.
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var cancelledWaiters: Set<Int> = []
        var lastWaiterID = 0
        var isClosed = false
    }

    /// `eventLoops`: where the connections run; the same group as the server's channels, so a
    /// session's Redis replies arrive on its own loop.
    public init(configuration: RedisConfiguration, logger: Logger, eventLoops: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        // A write to a socket the server already closed raises SIGPIPE, which would kill the
        // process instead of surfacing as connectionLost. Idempotent, so harmless if the
        // executable did it already.
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        self.logger = logger
        self.eventLoops = eventLoops
        self.liveness = RedisLiveness(configuration: configuration, eventLoops: eventLoops, logger: logger)
    }

    /// Runs one command. An error reply throws `RedisError` with code `.serverError` and the
    /// server's text as the message.
    public func command(_ args: [String]) async throws -> RedisValue {
        try await self.sharedConnection().command(args, timeout: self.configuration.commandTimeout)
    }

    public func command(_ args: String...) async throws -> RedisValue {
        try await self.command(args)
    }

    /// Like `command(_:)` for arguments that are not text (serialized values, binary keys).
    public func command(bytes args: [[UInt8]]) async throws -> RedisValue {
        try await self.sharedConnection().command(bytes: args, timeout: self.configuration.commandTimeout)
    }

    /// Sends all commands together on one connection, pipelined with every other caller's there.
    /// Error replies come back in place as `.error`; a lost connection throws. Wrapping the batch
    /// in MULTI ... EXEC makes it a transaction: nothing else runs between the batch's commands.
    /// For short commands only: a blocking one would hold up everyone sharing the connection
    /// (use `withDedicatedConnection`).
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await self.sharedConnection().pipeline(commands, timeout: self.configuration.commandTimeout)
    }

    public func pipeline(bytes commands: [[[UInt8]]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        return try await self.sharedConnection().pipeline(bytes: commands, timeout: self.configuration.commandTimeout)
    }

    /// The same as `pipeline(_:)`: every short command is multiplexed on the caller's loop's
    /// connection. Kept for the callers that name the shape.
    public func multiplexed(_ commands: [[String]]) async throws -> [RedisValue] {
        try await self.pipeline(commands)
    }

    /// The shared connection on `eventLoop`, for callers that issue commands without waiting
    /// (`RedisEventLoopConnection.send`) and need their order kept.
    public func multiplexedConnection(on eventLoop: any EventLoop) throws -> RedisEventLoopConnection {
        try self.registry.withLockedValue { registry in
            guard !registry.isClosed else { throw Self.closedError }
            if let existing = registry.shared[ObjectIdentifier(eventLoop)] { return existing }
            let made = self.makeConnection(on: eventLoop, role: .shared)
            registry.shared[ObjectIdentifier(eventLoop)] = made
            return made
        }
    }

    /// Leases a connection of its own for `body`, for commands that wait server-side (XREAD
    /// BLOCK, XREADGROUP BLOCK) without holding up anyone else or any thread. The connection is
    /// closed when `body` returns; cancelling the task drops it at once, which ends a blocked read.
    /// At most `configuration.dedicatedConnectionLimit` leases run at once; more wait for one
    /// to end. Throws `.closed` once the client is shut down.
    public func withDedicatedConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (RedisEventLoopConnection) async throws -> T
    ) async throws -> T {
        let connection = try await self.leaseDedicated()
        defer { self.release(connection) }
        return try await body(connection)
    }

    /// A connection on a loop the caller drives itself, outside the shared ones: the heartbeat's,
    /// which must keep renewing while every shared loop is busy. A late reply fails its call at
    /// once (no probe), and its replies count as signs that Redis is alive. `shutdown()` closes it.
    public func makeIsolatedConnection(on eventLoop: any EventLoop) throws -> RedisEventLoopConnection {
        try self.registry.withLockedValue { registry in
            guard !registry.isClosed else { throw Self.closedError }
            let made = self.makeConnection(on: eventLoop, role: .plain)
            registry.isolated.append(made)
            return made
        }
    }

    /// Replies that came later than the command timeout while Redis still answered (so the
    /// call went on waiting instead of failing).
    public var slowReplies: Int { self.liveness.slowReplies }

    /// Probes Redis did not answer: each failed the late call and dropped its connection.
    public var failedProbes: Int { self.liveness.failedProbes }

    /// Waits for the service group's graceful shutdown (or cancellation), then closes everything.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.shutdown()
    }

    /// Closes every connection; calls in flight fail, later ones throw `.closed`. Idempotent.
    public func shutdown() async {
        let (connections, waiters) = self.registry.withLockedValue { registry -> ([RedisEventLoopConnection], [CheckedContinuation<Void, any Error>]) in
            guard !registry.isClosed else { return ([], []) }
            registry.isClosed = true
            defer {
                registry.shared = [:]
                registry.leased = [:]
                registry.isolated = []
                registry.waiters = []
            }
            return (Array(registry.shared.values) + Array(registry.leased.values) + registry.isolated, registry.waiters.map(\.continuation))
        }
        for waiter in waiters { waiter.resume(throwing: Self.closedError) }
        for connection in connections { connection.close() }
        self.liveness.close()
        self.logger.info("Redis client shut down", metadata: ["redis.url": "\(self.configuration.redactedURL)"])
    }

    private static let closedError = RedisError(code: .closed, message: "Redis client is shut down")

    private func makeConnection(on eventLoop: any EventLoop, role: RedisEventLoopConnection.Role) -> RedisEventLoopConnection {
        RedisEventLoopConnection(configuration: self.configuration, eventLoop: eventLoop, liveness: self.liveness, role: role, logger: self.logger)
    }

    /// The caller's own loop's connection when it runs on one of ours, else any loop's.
    private func sharedConnection() throws -> RedisEventLoopConnection {
        try self.multiplexedConnection(on: self.eventLoops.any())
    }

    private func leaseDedicated() async throws -> RedisEventLoopConnection {
        var warned = false
        while true {
            let leased = try self.registry.withLockedValue { registry -> RedisEventLoopConnection? in
                guard !registry.isClosed else { throw Self.closedError }
                guard registry.leased.count < self.configuration.dedicatedConnectionLimit else { return nil }
                let made = self.makeConnection(on: self.eventLoops.next(), role: .dedicated)
                registry.leased[ObjectIdentifier(made)] = made
                return made
            }
            if let leased { return leased }
            if !warned {
                warned = true
                self.logger.warning(
                    "every dedicated Redis connection is leased; waiting for one",
                    metadata: ["redis.dedicated.limit": "\(self.configuration.dedicatedConnectionLimit)"]
                )
            }
            try await self.waitForRoom()
        }
    }

    private func waitForRoom() async throws {
        let id = self.registry.withLockedValue { registry in
            registry.lastWaiterID += 1
            return registry.lastWaiterID
        }
        // A cancel that came after the wait ended leaves its mark: clear it.
        defer { _ = self.registry.withLockedValue { $0.cancelledWaiters.remove(id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let refusal: (any Error)? = self.registry.withLockedValue { registry in
                    if registry.isClosed { return Self.closedError }
                    if registry.cancelledWaiters.remove(id) != nil { return CancellationError() }
                    registry.waiters.append((id, continuation))
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            let waiter = self.registry.withLockedValue { registry -> CheckedContinuation<Void, any Error>? in
                guard let index = registry.waiters.firstIndex(where: { $0.id == id }) else {
                    registry.cancelledWaiters.insert(id)
                    return nil
                }
                return registry.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release(_ connection: RedisEventLoopConnection) {
        connection.close()
        let next = self.registry.withLockedValue { registry -> CheckedContinuation<Void, any Error>? in
            registry.leased[ObjectIdentifier(connection)] = nil
            return registry.waiters.isEmpty ? nil : registry.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
