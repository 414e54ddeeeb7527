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
        /// The client marked the frame as a resend (docs/PROTOCOL.md §6): if Redis does not know
        /// the op, nothing is written and `UnknownResend` is thrown, so that MySQL is asked first.
        public var resend = false
        /// `multi` only: the cells (canonical addresses, each with its base), the label and the
        /// import group.
        public var cells: [CellChange] = []
        public var label = ""
        public var group: String?
    }

    public struct Result: Sendable, Hashable {
        public var outcome: SequencerOutcome
        /// True when the op id had been sequenced before (a resend): nothing new was written.
        public var duplicate: Bool
    }

    private let store: GridStore
    /// Rung for every edit written, so this server's persister takes its grid at once.
    private let written: Doorbell?

    public init(redis: RedisClient, written: Doorbell? = nil) {
        self.store = GridStore(redis: redis)
        self.written = written
    }

    /// Sequences one edit and waits for the outcome. Loads the script first if Redis forgot it.
    public func submit(_ submission: Submission) async throws -> Result {
        let result = try await store.sequence(submission)
        if !result.duplicate { written?.ring() }
        return result
    }

    /// Writes the edit's sequencer call now, without waiting for the reply: edits issued one after
    /// another on one connection are sequenced and answered in that order. Pass the reply to
    /// `settle`; if that throws `GridNotReady`, decide the edit again with `submit` (after the
    /// rebuild).
    public func issue(_ submission: Submission, on connection: RedisEventLoopConnection) -> EventLoopFuture<RedisValue> {
        store.issueSequence(submission, on: connection)
    }

    /// The outcome of an issued edit.
    public func settle(_ reply: EventLoopFuture<RedisValue>, _ submission: Submission) async throws -> Result {
        let result = try await store.settleSequence(reply, submission)
        if !result.duplicate { written?.ring() }
        return result
    }
}
