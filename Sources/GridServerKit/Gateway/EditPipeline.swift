import Logging
import NIOCore
import RedisClient
import Shared
import Synchronization

/// A session's edits in flight. Each edit's sequencer call is written to Redis as soon as its
/// frame is read, without waiting for the edit before it, so a client that sends many edits is
/// not held to one Redis round trip each. Direct replies still go back in the order of the
/// requests (docs/PROTOCOL.md): one task awaits the edits' outcomes in order, the session's other
/// replies queue behind them, and that task alone takes the slow paths (a grid being rebuilt,
/// Redis having forgotten the script, Redis lost). At most `window` edits are in flight; the
/// reader waits for room, so a flooding client is slowed, not buffered without bound. The
/// answering task starts with the first edit: an idle session costs no task.
final class EditPipeline: Sendable {
    struct Edit: Sendable {
        let edit: ClientMessage.Edit
        let submission: Sequencer.Submission
        let received: ContinuousClock.Instant
        let reply: EventLoopFuture<RedisValue>
    }

    /// What answering needs from the session.
    struct Context: Sendable {
        let services: ServerServices
        let outbox: SessionOutbox
        let logger: Logger
    }

    private enum Item: Sendable {
        case edit(Edit)
        /// A reply to a later frame, sent once the edits before it are answered.
        case reply(String)
    }

    private let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let window: Int
    private let context: Context
    private let state = Mutex(State())

    private struct State {
        var inFlight = 0
        var waiting: CheckedContinuation<Void, Never>?
        /// The answering task, once the first edit started it.
        var task: Task<Void, Never>?
        /// The answering task has ended (finished or cancelled): nothing waits for room any more.
        var answering = true
    }

    init(context: Context, window: Int = 256) {
        (items, continuation) = AsyncStream.makeStream(of: Item.self)
        self.context = context
        self.window = window
    }

    /// Hands an issued edit to the answering task; waits while `window` edits are in flight.
    func add(_ edit: Edit) async {
        state.withLock { state in
            if state.task == nil { state.task = Task { await self.answer() } }
        }
        await withCheckedContinuation { (room: CheckedContinuation<Void, Never>) in
            let full = state.withLock { state in
                state.inFlight += 1
                guard state.inFlight > window, state.answering else { return false }
                state.waiting = room
                return true
            }
            if !full { room.resume() }
        }
        continuation.yield(.edit(edit))
    }

    /// Sends a direct reply after the answers to the edits before it: at once when none is in
    /// flight.
    func reply(_ frame: String, to outbox: SessionOutbox) {
        let queued = state.withLock { state in
            guard state.inFlight > 0 else { return false }
            state.inFlight += 1
            return true
        }
        if queued { continuation.yield(.reply(frame)) } else { outbox.send(frame) }
    }

    /// No more edits: returns once the edits in flight are answered.
    func finish() async {
        continuation.finish()
        await state.withLock { $0.task }?.value
    }

    /// The session was cancelled: answering stops at once.
    func cancel() {
        state.withLock { $0.task }?.cancel()
    }

    /// Answers every edit in order until `finish()`, or until Redis fails: then the session is
    /// told why and ended, and the edits behind are left unanswered (the client resends them).
    private func answer() async {
        var failed = false
        for await item in items {
            switch item {
            case .edit(let edit):
                if !failed { failed = !(await Self.answer(edit, context)) }
            case .reply(let frame):
                context.outbox.send(frame)
            }
            let room = state.withLock { state in
                state.inFlight -= 1
                defer { state.waiting = nil }
                return state.waiting
            }
            room?.resume()
        }
        // Cancelled with the reader waiting for room: let it go, or it would wait forever.
        let room = state.withLock { state in
            state.answering = false
            defer { state.waiting = nil }
            return state.waiting
        }
        room?.resume()
    }

    private static func answer(_ item: Edit, _ context: Context) async -> Bool {
        let services = context.services
        let codec = WireCodec()
        let outcome: SequencerOutcome
        do {
            outcome = try await decide(item, services)
        } catch let error as ResendLookupFailed {
            // A resend that may be applied already cannot be decided without MySQL: the session
            // ends, and the client resends the edit after reconnecting (once MySQL is back).
            services.metrics.mysqlErrors.increment()
            context.logger.warning("resent op not found in Redis and MySQL failed", metadata: ["op": "\(item.edit.op)", "error": "\(error.underlying)"])
            context.outbox.send(codec.encode(ServerMessage.error(.init(
                ServerErrors.resendUnverified(services.mysql.configuration.redactedURL, error.underlying)
            ))))
            context.outbox.finish(reason: "MySQL unavailable: \(ServerErrors.describe(error.underlying))")
            return false
        } catch {
            // Redis is the order of events: without it the session cannot go on. The client keeps
            // its unacknowledged edits and resends them after reconnecting.
            services.metrics.redisErrors.increment()
            context.logger.warning("Redis failed during session", metadata: ["error": "\(error)"])
            context.outbox.send(codec.encode(ServerMessage.error(.init(ServerErrors.redisLost(services.redis.configuration.redactedURL, error)))))
            context.outbox.finish(reason: "Redis unavailable: \(ServerErrors.describe(error))")
            return false
        }
        switch outcome {
        case .accepted(let version):
            let count = item.edit.kind == .multi ? item.submission.cells.count : nil
            context.outbox.send(codec.encode(ServerMessage.ack(.init(op: item.edit.op, cell: item.submission.cell, version: version, count: count))))
            services.metrics.editsAccepted.increment()
        case .conflict(let version, let winner):
            services.metrics.editsConflicted.increment()
            context.outbox.send(codec.encode(ServerMessage.conflict(.init(
                op: item.edit.op, cell: item.submission.cell, version: version, yours: item.edit.value, base: item.edit.base, theirs: winner
            ))))
        case .multiConflict(let version, let moved):
            services.metrics.editsConflicted.increment()
            let first = moved.first ?? CellChange(cell: item.submission.cell)
            context.outbox.send(codec.encode(ServerMessage.conflict(.init(
                op: item.edit.op, cell: first.cell, version: version, yours: first.value, base: first.base ?? .zero,
                theirs: first.winner ?? CellState(value: nil, version: .zero, user: "", at: 0), moved: moved
            ))))
        }
        services.metrics.ackLatency.record(ContinuousClock.now - item.received)
        return true
    }

    /// The edit's outcome: from Redis (new or a duplicate), or for a resend Redis no longer
    /// knows, from MySQL, or sequenced now if MySQL never stored it either.
    private static func decide(_ item: Edit, _ services: ServerServices) async throws -> SequencerOutcome {
        do {
            return try await services.sequencer.settle(item.reply, item.submission).outcome
        } catch is GridNotReady {
            // Redis came back without this grid: rebuild it from MySQL, then decide the edit.
            try await services.rebuilder.ensure(grid: item.submission.grid)
            do {
                return try await services.sequencer.submit(item.submission).outcome
            } catch is UnknownResend {
                return try await decideUnknownResend(item.submission, services)
            }
        } catch is UnknownResend {
            return try await decideUnknownResend(item.submission, services)
        }
    }

    /// A resend Redis does not know: its outcome is in MySQL if it was durable and then trimmed
    /// from Redis; otherwise it never reached Redis (or Redis lost it) and is sequenced now.
    private static func decideUnknownResend(_ submission: Sequencer.Submission, _ services: ServerServices) async throws -> SequencerOutcome {
        let stored: SequencerOutcome?
        do {
            stored = try await StoredOutcomes(mysql: services.mysql).outcome(grid: submission.grid, op: submission.op)
        } catch {
            throw ResendLookupFailed(underlying: error)
        }
        if let stored { return stored }
        var submission = submission
        submission.resend = false
        return try await services.sequencer.submit(submission).outcome
    }
}

/// MySQL could not tell whether a resent op was applied before.
private struct ResendLookupFailed: Error {
    let underlying: any Error
}
