import HummingbirdWebSocket
import Logging
import NIOCore
import RedisClient
import Shared

/// One client connection from hello to close: reads its frames, answers each in order, and
/// records the session's end. The pieces with a job of their own live elsewhere: the login
/// (`SessionLogin`), edit checks (`EditValidation`), answering edits (`EditPipeline`) and the
/// wording of every error (`ServerErrors`). A bad frame is answered with an error frame; only
/// the errors whose code ends the session close it.
struct GridSession {
    let services: ServerServices
    let outbox: SessionOutbox
    var logger: Logger
    /// The connection's event loop: its edits go to Redis on that loop's multiplexed connection,
    /// one after another, so Redis sequences them in the order they came.
    let eventLoop: any EventLoop
    private let pipeline: EditPipeline

    private var login: SessionLogin.Login?
    /// Why the server is ending this session, recorded as its error.
    private var endReason: String?
    private let codec = WireCodec()
    private let validation: EditValidation
    private var edits: TokenBucket
    /// Multi-cell edits' own budget, in cells.
    private var multiCells: TokenBucket
    /// The user this connection holds a place for in `services.admission`, from login to the end.
    private var admittedUser: String?

    init(services: ServerServices, outbox: SessionOutbox, eventLoop: any EventLoop, logger: Logger) {
        self.services = services
        self.outbox = outbox
        self.eventLoop = eventLoop
        self.logger = logger
        self.pipeline = EditPipeline(context: .init(services: services, outbox: outbox, logger: logger))
        self.validation = EditValidation(limits: services.configuration.limits)
        self.edits = TokenBucket(
            ratePerSecond: services.configuration.limits.editsPerSecond, burst: services.configuration.limits.editBurst, now: .now
        )
        self.multiCells = TokenBucket(
            ratePerSecond: services.configuration.limits.multiCellsPerSecond, burst: services.configuration.limits.multiCellBurst, now: .now
        )
    }

    /// Reads frames until the client leaves or the session must end, while the edits in flight
    /// are answered alongside.
    mutating func run(inbound: WebSocketInboundStream) async {
        let pipeline = self.pipeline
        await withTaskCancellationHandler {
            await readFrames(inbound)
        } onCancel: {
            pipeline.cancel()
        }
        await pipeline.finish()
        await end()
    }

    private mutating func readFrames(_ inbound: WebSocketInboundStream) async {
        // Raw frames rather than the library's messages: it would close the connection for an
        // over-size or non-UTF-8 message, where the protocol answers with an error and goes on.
        // Up to the multi-cell limit; `handle` holds every other message to the smaller one.
        let limits = services.configuration.limits
        var assembler = MessageAssembler(maxBytes: max(limits.maxFrameBytes, limits.maxMultiFrameBytes))
        do {
            frames: for try await frame in inbound {
                if outbox.didOverflow { break }
                let opcode: MessageAssembler.Opcode = switch frame.opcode {
                case .text: .text
                case .binary: .binary
                case .continuation: .continuation
                }
                switch assembler.receive(opcode, fin: frame.fin, payload: frame.data.readableBytesView) {
                case .incomplete:
                    continue
                case .text(let bytes):
                    if await !handle(bytes) { break frames }
                case .binary:
                    send(ServerErrors.binaryFrame)
                case .tooLarge(let size, let prefix):
                    // Naming the edit lets the client drop it instead of resending it forever.
                    send(ServerErrors.frameTooLarge(limit: max(limits.maxFrameBytes, limits.maxMultiFrameBytes), size: size), op: codec.editOp(inPrefix: prefix))
                case .outOfSequence:
                    send(ServerErrors.fragmentsOutOfOrder)
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    private mutating func end() async {
        // The connection is gone: its place is free even while its end is still being recorded.
        if let admittedUser { services.admission.release(user: admittedUser) }
        if outbox.didOverflow {
            services.metrics.slowClientsDropped.increment()
            logger.warning("client too slow; dropped", metadata: ["session": "\(login?.session ?? "-")"])
        }
        if let login {
            self.login = nil
            services.metrics.sessions.decrement()
            // The reader may have been cancelled; recording the end must still run to completion.
            let services = self.services
            let logger = self.logger
            let error = endReason ?? outbox.closeReason
            await Task.detached {
                await Self.close(login, error: error, services: services, logger: logger)
            }.value
        }
        outbox.finish()
    }

    /// Handles one frame; false when the session must end.
    private mutating func handle(_ bytes: [UInt8]) async -> Bool {
        let decoded = Result { () throws(ProtocolError) in try codec.decodeClientMessage(bytes: bytes) }
        // Only a multi-cell edit may be larger than the message limit (the assembler held it
        // to its own): anything else that large is refused as too large, whatever it holds.
        let limit = services.configuration.limits.maxFrameBytes
        if bytes.count > limit {
            guard case .success(.edit(let edit)) = decoded, edit.kind == .multi else {
                send(ServerErrors.frameTooLarge(limit: limit, size: bytes.count), op: codec.editOp(inPrefix: bytes.prefix(MessageAssembler.prefixBytes)))
                return true
            }
        }
        let message: ClientMessage
        switch decoded {
        case .success(let decodedMessage):
            message = decodedMessage
        case .failure(let error):
            send(error)
            return true
        }
        switch message {
        case .hello(let hello):
            guard login == nil else {
                send(ServerErrors.alreadyLoggedIn)
                return true
            }
            return await logIn(hello)
        case .ping(let ping):
            reply(codec.encode(ServerMessage.pong(ping)))
            if let health = services.monitor.health { reply(codec.encode(ServerMessage.health(health))) }
            return true
        default:
            guard let login else {
                send(ServerErrors.notLoggedIn)
                return true
            }
            return await handle(message, login: login)
        }
    }

    private mutating func handle(_ message: ClientMessage, login: SessionLogin.Login) async -> Bool {
        switch message {
        case .edit(let edit):
            return await submit(edit, login: login)
        case .presence(let update):
            return await updatePresence(update, login: login)
        case .history(let request):
            await answerHistory(request, login: login)
            return true
        case .hello, .ping:
            return true
        }
    }

    private mutating func logIn(_ hello: ClientMessage.Hello) async -> Bool {
        let outcome = await SessionLogin(services: services, outbox: outbox).run(hello, logger: &logger)
        admittedUser = outcome.admittedUser
        login = outcome.login
        switch outcome.failure {
        case nil:
            return true
        case .refused(let error):
            send(error)
            return false
        case .redis(let error):
            return redisFailed(error)
        }
    }

    private mutating func submit(_ edit: ClientMessage.Edit, login: SessionLogin.Login) async -> Bool {
        let valid: EditValidation.Valid
        switch validation.validate(edit, role: login.role) {
        case .success(let checked):
            valid = checked
        case .failure(let refusal):
            send(refusal.error, op: refusal.op)
            return true
        }
        // Only edits that reach Redis cost a token: invalid ones are answered without it.
        let limits = services.configuration.limits
        if edit.kind == .multi {
            guard multiCells.take(valid.cells.count, now: .now) else {
                send(ServerErrors.multiRateLimited(perSecond: limits.multiCellsPerSecond, burst: limits.multiCellBurst), op: edit.op)
                return true
            }
        } else {
            guard edits.take(now: .now) else {
                send(ServerErrors.rateLimited(perSecond: limits.editsPerSecond, burst: limits.editBurst), op: edit.op)
                return true
            }
        }
        var submission = Sequencer.Submission(
            grid: login.grid, op: edit.op, kind: edit.kind, cell: valid.cell.description, value: edit.value, base: edit.base,
            user: login.user, session: login.session, server: services.configuration.serverID, at: WallClock.nowMilliseconds()
        )
        submission.resend = edit.resend ?? false
        submission.cells = valid.cells
        submission.label = edit.label ?? ""
        submission.group = edit.group
        let connection: RedisEventLoopConnection
        do {
            connection = try services.redis.multiplexedConnection(on: eventLoop, forKey: GridSchema(grid: login.grid).log)
        } catch {
            return redisFailed(error)
        }
        await pipeline.add(.init(
            edit: edit, submission: submission, received: .now, reply: services.sequencer.issue(submission, on: connection)
        ))
        return true
    }

    private mutating func updatePresence(_ update: ClientMessage.PresenceUpdate, login: SessionLogin.Login) async -> Bool {
        let limits = services.configuration.limits
        for cell in [update.cursor, update.editing].compactMap({ $0 }) where !(CellAddress(cell).map(limits.contains) ?? false) {
            send(ServerErrors.badCell(cell, bounds: limits.boundsDescription))
            return true
        }
        let selection = update.selection.flatMap { CellRect($0) }
        if let text = update.selection, selection.map({ !limits.contains($0.low) || !limits.contains($0.high) }) ?? true {
            send(ServerErrors.badCell(text, bounds: limits.boundsDescription))
            return true
        }
        let presence = UserPresence(
            session: login.session, user: login.user, server: services.configuration.serverID,
            cursor: update.cursor.flatMap { CellAddress($0)?.description }, editing: update.editing.flatMap { CellAddress($0)?.description },
            selection: selection?.description, at: WallClock.nowMilliseconds()
        )
        do {
            try await services.store.setPresence(grid: login.grid, presence)
        } catch {
            return redisFailed(error)
        }
        return true
    }

    private func answerHistory(_ request: ClientMessage.HistoryRequest, login: SessionLogin.Login) async {
        let maximum = services.configuration.limits.maxHistoryPage
        guard (1...maximum).contains(request.limit) else {
            send(ServerErrors.historyLimit(maximum), request: request.id)
            return
        }
        do {
            let page = try await services.history.page(grid: login.grid, request: request, limit: request.limit, durable: await login.hub.durable)
            reply(codec.encode(ServerMessage.history(page)))
        } catch {
            send(ServerErrors.historyUnavailable(error), request: request.id)
        }
    }

    /// Redis is the order of events: without it the session cannot go on. The client keeps its
    /// unacknowledged edits and resends them after reconnecting.
    private mutating func redisFailed(_ error: any Error) -> Bool {
        services.metrics.redisErrors.increment()
        logger.warning("Redis failed during session", metadata: ["error": "\(error)"])
        endReason = "Redis unavailable: \(ServerErrors.describe(error))"
        send(ServerErrors.redisLost(services.redis.configuration.redactedURL, error))
        return false
    }

    private static func close(_ login: SessionLogin.Login, error: String?, services: ServerServices, logger: Logger) async {
        await login.hub.unsubscribe(session: login.session)
        try? await services.store.removePresence(grid: login.grid, session: login.session)
        await services.recorder.recordEnd(
            session: login.session, grid: login.grid, user: login.user, server: services.configuration.serverID,
            openedAt: login.openedAt, error: error
        )
        logger.info("session ended", metadata: ["error": "\(error ?? "none")"])
    }

    private func send(_ error: ProtocolError, op: String? = nil, request: String? = nil) {
        reply(codec.encode(ServerMessage.error(.init(error, op: op, request: request))))
    }

    /// A direct reply, after the answers to the edits before it.
    private func reply(_ frame: String) {
        pipeline.reply(frame, to: outbox)
    }
}
