import Foundation
import GridAuth
import HummingbirdWebSocket
import Logging
import MySQLClient
import NIOCore
import RedisClient
import Shared

/// One client connection from hello to close: logs in, answers each frame in order, and
/// records the session's lifecycle. A bad frame is answered with an error frame; only the
/// errors whose code ends the session close it.
struct GridSession {
    let services: ServerServices
    let outbox: SessionOutbox
    var logger: Logger
    /// The connection's event loop: its edits go to Redis on that loop's multiplexed connection,
    /// one after another, so Redis sequences them in the order they came.
    let eventLoop: any EventLoop
    private let pipeline: EditPipeline

    private var login: Login?
    /// Why the server is ending this session, recorded as its error.
    private var endReason: String?
    private let codec = WireCodec()
    private var edits: TokenBucket
    /// The user this connection holds a place for in `services.admission`, from login to the end.
    private var admittedUser: String?

    struct Login: Sendable {
        let session: String
        let user: String
        let grid: String
        let role: TokenClaims.Role
        let hub: GridHub
        let openedAt: Int64
    }

    init(services: ServerServices, outbox: SessionOutbox, eventLoop: any EventLoop, logger: Logger) {
        self.services = services
        self.outbox = outbox
        self.eventLoop = eventLoop
        self.logger = logger
        self.pipeline = EditPipeline(context: .init(services: services, outbox: outbox, logger: logger))
        self.edits = TokenBucket(
            ratePerSecond: services.configuration.limits.editsPerSecond, burst: services.configuration.limits.editBurst, now: .now
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
        var assembler = MessageAssembler(maxBytes: services.configuration.limits.maxFrameBytes)
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
                    send(ProtocolError(.badFrame, "binary frames are not part of the protocol; send JSON text frames"))
                case .tooLarge(let size, let prefix):
                    let limit = services.configuration.limits.maxFrameBytes
                    // Naming the edit lets the client drop it instead of resending it forever.
                    send(ProtocolError(.frameTooLarge, "a message may be at most \(limit) bytes; this one has \(size), so it was dropped; send smaller values"), op: codec.editOp(inPrefix: prefix))
                case .outOfSequence:
                    send(ProtocolError(.badFrame, "a continuation frame without its first frame, or a new message inside another; the fragments were dropped"))
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
        let message: ClientMessage
        do {
            message = try codec.decodeClientMessage(bytes: bytes)
        } catch {
            send(error)
            return true
        }
        switch message {
        case .hello(let hello):
            guard login == nil else {
                send(ProtocolError(.alreadyLoggedIn, "this connection is already logged in; open a new connection to change user or grid"))
                return true
            }
            return await logIn(hello)
        case .ping(let ping):
            reply(codec.encode(ServerMessage.pong(ping)))
            if let health = services.monitor.health { reply(codec.encode(ServerMessage.health(health))) }
            return true
        default:
            guard let login else {
                send(ProtocolError(.notLoggedIn, "send hello first: {\"type\":\"hello\",\"protocol\":1,\"user\":…,\"grid\":…}"))
                return true
            }
            return await handle(message, login: login)
        }
    }

    private mutating func handle(_ message: ClientMessage, login: Login) async -> Bool {
        switch message {
        case .edit(let edit):
            return await submit(edit, login: login)
        case .presence(let update):
            for cell in [update.cursor, update.editing].compactMap({ $0 }) where !inBounds(cell) {
                send(ProtocolError(.badCell, badCellMessage(cell)))
                return true
            }
            let presence = UserPresence(
                session: login.session, user: login.user, server: services.configuration.serverID,
                cursor: update.cursor.flatMap { CellAddress($0)?.description }, editing: update.editing.flatMap { CellAddress($0)?.description },
                at: WallClock.nowMilliseconds()
            )
            do {
                try await services.store.setPresence(grid: login.grid, presence)
            } catch {
                return redisFailed(error)
            }
            return true
        case .history(let request):
            guard (1...services.configuration.limits.maxHistoryPage).contains(request.limit) else {
                send(ProtocolError(.badField, "'limit' must be between 1 and \(services.configuration.limits.maxHistoryPage)"), request: request.id)
                return true
            }
            do {
                let page = try await services.history.page(
                    grid: login.grid, request: request, limit: request.limit, durable: await login.hub.durable
                )
                reply(codec.encode(ServerMessage.history(page)))
            } catch {
                send(ProtocolError(.historyUnavailable, "history could not be loaded (\(Self.describe(error))); try again shortly"), request: request.id)
            }
            return true
        case .hello, .ping:
            return true
        }
    }

    private mutating func submit(_ edit: ClientMessage.Edit, login: Login) async -> Bool {
        guard login.role.canWrite else {
            send(ProtocolError(
                .readOnly,
                "\(edit.kind.rawValue) of \(edit.cell.prefix(16)) refused: your token is read-only (role \(login.role.rawValue)); ask an admin for an editor token to make changes"
            ), op: edit.op)
            return true
        }
        guard let cell = CellAddress(edit.cell), services.configuration.limits.contains(cell) else {
            send(ProtocolError(.badCell, badCellMessage(edit.cell)), op: edit.op)
            return true
        }
        guard !edit.op.isEmpty, edit.op.utf8.count <= 128 else {
            send(ProtocolError(.badField, "'op' must be 1 to 128 bytes"), op: nil)
            return true
        }
        if edit.kind == .set {
            guard let value = edit.value else {
                send(ProtocolError(.badField, "missing field 'value'; use clear to empty a cell"), op: edit.op)
                return true
            }
            guard value.utf8.count <= services.configuration.limits.maxValueBytes else {
                send(ProtocolError(.valueTooLarge, "a cell holds at most \(services.configuration.limits.maxValueBytes) bytes; this value has \(value.utf8.count)"), op: edit.op)
                return true
            }
        }
        // Only edits that reach Redis cost a token: invalid ones are answered without it.
        guard edits.take(now: .now) else {
            let limits = services.configuration.limits
            send(ProtocolError(.rateLimited, "more than \(Int(limits.editsPerSecond)) edits per second (bursts up to \(limits.editBurst)); this edit was not applied; send it again after a pause (grid-tui does so by itself)"), op: edit.op)
            return true
        }
        let submission = Sequencer.Submission(
            grid: login.grid, op: edit.op, kind: edit.kind, cell: cell.description, value: edit.value, base: edit.base,
            user: login.user, session: login.session, server: services.configuration.serverID, at: WallClock.nowMilliseconds()
        )
        let connection: RedisEventLoopConnection
        do {
            connection = try services.redis.multiplexedConnection(on: eventLoop)
        } catch {
            return redisFailed(error)
        }
        await pipeline.add(.init(
            edit: edit, submission: submission, received: .now, reply: services.sequencer.issue(submission, on: connection)
        ))
        return true
    }

    private mutating func logIn(_ hello: ClientMessage.Hello) async -> Bool {
        guard hello.protocol == ProtocolVersion.current else {
            send(ProtocolError(.unsupportedProtocol, "this server speaks protocol \(ProtocolVersion.current), the client sent \(hello.protocol); upgrade the client"))
            return false
        }
        let limits = services.configuration.limits
        let role: TokenClaims.Role
        switch services.authorizer.authorize(hello, now: WallClock.nowMilliseconds() / 1000) {
        case .success(let granted):
            role = granted
        case .failure(let refusal):
            // Names are not checked yet: only valid ones go into the log, so a refusal can't forge log lines.
            logger.notice("login refused", metadata: [
                "code": "\(refusal.code)",
                "user": "\(NameRules.isValidUser(hello.user, maxBytes: limits.maxUserNameBytes) ? hello.user : "(invalid)")",
                "grid": "\(NameRules.isValidGrid(hello.grid, maxBytes: limits.maxGridNameBytes) ? hello.grid : "(invalid)")",
            ])
            send(refusal)
            return false
        }
        guard NameRules.isValidUser(hello.user, maxBytes: limits.maxUserNameBytes) else {
            send(ProtocolError(.badName, "user names are 1–\(limits.maxUserNameBytes) letters, digits, '_', '-' or '.', starting with a letter or digit"))
            return false
        }
        guard NameRules.isValidGrid(hello.grid, maxBytes: limits.maxGridNameBytes) else {
            send(ProtocolError(.badName, "grid names are 1–\(limits.maxGridNameBytes) letters, digits, '_', '-' or '.', starting with a letter or digit"))
            return false
        }
        if let refusal = services.admission.admit(user: hello.user) {
            logger.notice("login refused: session limit", metadata: ["user": "\(hello.user)", "reason": "\(refusal)"])
            send(ProtocolError(.tooManySessions, refusal.message))
            return false
        }
        admittedUser = hello.user
        let session = "\(services.configuration.serverID)-\(UUID().uuidString.prefix(13).lowercased())"
        let server = services.configuration.serverID
        logger[metadataKey: "session"] = "\(session)"
        logger[metadataKey: "user"] = "\(hello.user)"
        logger[metadataKey: "grid"] = "\(hello.grid)"
        let openedAt = WallClock.nowMilliseconds()
        do {
            try await services.store.ping()
        } catch {
            await services.recorder.recordDirect(SessionRecord(
                session: session, grid: hello.grid, user: hello.user, server: server, status: .error, openedAt: openedAt,
                endedAt: WallClock.nowMilliseconds(), error: "login refused: Redis unavailable"
            ))
            send(ProtocolError(.redisUnavailable, "Redis is unreachable at \(services.redis.configuration.redactedURL), so no edits can be ordered; try again shortly"))
            return false
        }
        do {
            try await services.mysql.ping()
        } catch {
            services.metrics.mysqlErrors.increment()
            _ = try? await services.store.appendSessionEvent(
                grid: hello.grid, kind: .sessionError, session: session, user: hello.user, server: server,
                error: "login refused: MySQL unavailable"
            )
            send(ProtocolError(.mysqlUnavailable, "MySQL is unreachable at \(services.mysql.configuration.redactedURL), so history cannot be loaded; try again shortly"))
            return false
        }
        do {
            try await services.rebuilder.ensure(grid: hello.grid)
        } catch {
            logger.warning("grid state could not be verified", metadata: ["error": "\(error)"])
            send(ProtocolError(.gridUnavailable, "the grid's saved state could not be loaded (\(Self.describe(error))); try again shortly"))
            return false
        }
        do {
            let hub = try await services.hubs.hub(for: hello.grid)
            try await services.store.registerGrid(hello.grid)
            let presence = UserPresence(session: session, user: hello.user, server: server, at: WallClock.nowMilliseconds())
            try await services.store.appendSessionEvent(grid: hello.grid, kind: .sessionOpen, session: session, user: hello.user, server: server)
            await hub.subscribe(session: session, outbox: outbox, events: hello.events ?? true)
            login = Login(session: session, user: hello.user, grid: hello.grid, role: role, hub: hub, openedAt: openedAt)
            services.metrics.sessions.increment()
            try await services.store.setPresence(grid: hello.grid, presence)
            let snapshot = try await services.store.snapshot(grid: hello.grid)
            let welcome = ServerMessage.Welcome(
                session: session, server: server, user: hello.user, grid: hello.grid, version: snapshot.version,
                cells: snapshot.cells, contested: snapshot.contested, users: snapshot.users,
                historyStart: snapshot.first, durable: snapshot.durable
            )
            await hub.activate(
                session: session, welcome: WelcomeEncoder.encode(welcome), version: snapshot.version, snapshotAt: snapshot.takenAt
            )
            logger.info("session opened", metadata: ["version": "\(snapshot.version)", "cells": "\(snapshot.cells.count)", "role": "\(role.rawValue)"])
            return true
        } catch {
            return redisFailed(error)
        }
    }

    /// Redis is the order of events: without it the session cannot go on. The client keeps its
    /// unacknowledged edits and resends them after reconnecting.
    private mutating func redisFailed(_ error: any Error) -> Bool {
        services.metrics.redisErrors.increment()
        logger.warning("Redis failed during session", metadata: ["error": "\(error)"])
        endReason = "Redis unavailable: \(Self.describe(error))"
        send(ProtocolError(.redisUnavailable, Self.redisLostMessage(services.redis.configuration.redactedURL, error)))
        return false
    }

    private static func close(_ login: Login, error: String?, services: ServerServices, logger: Logger) async {
        await login.hub.unsubscribe(session: login.session)
        try? await services.store.removePresence(grid: login.grid, session: login.session)
        await services.recorder.recordEnd(
            session: login.session, grid: login.grid, user: login.user, server: services.configuration.serverID,
            openedAt: login.openedAt, error: error
        )
        logger.info("session ended", metadata: ["error": "\(error ?? "none")"])
    }

    private func inBounds(_ cell: String) -> Bool {
        CellAddress(cell).map(services.configuration.limits.contains) ?? false
    }

    private func badCellMessage(_ cell: String) -> String {
        "'\(cell.prefix(16))' is not a cell from \(services.configuration.limits.boundsDescription); use a reference like B7"
    }

    private func send(_ error: ProtocolError, op: String? = nil, request: String? = nil) {
        reply(codec.encode(ServerMessage.error(.init(error, op: op, request: request))))
    }

    /// A direct reply, after the answers to the edits before it.
    private func reply(_ frame: String) {
        pipeline.reply(frame, to: outbox)
    }

    /// What a session ended by a Redis failure is told, here and by the grid's hub.
    static func redisLostMessage(_ url: String, _ error: any Error) -> String {
        "Redis is unreachable at \(url) (\(describe(error))); your unsaved edits are kept and will be resent after reconnecting"
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? RedisError { return error.message }
        if let error = error as? MySQLError { return error.message }
        return "\(error)"
    }
}
