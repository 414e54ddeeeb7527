import RedisClient
import Synchronization

/// Sends commands that sessions issue at the same moment to Redis together. A lone command goes
/// out at once; while a pipeline is in flight, the commands arriving meanwhile wait and leave as
/// the next pipeline, one thread-pool hop, one write and one read for all of them. Under load
/// this turns one round trip per edit into one per batch, without delaying an idle server.
final class CommandBatcher: Sendable {
    private typealias Waiter = (command: [String], continuation: CheckedContinuation<RedisValue, any Error>)

    private struct State {
        var pending: [Waiter] = []
        var flushing = 0
    }

    private let redis: RedisClient
    /// Pipelines in flight at once; each holds one pooled connection while it runs.
    private let maxFlushes: Int
    private let maxBatch: Int
    private let state = Mutex(State())

    init(redis: RedisClient, maxFlushes: Int = 2, maxBatch: Int = 256) {
        self.redis = redis
        self.maxFlushes = maxFlushes
        self.maxBatch = maxBatch
    }

    /// Runs one command; an error reply throws `RedisError` `.serverError`, as `RedisClient.command` does.
    func run(_ command: [String]) async throws -> RedisValue {
        try await withCheckedThrowingContinuation { continuation in
            let startsFlush = state.withLock { state in
                state.pending.append((command, continuation))
                guard state.flushing < maxFlushes else { return false }
                state.flushing += 1
                return true
            }
            // Unstructured on purpose: the flush outlives the call that started it and serves
            // every caller queued meanwhile; it ends as soon as nothing is pending.
            if startsFlush { Task { await self.flush() } }
        }
    }

    private func flush() async {
        while true {
            let batch: [Waiter] = state.withLock { state in
                guard !state.pending.isEmpty else {
                    state.flushing -= 1
                    return []
                }
                let count = min(maxBatch, state.pending.count)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let replies = try await redis.pipeline(batch.map(\.command))
                for (waiter, reply) in zip(batch, replies) {
                    if case .error(let text) = reply {
                        waiter.continuation.resume(throwing: RedisError(code: .serverError, message: text))
                    } else {
                        waiter.continuation.resume(returning: reply)
                    }
                }
            } catch {
                for waiter in batch { waiter.continuation.resume(throwing: error) }
            }
        }
    }
}
