import Foundation
import GridAuth
import Logging
import Shared

/// Logs one connection in, in the order docs/PROTOCOL.md §3.1 gives: protocol, token, names,
/// session limits, Redis, MySQL, the grid's state; then registers the session (log, hub,
/// presence) and queues the welcome. Refusals are answered by the caller.
struct SessionLogin {
    /// A logged-in session.
    struct Login: Sendable {
        let session: String
        let user: String
        let grid: String
        let role: TokenClaims.Role
        let hub: GridHub
        let openedAt: Int64
    }

    /// How a login ended. `admittedUser` holds a place in `services.admission` that the session
    /// must release when it ends, whatever else happened.
    struct Outcome {
        var login: Login?
        var admittedUser: String?
        var failure: Failure?
    }

    enum Failure {
        /// Refused with this error; the connection closes.
        case refused(ProtocolError)
        /// Redis failed while the session was being registered.
        case redis(any Error)
    }

    let services: ServerServices
    let outbox: SessionOutbox

    func run(_ hello: ClientMessage.Hello, logger: inout Logger) async -> Outcome {
        var outcome = Outcome()
        guard hello.protocol == ProtocolVersion.current else {
            outcome.failure = .refused(ServerErrors.unsupportedProtocol(client: hello.protocol))
            return outcome
        }
        // A client that cannot apply a multi-cell event would show stale cells after one; a
        // write-only session receives no events, so it needs nothing.
        guard hello.events == false || (hello.features ?? []).contains(ClientFeature.multi) else {
            outcome.failure = .refused(ServerErrors.upgradeRequired)
            return outcome
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
            outcome.failure = .refused(refusal)
            return outcome
        }
        guard NameRules.isValidUser(hello.user, maxBytes: limits.maxUserNameBytes) else {
            outcome.failure = .refused(ServerErrors.badUserName(maxBytes: limits.maxUserNameBytes))
            return outcome
        }
        guard NameRules.isValidGrid(hello.grid, maxBytes: limits.maxGridNameBytes) else {
            outcome.failure = .refused(ServerErrors.badGridName(maxBytes: limits.maxGridNameBytes))
            return outcome
        }
        if let refusal = services.admission.admit(user: hello.user) {
            logger.notice("login refused: session limit", metadata: ["user": "\(hello.user)", "reason": "\(refusal)"])
            outcome.failure = .refused(ServerErrors.tooManySessions(refusal.message))
            return outcome
        }
        outcome.admittedUser = hello.user
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
            outcome.failure = .refused(ServerErrors.redisUnavailableAtLogin(services.redis.configuration.redactedURL))
            return outcome
        }
        do {
            try await services.mysql.ping()
        } catch {
            services.metrics.mysqlErrors.increment()
            _ = try? await services.store.appendSessionEvent(
                grid: hello.grid, kind: .sessionError, session: session, user: hello.user, server: server,
                error: "login refused: MySQL unavailable"
            )
            outcome.failure = .refused(ServerErrors.mysqlUnavailableAtLogin(services.mysql.configuration.redactedURL))
            return outcome
        }
        do {
            try await services.rebuilder.ensure(grid: hello.grid)
        } catch {
            logger.warning("grid state could not be verified", metadata: ["error": "\(error)"])
            outcome.failure = .refused(ServerErrors.gridUnavailable(error))
            return outcome
        }
        do {
            let hub = try await services.hubs.hub(for: hello.grid)
            try await services.store.touchGrids([hello.grid])
            let presence = UserPresence(session: session, user: hello.user, server: server, at: WallClock.nowMilliseconds())
            try await services.store.appendSessionEvent(grid: hello.grid, kind: .sessionOpen, session: session, user: hello.user, server: server)
            await hub.subscribe(session: session, outbox: outbox, events: hello.events ?? true)
            // From here on the session is open: however the rest goes, its end is recorded.
            outcome.login = Login(session: session, user: hello.user, grid: hello.grid, role: role, hub: hub, openedAt: openedAt)
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
        } catch {
            outcome.failure = .redis(error)
        }
        return outcome
    }
}
