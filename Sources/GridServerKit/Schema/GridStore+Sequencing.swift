import NIOCore
import RedisClient
import Shared

extension GridStore {
    /// Sequences one edit and waits for the outcome, on the calling event loop's multiplexed
    /// connection: pipelined with every other session's edits there.
    func sequence(_ submission: Sequencer.Submission) async throws -> Sequencer.Result {
        let (keys, args) = Self.sequenceArguments(submission)
        return try Self.sequenceResult(await GridSchema.Scripts.sequence.runMultiplexed(redis, keys: keys, args: args), grid: submission.grid)
    }

    /// Writes the edit's sequencer call now, without waiting for the reply. Pass the reply to
    /// `settleSequence`.
    func issueSequence(_ submission: Sequencer.Submission, on connection: RedisEventLoopConnection) -> EventLoopFuture<RedisValue> {
        let (keys, args) = Self.sequenceArguments(submission)
        return GridSchema.Scripts.sequence.issue(redis, keys: keys, args: args, on: connection)
    }

    /// The outcome of an issued sequencer call. Throws `GridNotReady` while the grid awaits its
    /// rebuild, and `UnknownResend` for a resend Redis does not know.
    func settleSequence(_ reply: EventLoopFuture<RedisValue>, _ submission: Sequencer.Submission) async throws -> Sequencer.Result {
        let (keys, args) = Self.sequenceArguments(submission)
        return try Self.sequenceResult(await GridSchema.Scripts.sequence.settle(reply, redis, keys: keys, args: args), grid: submission.grid)
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

    private static func sequenceArguments(_ submission: Sequencer.Submission) -> (keys: [String], args: [String]) {
        let keys = GridSchema(grid: submission.grid)
        return (
            [keys.log, keys.cells, keys.ops, keys.opsByVersion, keys.contested, keys.first, keys.ready, keys.legacyOps],
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
