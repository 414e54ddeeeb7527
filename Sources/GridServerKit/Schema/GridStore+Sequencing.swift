import NIOCore
import RedisClient
import Shared

extension GridStore {
    /// Sequences one edit and waits for the outcome, on the calling event loop's multiplexed
    /// connection: pipelined with every other session's edits there.
    func sequence(_ submission: Sequencer.Submission) async throws -> Sequencer.Result {
        let (keys, args) = Self.sequenceArguments(submission)
        let result = try Self.sequenceResult(await Self.script(submission).runMultiplexed(redis, keys: keys, args: args), grid: submission.grid)
        if !result.duplicate { try await markDirty(grid: submission.grid) }
        return result
    }

    /// Writes the edit's sequencer call now, without waiting for the reply. Pass the reply to
    /// `settleSequence`.
    func issueSequence(_ submission: Sequencer.Submission, on connection: RedisEventLoopConnection) -> EventLoopFuture<RedisValue> {
        let (keys, args) = Self.sequenceArguments(submission)
        let script = Self.script(submission)
        let reply = script.issue(redis, keys: keys, args: args, on: connection)
        // The dirty mark goes right behind the script on the same connection: no round trip of
        // its own, and Redis runs it after the append it marks. (A script may not touch the
        // mark's key on Redis Cluster: it lives in another slot.) A duplicate or refused edit
        // marks a grid that needs nothing; the worker that takes it finds it caught up.
        if redis.configuration.isCluster {
            // On a cluster the mark's key is on another node, so nothing orders it behind the
            // append: send it once the append is answered, or a persister pass could take the
            // mark before the entry it marks is there. (After a redirection, `settleSequence`
            // marks the grid when the call has run again.)
            // A failed call (a lost node, too few replicas) may have run: it is marked too.
            reply.whenComplete { result in
                if case .success(let value) = result, value.errorMessage != nil { return }
                guard let marks = try? self.redis.multiplexedConnection(on: connection.eventLoop, forKey: GridSchema.dirty) else { return }
                marks.send([Self.dirtyMark(grid: submission.grid)], timeout: self.redis.configuration.commandTimeout).whenComplete { result in
                    // The mark's own slot may have moved meanwhile: mark again the routed way.
                    if case .success(let replies) = result, replies.first?.errorMessage == nil { return }
                    Task { try? await self.markDirty(grid: submission.grid) }
                }
            }
        } else if script.isLoaded {
            _ = connection.send([Self.dirtyMark(grid: submission.grid)], timeout: redis.configuration.commandTimeout)
        } else {
            // The script is loaded first and sent later: the mark must still follow it.
            reply.whenComplete { _ in _ = connection.send([Self.dirtyMark(grid: submission.grid)], timeout: self.redis.configuration.commandTimeout) }
        }
        return reply
    }

    /// The outcome of an issued sequencer call. Throws `GridNotReady` while the grid awaits its
    /// rebuild, and `UnknownResend` for a resend Redis does not know.
    func settleSequence(_ reply: EventLoopFuture<RedisValue>, _ submission: Sequencer.Submission) async throws -> Sequencer.Result {
        let (keys, args) = Self.sequenceArguments(submission)
        let first = try? await reply.get()
        let result = try Self.sequenceResult(await Self.script(submission).settle(reply, redis, keys: keys, args: args), grid: submission.grid)
        // Run again after NOSCRIPT: the mark sent behind the first call came before this append.
        if case .error = first, !result.duplicate { try await markDirty(grid: submission.grid) }
        return result
    }

    static func sequenceResult(_ reply: RedisValue, grid: String) throws -> Sequencer.Result {
        if case .error(let text) = reply { throw RedisError(code: .serverError, message: text) }
        switch reply.array?.first?.string {
        case "notready": throw GridNotReady(grid: grid)
        case "unknown": throw UnknownResend(grid: grid)
        default: break
        }
        guard let parts = reply.array, parts.count == 2, let tag = parts[0].string, let record = parts[1].string,
            let outcome = GridSchema.OutcomeRecord.decode(record)
        else {
            throw RedisError(code: .protocolError, message: "unexpected sequencer reply")
        }
        return Sequencer.Result(outcome: outcome, duplicate: tag == "dup")
    }

    private static func script(_ submission: Sequencer.Submission) -> RedisScript {
        submission.kind == .multi ? GridSchema.Scripts.sequenceMulti : GridSchema.Scripts.sequence
    }

    private static func sequenceArguments(_ submission: Sequencer.Submission) -> (keys: [String], args: [String]) {
        let schema = GridSchema(grid: submission.grid)
        let keys = [schema.log, schema.cells, schema.ops, schema.opsByVersion, schema.contested, schema.first, schema.ready, schema.legacyOps]
        if submission.kind == .multi {
            var args = [
                submission.op, submission.user, submission.session, submission.server, String(submission.at), submission.resend ? "1" : "0",
                submission.label, submission.group ?? "", CellChange.boundingRange(of: submission.cells.map(\.cell)) ?? "",
            ]
            args.reserveCapacity(args.count + submission.cells.count * 3)
            for change in submission.cells {
                args += [change.cell, (change.base ?? .zero).description, GridSchema.PackedCells.state(change.value)]
            }
            return (keys, args)
        }
        return (
            keys,
            [
                submission.op, submission.kind.rawValue, submission.cell, submission.value ?? "", submission.base.description,
                submission.user, submission.session, submission.server, String(submission.at), submission.resend ? "1" : "0",
            ]
        )
    }
}

/// The grid's state is not in Redis yet (Redis came back empty): it must be rebuilt first.
public struct GridNotReady: Error, CustomStringConvertible {
    public let grid: String
    public var description: String { "grid \(grid) is being rebuilt from MySQL" }
}

/// A resent edit whose op id Redis no longer knows (trimmed once durable, or lost): MySQL is
/// asked for its outcome before it may be sequenced as new.
public struct UnknownResend: Error, CustomStringConvertible {
    public let grid: String
    public var description: String { "a resent op of grid \(grid) is not in Redis" }
}
