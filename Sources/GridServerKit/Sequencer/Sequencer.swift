import NIOCore
import RedisClient
import Shared

/// Puts every edit of a grid into one order, atomically in Redis, by the conflict rule.
public struct Sequencer: Sendable {
    public struct Submission: Sendable {
        public var grid: String
        public var op: String
        public var kind: EditKind
        public var cell: String
        public var value: String?
        public var base: Version
        public var user: String
        public var session: String
        public var server: String
        public var at: Int64
    }

    public struct Result: Sendable, Hashable {
        public var outcome: SequencerOutcome
        /// True when the op id had been sequenced before (a resend): nothing new was written.
        public var duplicate: Bool
    }

    private let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    /// Sequences one edit and waits for the outcome. Loads the script first if Redis forgot it.
    public func submit(_ submission: Submission) async throws -> Result {
        // Multiplexed: a session's edit goes out on its own event loop's connection, pipelined
        // with every other session's there, and its reply resumes it on that loop.
        let (keys, args) = Self.scriptArguments(submission)
        return try Self.result(of: await GridScripts.sequence.runMultiplexed(redis, keys: keys, args: args), grid: submission.grid)
    }

    /// Writes the edit's sequencer call now, without waiting for the reply: edits issued one after
    /// another on one connection are sequenced and answered in that order. Pass the reply to
    /// `result(of:grid:)`; if that throws a NOSCRIPT `RedisError` or `GridNotReady`, decide the
    /// edit again with `submit` (after the rebuild).
    public func issue(_ submission: Submission, on connection: RedisEventLoopConnection) -> EventLoopFuture<RedisValue> {
        let (keys, args) = Self.scriptArguments(submission)
        guard let sha = GridScripts.sequence.knownSHA else {
            // Only if the script could not be loaded at start-up (Redis was down): load it, then
            // send. Edits issued meanwhile may be sent in another order; each is still decided
            // atomically, and a client sends a cell's next edit only after the last is answered.
            let redis = self.redis
            return connection.eventLoop.makeFutureWithTask { try await GridScripts.sequence.runMultiplexed(redis, keys: keys, args: args) }
        }
        return connection.send([["EVALSHA", sha, String(keys.count)] + keys + args], timeout: redis.configuration.commandTimeout).map { $0[0] }
    }

    /// The outcome in a sequencer reply.
    public static func result(of reply: RedisValue, grid: String) throws -> Result {
        if case .error(let text) = reply { throw RedisError(code: .serverError, message: text) }
        if reply.array?.first?.string == "notready" { throw GridNotReady(grid: grid) }
        guard let parts = reply.array, parts.count == 2, let tag = parts[0].string, let record = parts[1].string,
            let outcome = SequencerOutcome(record: record)
        else {
            throw RedisError(code: .protocolError, message: "unexpected sequencer reply")
        }
        return Result(outcome: outcome, duplicate: tag == "dup")
    }

    private static func scriptArguments(_ submission: Submission) -> (keys: [String], args: [String]) {
        let keys = RedisKeys(grid: submission.grid)
        return (
            [keys.log, keys.cells, keys.ops, keys.contested, keys.first, GridRebuilder.readyKey(submission.grid)],
            [
                submission.op, submission.kind.rawValue, submission.cell, submission.value ?? "", submission.base.description,
                submission.user, submission.session, submission.server, String(submission.at),
            ]
        )
    }
}

/// The grid's state is not in Redis yet (Redis came back empty): it must be rebuilt first.
public struct GridNotReady: Error, CustomStringConvertible {
    public let grid: String
    public var description: String { "grid \(grid) is being rebuilt from MySQL" }
}
