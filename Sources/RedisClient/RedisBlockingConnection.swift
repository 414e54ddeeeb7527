import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// One Redis connection with its own thread, for commands that wait server-side (XREAD BLOCK,
/// XREADGROUP BLOCK). It connects lazily and reconnects on the next call after a failure.
/// Cancelling the calling task interrupts a waiting call at once instead of leaving it blocked
/// until its timeout.
public final class RedisBlockingConnection: Sendable {
    private struct State {
        var handle: RedisConnectionHandle?
        var isClosed: Bool
        var lastCallID = 0
        var pendingCalls: Set<Int> = []
        var cancelledCalls: Set<Int> = []
        /// The call currently inside hiredis, the only one `interrupt()` may wake.
        var runningCall: Int?
        var hasConnected = false
    }

    private let configuration: RedisConfiguration
    private let logger: Logger
    private let id: Int
    private let threadPool: NIOThreadPool
    private let state: NIOLockedValueBox<State>
    private let onClose: @Sendable () -> Void

    init(
        configuration: RedisConfiguration,
        logger: Logger,
        id: Int,
        isClosed: Bool,
        onClose: @escaping @Sendable () -> Void
    ) {
        self.configuration = configuration
        self.logger = logger
        self.id = id
        self.onClose = onClose
        self.state = NIOLockedValueBox(State(isClosed: isClosed))
        self.threadPool = NIOThreadPool(numberOfThreads: 1)
        // Made after the client shut down: a pool that never started needs no shutdown.
        if !isClosed {
            self.threadPool.start()
        }
    }

    deinit {
        // NIOThreadPool asserts in deinit unless shut down; a forgotten close() must not crash.
        if !self.state.withLockedValue({ $0.isClosed }) {
            self.threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs one command; `timeout` is the socket read timeout for this call and must exceed any
    /// server-side BLOCK time (BLOCK 1000 -> 3 s). `.zero` waits forever. An error reply throws
    /// `.serverError`; when the timeout expires the call throws `.timeout` and the connection is
    /// replaced on the next call.
    public func command(_ args: [String], timeout: Duration) async throws -> RedisValue {
        try await self.command(bytes: args.map { Array($0.utf8) }, timeout: timeout)
    }

    public func command(bytes args: [[UInt8]], timeout: Duration) async throws -> RedisValue {
        let callID = try self.state.withLockedValue { state in
            guard !state.isClosed else { throw Self.closedError }
            state.lastCallID += 1
            state.pendingCalls.insert(state.lastCallID)
            return state.lastCallID
        }
        defer {
            self.state.withLockedValue {
                $0.pendingCalls.remove(callID)
                $0.cancelledCalls.remove(callID)
            }
        }
        let reply: RedisValue
        do {
            reply = try await withTaskCancellationHandler {
                try await self.threadPool.runIfActive {
                    try self.runOnThread(callID: callID, arguments: args, timeout: timeout)
                }
            } onCancel: {
                self.cancel(callID: callID)
            }
        } catch {
            if self.state.withLockedValue({ $0.isClosed }) { throw Self.closedError }
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
        if case .error(let text) = reply {
            throw RedisError(code: .serverError, message: text)
        }
        return reply
    }

    /// Interrupts a call in flight, waits for the thread to finish and frees the connection.
    public func close() async {
        let first = self.state.withLockedValue { state in
            guard !state.isClosed else { return false }
            state.isClosed = true
            if state.runningCall != nil { state.handle?.interrupt() }
            return true
        }
        guard first else { return }
        do {
            try await self.threadPool.shutdownGracefully()
        } catch {
            self.logger.debug("Redis blocking thread shutdown failed", metadata: ["error": "\(error)"])
        }
        let handle = self.state.withLockedValue { state in
            defer { state.handle = nil }
            return state.handle
        }
        handle?.close()
        self.onClose()
    }

    private func cancel(callID: Int) {
        self.state.withLockedValue { state in
            guard state.pendingCalls.contains(callID) else { return }
            state.cancelledCalls.insert(callID)
            if state.runningCall == callID { state.handle?.interrupt() }
        }
    }

    /// Runs on the connection's own thread, so it may block.
    private func runOnThread(callID: Int, arguments: [[UInt8]], timeout: Duration) throws -> RedisValue {
        var reusable = try self.state.withLockedValue { state -> RedisConnectionHandle? in
            guard !state.isClosed else { throw Self.closedError }
            guard !state.cancelledCalls.contains(callID) else { throw CancellationError() }
            return state.handle
        }
        if let stale = reusable, stale.isStale {
            // The server closed it while idle (restart, client timeout): replace it before sending,
            // so the caller does not see an error for a command that was never sent.
            self.state.withLockedValue { $0.handle = nil }
            stale.close()
            reusable = nil
            self.logger.warning("Redis blocking connection dropped, reconnecting", metadata: self.metadata())
        }
        let handle = try reusable ?? self.connect()
        try self.state.withLockedValue { state in
            guard !state.isClosed else { throw Self.closedError }
            guard !state.cancelledCalls.contains(callID) else { throw CancellationError() }
            state.runningCall = callID
        }
        do {
            try handle.setTimeout(timeout)
            let reply = try handle.execute(arguments)
            self.state.withLockedValue { $0.runningCall = nil }
            return reply
        } catch {
            // Detach under the lock before freeing, so close() and cancel() never interrupt a
            // descriptor that was already closed.
            self.state.withLockedValue { state in
                state.runningCall = nil
                if handle.isBroken { state.handle = nil }
            }
            if handle.isBroken {
                let cancelled = self.state.withLockedValue { $0.isClosed || $0.cancelledCalls.contains(callID) }
                if !cancelled {
                    self.logger.warning(
                        "Redis blocking connection broken, will reconnect on next use",
                        metadata: self.metadata(["redis.error": "\(error)"])
                    )
                }
                handle.close()
            }
            throw error
        }
    }

    private func connect() throws -> RedisConnectionHandle {
        let handle: RedisConnectionHandle
        do {
            handle = try RedisConnectionHandle.connect(configuration: self.configuration, id: self.id)
        } catch {
            self.logger.warning("Redis blocking connection connect failed", metadata: self.metadata(["redis.error": "\(error)"]))
            throw error
        }
        let wasConnected = try self.state.withLockedValue { state in
            guard !state.isClosed else {
                handle.close()
                throw Self.closedError
            }
            defer { state.hasConnected = true }
            state.handle = handle
            return state.hasConnected
        }
        self.logger.info(
            wasConnected ? "Redis blocking connection reconnected" : "Redis blocking connection opened",
            metadata: self.metadata()
        )
        return handle
    }

    private static let closedError = RedisError(code: .closed, message: "Redis blocking connection is closed")

    private func metadata(_ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "redis.url": "\(self.configuration.redactedURL)",
            "redis.blocking": "\(self.id)",
        ]
        metadata.merge(extra) { _, new in new }
        return metadata
    }
}
