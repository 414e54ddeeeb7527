import RedisClient
import Shared

/// Puts every edit of a grid into one order, atomically in Redis, by the conflict rule.
public struct Sequencer: Sendable {
    public struct Submission: Sendable {
        public var grid: String
        public var op: String
        public var kind: PendingEdit.Kind
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

    public func submit(_ submission: Submission) async throws -> Result {
        let keys = RedisKeys(grid: submission.grid)
        let kind: String
        switch submission.kind {
        case .set: kind = "set"
        case .clear: kind = "clear"
        case .resolve: kind = "resolve"
        }
        let scriptKeys = [keys.log, keys.cells, keys.ops, keys.contested, keys.first, GridRebuilder.readyKey(submission.grid)]
        let args = [
            submission.op, kind, submission.cell, submission.value ?? "", submission.base.description,
            submission.user, submission.session, submission.server, String(submission.at),
        ]
        // Multiplexed: a session's edit goes out on its own event loop's connection, pipelined
        // with every other session's there, and its reply resumes it on that loop.
        let reply = try await GridScripts.sequence.runMultiplexed(redis, keys: scriptKeys, args: args)
        if reply.array?.first?.string == "notready" { throw GridNotReady(grid: submission.grid) }
        guard let parts = reply.array, parts.count == 2, let tag = parts[0].string, let record = parts[1].string,
            let outcome = SequencerOutcome(record: record)
        else {
            throw RedisError(code: .protocolError, message: "unexpected sequencer reply")
        }
        return Result(outcome: outcome, duplicate: tag == "dup")
    }
}

/// The grid's state is not in Redis yet (Redis came back empty): it must be rebuilt first.
public struct GridNotReady: Error, CustomStringConvertible {
    public let grid: String
    public var description: String { "grid \(grid) is being rebuilt from MySQL" }
}
