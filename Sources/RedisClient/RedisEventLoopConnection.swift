import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One Redis connection driven by a NIO event loop instead of a thread: callers on that loop
/// send and get their replies without a thread switch, and concurrent callers are pipelined on
/// the one socket. It connects on first use and again on the next call after it broke.
public final class RedisEventLoopConnection: Sendable {
    public let eventLoop: any EventLoop
    private let configuration: RedisConfiguration
    private let state = NIOLockedValueBox(State())

    private struct State {
        var channel: (any Channel)?
        var connecting: EventLoopFuture<any Channel>?
        var isClosed = false
        var flushScheduled = false
    }

    init(configuration: RedisConfiguration, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.eventLoop = eventLoop
    }

    private var target: String { "\(self.configuration.host):\(self.configuration.port)" }

    /// Sends the commands together; error replies come back in place as `.error`. `timeout`
    /// bounds the wait for the replies (it must exceed any server-side BLOCK time); when it
    /// expires the connection is dropped and the call throws `.timeout`. Cancelling the calling
    /// task drops the connection too, which ends a blocked read at once.
    public func pipeline(_ commands: [[String]], timeout: Duration) async throws -> [RedisValue] {
        let replies = self.issue(commands, timeout: timeout)
        return try await withTaskCancellationHandler {
            try await replies.get()
        } onCancel: {
            self.dropChannel()
        }
    }

    /// Closes the channel in use, or the one being connected once it is.
    private func dropChannel() {
        let (open, connecting) = self.state.withLockedValue { ($0.channel, $0.connecting) }
        open?.close(promise: nil)
        connecting?.whenSuccess { $0.close(promise: nil) }
    }

    /// Like `pipeline`, without waiting: the commands are written now when the connection is
    /// open (once it is, otherwise), so calls made one after another on this connection's event
    /// loop are answered in the order made. The future completes on that loop.
    public func send(_ commands: [[String]], timeout: Duration) -> EventLoopFuture<[RedisValue]> {
        self.issue(commands, timeout: timeout)
    }

    private func issue(_ commands: [[String]], timeout: Duration) -> EventLoopFuture<[RedisValue]> {
        // An open channel is used as it is: going through a future, even a completed one, would
        // cost a hop to the event loop and back.
        let open = self.state.withLockedValue { state in state.channel.flatMap { $0.isActive ? $0 : nil } }
        guard let open else {
            return self.channel().flatMap { self.issue(commands, timeout: timeout, on: $0) }
        }
        return self.issue(commands, timeout: timeout, on: open)
    }

    private func issue(_ commands: [[String]], timeout: Duration, on channel: any Channel) -> EventLoopFuture<[RedisValue]> {
        let promise = self.eventLoop.makePromise(of: [RedisValue].self)
        let target = self.target
        let deadline = self.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            // Forgotten first, so that no caller woken by the failure can pick this channel again.
            self.state.withLockedValue { state in
                if state.channel === channel { state.channel = nil }
            }
            promise.fail(RedisError(code: .timeout, message: "no reply from \(target) within \(timeout)"))
            channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        let request = RedisPipelineHandler.Request(commands: commands, promise: promise)
        if self.eventLoop.inEventLoop {
            self.write(request, on: channel)
        } else {
            self.eventLoop.execute { self.write(request, on: channel) }
        }
        return promise.futureResult
    }

    /// Writes on the event loop, with one flush for every command written during this turn of
    /// the loop: many sessions' edits reach Redis in one `write` instead of one each. The flag is
    /// only touched on the loop, so no write can slip in after the flush that should carry it.
    private func write(_ request: RedisPipelineHandler.Request, on channel: any Channel) {
        // Closed since it was picked: the write would be dropped before the handler saw it.
        guard channel.isActive else {
            request.promise.fail(RedisError(code: .connectionLost, message: "\(self.target) closed the connection"))
            return
        }
        channel.write(request, promise: nil)
        let due = self.state.withLockedValue { state in
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        guard due else { return }
        self.eventLoop.execute {
            // A reconnect in between: the new channel may hold writes that counted on this flush.
            let current = self.state.withLockedValue { state in
                state.flushScheduled = false
                return state.channel
            }
            channel.flush()
            if let current, current !== channel { current.flush() }
        }
    }

    /// One command; an error reply throws `.serverError`.
    public func command(_ command: [String], timeout: Duration) async throws -> RedisValue {
        let reply = try await self.pipeline([command], timeout: timeout)[0]
        if case .error(let text) = reply { throw RedisError(code: .serverError, message: text) }
        return reply
    }

    /// Closes the connection; later calls throw `.closed`.
    public func close() {
        let channel = self.state.withLockedValue { state in
            state.isClosed = true
            defer { state.channel = nil }
            return state.channel
        }
        channel?.close(promise: nil)
    }

    /// The open channel, or the connection being made; a closed one is replaced.
    private func channel() -> EventLoopFuture<any Channel> {
        let (existing, started): (EventLoopFuture<any Channel>?, EventLoopFuture<any Channel>?) = self.state.withLockedValue { state in
            guard !state.isClosed else {
                return (self.eventLoop.makeFailedFuture(RedisError(code: .closed, message: "Redis connection to \(self.target) is closed")), nil)
            }
            if let channel = state.channel, channel.isActive { return (self.eventLoop.makeSucceededFuture(channel), nil) }
            if let connecting = state.connecting { return (connecting, nil) }
            let connecting = self.connect()
            state.connecting = connecting
            return (nil, connecting)
        }
        if let existing { return existing }
        let connecting = started!
        // Registered outside the lock: on the event loop a completed future runs it at once.
        connecting.whenComplete { result in
            let closed = self.state.withLockedValue { state in
                state.connecting = nil
                if case .success(let channel) = result, !state.isClosed { state.channel = channel }
                return state.isClosed
            }
            if case .success(let channel) = result, closed { channel.close(promise: nil) }
        }
        return connecting
    }

    private func connect() -> EventLoopFuture<any Channel> {
        let target = self.target
        let bootstrap = ClientBootstrap(group: self.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisPipelineHandler(target: target))
                }
            }
        return bootstrap.connect(host: self.configuration.host, port: self.configuration.port)
            .flatMapErrorThrowing { error in
                throw RedisError(code: .connectionFailed, message: "connect to \(target): \(error)")
            }
            .flatMap { channel in self.handshake(channel).map { channel } }
    }

    /// AUTH and SELECT, as the pooled connections do.
    private func handshake(_ channel: any Channel) -> EventLoopFuture<Void> {
        var commands: [[String]] = []
        if let password = self.configuration.password {
            commands.append(["AUTH"] + (self.configuration.username.map { [$0] } ?? []) + [password])
        }
        if self.configuration.database != 0 {
            commands.append(["SELECT", String(self.configuration.database)])
        }
        guard !commands.isEmpty else { return self.eventLoop.makeSucceededVoidFuture() }
        let promise = self.eventLoop.makePromise(of: [RedisValue].self)
        // A server that accepts the connection and never answers must not hold every caller.
        let deadline = self.eventLoop.scheduleTask(in: TimeAmount(self.configuration.commandTimeout)) { channel.close(promise: nil) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        channel.writeAndFlush(RedisPipelineHandler.Request(commands: commands, promise: promise), promise: nil)
        let password = self.configuration.password ?? ""
        let target = self.target
        return promise.futureResult.flatMapThrowing { replies in
            for reply in replies {
                if case .error(let text) = reply {
                    // Servers do not echo the password today, but the guarantee must not depend on it.
                    let safe = password.isEmpty ? text : text.replacing(password, with: "***")
                    throw RedisError(code: .authenticationFailed, message: "AUTH or SELECT rejected by \(target): \(safe)")
                }
            }
        }.flatMapErrorWithEventLoop { error, eventLoop in
            channel.close(promise: nil)
            return eventLoop.makeFailedFuture(error)
        }
    }
}
