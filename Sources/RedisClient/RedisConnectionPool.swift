import Logging
import NIOConcurrencyHelpers

/// The client's idle connections. A connection is leased for exactly one thread-pool work item
/// and never handed to callers, so the number of open connections is bounded by the number of
/// pool threads. Broken connections are freed on return and replaced by the next lease, which is
/// how the client recovers after the server restarts.
final class RedisConnectionPool: Sendable {
    private struct State {
        var idle: [RedisConnectionHandle] = []
        var openCount = 0
        var lastID = 0
        var isClosed = false
        /// Set once a connection was lost, so the next successful connect is logged as a reconnect.
        var isReconnecting = false
        /// Set while connects keep failing, so an outage logs one warning rather than one per call.
        var isConnectFailing = false
    }

    private let state = NIOLockedValueBox(State())
    private let configuration: RedisConfiguration
    private let logger: Logger

    init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    var isClosed: Bool {
        self.state.withLockedValue { $0.isClosed }
    }

    /// Blocks: call only on a pool thread.
    func withConnection<T>(_ body: (RedisConnectionHandle) throws -> T) throws -> T {
        let handle = try self.lease()
        defer { self.release(handle) }
        return try body(handle)
    }

    /// Marks the pool closed and frees the idle connections; leased ones are freed on return.
    /// Returns false if it was already closed.
    @discardableResult
    func close() -> Bool {
        let idle: [RedisConnectionHandle]? = self.state.withLockedValue { state in
            guard !state.isClosed else { return nil }
            state.isClosed = true
            let idle = state.idle
            state.openCount -= idle.count
            state.idle = []
            return idle
        }
        guard let idle else { return false }
        for handle in idle { handle.close() }
        return true
    }

    private func lease() throws -> RedisConnectionHandle {
        while true {
            let (idle, newID) = try self.state.withLockedValue { state -> (RedisConnectionHandle?, Int) in
                guard !state.isClosed else { throw RedisError(code: .closed, message: "Redis client is shut down") }
                if let handle = state.idle.popLast() { return (handle, 0) }
                state.lastID += 1
                state.openCount += 1
                return (nil, state.lastID)
            }
            guard let idle else { return try self.open(id: newID) }
            guard idle.isStale else { return idle }
            self.discard(idle, reason: "server closed the idle connection")
        }
    }

    private func open(id: Int) throws -> RedisConnectionHandle {
        let handle: RedisConnectionHandle
        do {
            handle = try RedisConnectionHandle.connect(configuration: self.configuration, id: id)
        } catch let error as RedisError {
            let alreadyFailing = self.state.withLockedValue { state in
                defer { state.isConnectFailing = true }
                state.openCount -= 1
                state.isReconnecting = true
                return state.isConnectFailing
            }
            self.logger.log(
                level: alreadyFailing ? .debug : .warning,
                "Redis connect failed",
                metadata: self.metadata(id: id, ["redis.error.code": "\(error.code)", "redis.error": "\(error.message)"])
            )
            throw error
        }
        let (wasReconnecting, openCount) = self.state.withLockedValue { state in
            defer {
                state.isReconnecting = false
                state.isConnectFailing = false
            }
            return (state.isReconnecting, state.openCount)
        }
        self.logger.info(
            wasReconnecting ? "Redis reconnected" : "Redis connection opened",
            metadata: self.metadata(id: id, ["redis.pool.open": "\(openCount)"])
        )
        return handle
    }

    private func release(_ handle: RedisConnectionHandle) {
        let kept = self.state.withLockedValue { state in
            guard !state.isClosed, !handle.isBroken else {
                state.openCount -= 1
                if !state.isClosed { state.isReconnecting = true }
                return false
            }
            state.idle.append(handle)
            return true
        }
        guard !kept else { return }
        if handle.isBroken, !self.isClosed {
            self.logger.warning("Redis connection broken, will reconnect on next use", metadata: self.metadata(id: handle.id))
        }
        handle.close()
    }

    private func discard(_ handle: RedisConnectionHandle, reason: String) {
        self.state.withLockedValue {
            $0.openCount -= 1
            $0.isReconnecting = true
        }
        self.logger.warning(
            "Redis connection dropped, reconnecting",
            metadata: self.metadata(id: handle.id, ["redis.reason": "\(reason)"])
        )
        handle.close()
    }

    private func metadata(id: Int, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "redis.url": "\(self.configuration.redactedURL)",
            "redis.connection": "\(id)",
        ]
        metadata.merge(extra) { _, new in new }
        return metadata
    }
}
