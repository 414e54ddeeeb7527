import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The one kind of Redis connection: a NIO channel on one event loop, with hiredis's reply
/// parser. Callers on that loop send and get their replies without a thread switch, concurrent
/// callers are pipelined on the one socket, and everything written during one turn of the loop
/// goes out in one flush. It connects on first use and again on the next call after it broke.
///
/// A reply later than the timeout is slow, not lost: the connection asks `RedisLiveness`
/// whether Redis still answers (bytes lately on any connection, or a PING on another one) and
/// keeps waiting while it does. Only a broken connection, or a failed probe, fails the call.
public final class RedisEventLoopConnection: Sendable {
    /// What the connection is for, which decides how it treats late replies and cancellation.
    enum Role: Sendable {
        /// Shared by many callers (`RedisClient.command`, the sequencer): a cancelled caller
        /// stops nobody else, so cancellation only stops its own wait.
        case shared
        /// Leased to one caller for blocking reads: cancelling drops the connection, which ends
        /// a blocked XREAD at once.
        case dedicated
        /// The probe and the heartbeat: a late reply is itself the answer, so the timeout fails
        /// the call at once and drops the connection.
        case plain
    }

    public let eventLoop: any EventLoop
    private let configuration: RedisConfiguration
    private let liveness: RedisLiveness
    private let role: Role
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var channel: (any Channel)?
        var connecting: EventLoopFuture<any Channel>?
        var isClosed = false
        var flushScheduled = false
        /// The `WAIT` to write behind this turn's commands, for those sent with `waitForReplicas`.
        var replicaWait: (replicas: Int, promise: EventLoopPromise<Int64>)?
        var hasConnected = false
        /// Set while connects keep failing, so an outage logs one warning, not one per call.
        var isConnectFailing = false
    }

    /// A call's deadline, only touched on the event loop.
    private struct Deadline {
        let sent = NIODeadline.now()
        var task: Scheduled<Void>?
        var answered = false
        /// The timeout passed at least once before the reply came.
        var late = false
    }

    init(configuration: RedisConfiguration, eventLoop: any EventLoop, liveness: RedisLiveness, role: Role, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.liveness = liveness
        self.role = role
        self.logger = logger
    }

    private var target: String { "\(self.configuration.host):\(self.configuration.port)" }

    /// Sends the commands together; error replies come back in place as `.error`. `timeout` is
    /// when Redis is probed if no reply came (it must exceed any server-side BLOCK time).
    /// Cancelling the calling task on a dedicated connection drops it, which ends a blocked
    /// read at once.
    public func pipeline(_ commands: [[String]], timeout: Duration) async throws -> [RedisValue] {
        try await self.wait(for: self.send(commands, timeout: timeout))
    }

    /// Like `pipeline(_:timeout:)` for arguments that are not text (binary keys and values).
    public func pipeline(bytes commands: [[[UInt8]]], timeout: Duration) async throws -> [RedisValue] {
        try await self.wait(for: self.issue(Self.encode(commands), count: commands.count, timeout: timeout))
    }

    /// One command already in RESP form (`RESPReader.encodeHeader` / `encodeArgument`), for a
    /// caller that sends a long command often and keeps most of it encoded.
    public func command(encoded payload: ByteBuffer, timeout: Duration) async throws -> RedisValue {
        try Self.single(await self.wait(for: self.issue(payload, count: 1, timeout: timeout)))
    }

    /// One command; an error reply throws `.serverError`.
    public func command(_ command: [String], timeout: Duration) async throws -> RedisValue {
        try Self.single(await self.pipeline([command], timeout: timeout))
    }

    public func command(bytes command: [[UInt8]], timeout: Duration) async throws -> RedisValue {
        try Self.single(await self.pipeline(bytes: [command], timeout: timeout))
    }

    /// Like `pipeline`, without waiting: the commands are written now when the connection is
    /// open (once it is, otherwise), so calls made one after another on this connection's event
    /// loop are answered in the order made. The future completes on that loop.
    public func send(_ commands: [[String]], timeout: Duration) -> EventLoopFuture<[RedisValue]> {
        self.issue(Self.encode(commands.map { $0.lazy.map(\.utf8) }), count: commands.count, timeout: timeout)
    }

    /// Like `send`, and the reply completes only once `replicas` replicas have the commands: one
    /// `WAIT` is written behind all that this turn of the loop writes, so however many calls
    /// want it, a flush carries one. Fewer replicas within `configuration.waitReplicasTimeout`
    /// fails the call (the commands did run on the master).
    public func send(_ commands: [[String]], timeout: Duration, waitForReplicas replicas: Int) -> EventLoopFuture<[RedisValue]> {
        guard replicas > 0 else { return self.send(commands, timeout: timeout) }
        return self.issue(Self.encode(commands.map { $0.lazy.map(\.utf8) }), count: commands.count, timeout: timeout, replicas: replicas)
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

    var isClosed: Bool { self.state.withLockedValue { $0.isClosed } }

    private static func single(_ replies: [RedisValue]) throws -> RedisValue {
        if case .error(let text) = replies[0] { throw RedisError(code: .serverError, message: text) }
        return replies[0]
    }

    private static func encode<Command: Collection>(_ commands: [Command]) -> ByteBuffer where Command.Element: Collection<UInt8> {
        var buffer = ByteBufferAllocator().buffer(capacity: 64 * commands.count)
        for command in commands { RESPReader.encode(command, into: &buffer) }
        return buffer
    }

    private func wait(for replies: EventLoopFuture<[RedisValue]>) async throws -> [RedisValue] {
        do {
            guard self.role != .shared else { return try await replies.get() }
            return try await withTaskCancellationHandler {
                try await replies.get()
            } onCancel: {
                self.dropChannel()
            }
        } catch {
            // The channel closed under the call because of the caller, not because Redis went away.
            if self.isClosed { throw RedisError(code: .closed, message: "Redis connection to \(self.target) is closed") }
            if Task.isCancelled { throw CancellationError() }
            throw error
        }
    }

    /// Closes the channel in use, or the one being connected once it is.
    private func dropChannel() {
        let (open, connecting) = self.state.withLockedValue { ($0.channel, $0.connecting) }
        open?.close(promise: nil)
        connecting?.whenSuccess { $0.close(promise: nil) }
    }

    private func issue(_ payload: ByteBuffer, count: Int, timeout: Duration, replicas: Int = 0) -> EventLoopFuture<[RedisValue]> {
        // The caller waits on `reply`, which completes only after `start` has done its
        // bookkeeping on the handler's promise: a caller woken by a slow reply sees it counted.
        let reply = self.eventLoop.makePromise(of: [RedisValue].self)
        let request = RedisPipelineHandler.Request(payload: payload, count: count, promise: self.eventLoop.makePromise(of: [RedisValue].self))
        // An open channel is used as it is: going through a future, even a completed one, would
        // cost a hop to the event loop and back.
        let open = self.state.withLockedValue { state in state.channel.flatMap { $0.isActive ? $0 : nil } }
        if let open {
            if self.eventLoop.inEventLoop {
                self.start(request, reply: reply, timeout: timeout, replicas: replicas, on: open)
            } else {
                self.eventLoop.execute { self.start(request, reply: reply, timeout: timeout, replicas: replicas, on: open) }
            }
        } else {
            self.channel().whenComplete { result in
                switch result {
                case .success(let channel): self.start(request, reply: reply, timeout: timeout, replicas: replicas, on: channel)
                case .failure(let error):
                    request.promise.fail(error)
                    reply.fail(error)
                }
            }
        }
        return reply.futureResult
    }

    /// On the event loop: arms the deadline, then writes, with one flush for every command
    /// written during this turn of the loop: many sessions' edits reach Redis in one `write`
    /// instead of one each. The flag is only touched on the loop, so no write can slip in after
    /// the flush that should carry it.
    private func start(
        _ request: RedisPipelineHandler.Request, reply: EventLoopPromise<[RedisValue]>, timeout: Duration, replicas: Int = 0, on channel: any Channel
    ) {
        let deadline = NIOLoopBoundBox(Deadline(), eventLoop: self.eventLoop)
        let replicated = replicas > 0 ? self.replicaWait(for: replicas) : nil
        request.promise.futureResult.whenComplete { result in
            deadline.value.answered = true
            deadline.value.task?.cancel()
            if deadline.value.late, case .success = result {
                self.liveness.noteSlow(after: .nanoseconds((NIODeadline.now() - deadline.value.sent).nanoseconds))
            }
            guard let replicated, case .success = result else { return reply.completeWith(result) }
            replicated.whenComplete { confirmed in
                switch confirmed {
                case .success(let count) where count >= Int64(replicas): reply.completeWith(result)
                case .success(let count):
                    reply.fail(RedisError(code: .timeout, message: "\(self.target): \(count) of \(replicas) replicas confirmed within \(self.configuration.waitReplicasTimeout)"))
                case .failure(let error): reply.fail(error)
                }
            }
        }
        // Closed since it was picked: the write would be dropped before the handler saw it.
        guard channel.isActive else {
            request.promise.fail(RedisError(code: .connectionLost, message: "\(self.target) closed the connection"))
            return
        }
        self.arm(deadline, promise: request.promise, channel: channel, timeout: timeout, waited: timeout)
        channel.write(request, promise: nil)
        let due = self.state.withLockedValue { state in
            defer { state.flushScheduled = true }
            return !state.flushScheduled
        }
        guard due else { return }
        self.eventLoop.execute {
            // A reconnect in between: the new channel may hold writes that counted on this flush.
            let (current, replicaWait) = self.state.withLockedValue { state in
                state.flushScheduled = false
                defer { state.replicaWait = nil }
                return (state.channel, state.replicaWait)
            }
            if let replicaWait { self.writeWait(replicaWait, on: channel) }
            channel.flush()
            if let current, current !== channel { current.flush() }
        }
    }

    /// This turn's `WAIT`, made by the first call that wants one; the largest count asked wins.
    private func replicaWait(for replicas: Int) -> EventLoopFuture<Int64> {
        self.state.withLockedValue { state in
            if let existing = state.replicaWait {
                state.replicaWait = (max(existing.replicas, replicas), existing.promise)
                return existing.promise.futureResult
            }
            let promise = self.eventLoop.makePromise(of: Int64.self)
            state.replicaWait = (replicas, promise)
            return promise.futureResult
        }
    }

    private func writeWait(_ wait: (replicas: Int, promise: EventLoopPromise<Int64>), on channel: any Channel) {
        let milliseconds = wait.replicas > 0 ? self.configuration.waitReplicasTimeout.components.seconds * 1000
            + self.configuration.waitReplicasTimeout.components.attoseconds / 1_000_000_000_000_000 : 0
        let command = ["WAIT", String(wait.replicas), String(milliseconds)]
        let request = RedisPipelineHandler.Request(
            payload: Self.encode([command.lazy.map(\.utf8)]), count: 1, promise: self.eventLoop.makePromise(of: [RedisValue].self)
        )
        request.promise.futureResult.whenComplete { result in
            switch result {
            case .success(let replies):
                if let count = replies.first?.int { wait.promise.succeed(count) } else {
                    wait.promise.fail(RedisError(code: .serverError, message: "WAIT: \(replies.first?.description ?? "no reply")"))
                }
            case .failure(let error): wait.promise.fail(error)
            }
        }
        guard channel.isActive else {
            return request.promise.fail(RedisError(code: .connectionLost, message: "\(self.target) closed the connection"))
        }
        channel.write(request, promise: nil)
    }

    /// When `timeout` passes without the reply: waits another `timeout` if Redis still answers,
    /// else fails the call and drops the connection (its replies can no longer be trusted to come).
    private func arm(
        _ deadline: NIOLoopBoundBox<Deadline>, promise: EventLoopPromise<[RedisValue]>, channel: any Channel, timeout: Duration, waited: Duration
    ) {
        guard !deadline.value.answered else { return }
        deadline.value.task = self.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            guard self.role != .plain else {
                self.expire(promise, channel: channel, reason: "no reply from \(self.target) within \(waited)")
                return
            }
            deadline.value.late = true
            self.liveness.check(on: self.eventLoop).whenSuccess { alive in
                guard !deadline.value.answered else { return }
                if alive {
                    self.arm(deadline, promise: promise, channel: channel, timeout: timeout, waited: waited + timeout)
                } else {
                    self.expire(promise, channel: channel, reason: "no reply from \(self.target) within \(waited), and Redis did not answer a probe")
                }
            }
        }
    }

    private func expire(_ promise: EventLoopPromise<[RedisValue]>, channel: any Channel, reason: String) {
        // Forgotten first, so that no caller woken by the failure can pick this channel again.
        self.state.withLockedValue { state in
            if state.channel === channel { state.channel = nil }
        }
        promise.fail(RedisError(code: .timeout, message: reason))
        channel.close(promise: nil)
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
            let (closed, wasConnected, wasFailing) = self.state.withLockedValue { state in
                state.connecting = nil
                let before = (state.hasConnected, state.isConnectFailing)
                switch result {
                case .success(let channel):
                    if !state.isClosed { state.channel = channel }
                    state.hasConnected = true
                    state.isConnectFailing = false
                case .failure:
                    state.isConnectFailing = true
                }
                return (state.isClosed, before.0, before.1)
            }
            switch result {
            case .success(let channel):
                if closed {
                    channel.close(promise: nil)
                } else if wasConnected || wasFailing {
                    self.logger.info("Redis reconnected", metadata: ["redis.url": "\(self.configuration.redactedURL)"])
                }
            case .failure(let error):
                if !wasFailing && !closed {
                    self.logger.warning("Redis connect failed", metadata: ["redis.url": "\(self.configuration.redactedURL)", "redis.error": "\(error)"])
                }
            }
        }
        return connecting
    }

    private func connect() -> EventLoopFuture<any Channel> {
        let target = self.target
        let liveness = self.liveness
        let bootstrap = ClientBootstrap(group: self.eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            // A peer that vanished without a FIN (a host gone, not a process) is found by the kernel.
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisPipelineHandler(target: target, liveness: liveness))
                }
            }
        return bootstrap.connect(host: self.configuration.host, port: self.configuration.port)
            .flatMapErrorThrowing { error in
                throw RedisError(code: .connectionFailed, message: "connect to \(target): \(error)")
            }
            .flatMap { channel in self.handshake(channel).map { channel } }
    }

    /// AUTH, SELECT and the client's name before any caller's command.
    private func handshake(_ channel: any Channel) -> EventLoopFuture<Void> {
        var commands: [[String]] = []
        if let password = self.configuration.password {
            commands.append(["AUTH"] + (self.configuration.username.map { [$0] } ?? []) + [password])
        }
        if self.configuration.database != 0 {
            commands.append(["SELECT", String(self.configuration.database)])
        }
        if let name = self.configuration.clientName {
            commands.append(["CLIENT", "SETNAME", name])
        }
        guard !commands.isEmpty else { return self.eventLoop.makeSucceededVoidFuture() }
        let promise = self.eventLoop.makePromise(of: [RedisValue].self)
        // A server that accepts the connection and never answers must not hold every caller.
        let deadline = self.eventLoop.scheduleTask(in: TimeAmount(self.configuration.commandTimeout)) { channel.close(promise: nil) }
        promise.futureResult.whenComplete { _ in deadline.cancel() }
        let payload = Self.encode(commands.map { $0.lazy.map(\.utf8) })
        channel.writeAndFlush(RedisPipelineHandler.Request(payload: payload, count: commands.count, promise: promise), promise: nil)
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
