import MySQLClient
import Synchronization

/// Commits the batches of concurrent persister passes together: with a thousand grids being
/// edited, a transaction (and a log flush) per grid would bound the passes a second by MySQL's
/// commit rate. One commit runs at a time; the batches that arrive meanwhile wait, and the first
/// of them then commits all of them in one transaction. No task of its own: the waiting caller
/// that is first in line leads the next commit.
final class GroupCommit: Sendable {
    struct Configuration: Sendable {
        /// Grids in one transaction at most.
        var maximumGrids = 64
        /// Entries in one transaction at most, past the first batch (a full batch commits alone).
        var maximumEvents = 4096
    }

    private enum Turn {
        case done(Result<Void, any Error>)
        case lead
    }

    private struct Waiter {
        var batch: EventWriter.GridBatch
        var continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var leading = false
        var queue: [Waiter] = []
        var transactions = 0
    }

    private let mysql: MySQLClient
    private let configuration: Configuration
    private let state = Mutex(State())

    init(mysql: MySQLClient, configuration: Configuration = .init()) {
        self.mysql = mysql
        self.configuration = configuration
    }

    /// Shared transactions begun so far (tests: batches waiting together commit together).
    var transactions: Int { state.withLock { $0.transactions } }

    /// Returns once `batch` is committed, together with whatever else was waiting.
    func write(_ batch: EventWriter.GridBatch) async throws {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let lead = state.withLock { state -> Bool in
                if state.leading {
                    state.queue.append(Waiter(batch: batch, continuation: continuation))
                    return false
                }
                state.leading = true
                return true
            }
            if lead { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result): try result.get()
        case .lead: try await lead(with: batch).get()
        }
    }

    private func lead(with batch: EventWriter.GridBatch) async -> Result<Void, any Error> {
        let followers = state.withLock { state -> [Waiter] in
            var events = batch.events.count
            var taken = 0
            while taken < state.queue.count, taken + 1 < configuration.maximumGrids {
                events += state.queue[taken].batch.events.count
                if events > configuration.maximumEvents { break }
                taken += 1
            }
            defer { state.queue.removeFirst(taken) }
            return Array(state.queue.prefix(taken))
        }
        let results = await commit([batch] + followers.map(\.batch))
        for (follower, result) in zip(followers, results.dropFirst()) {
            follower.continuation.resume(returning: .done(result))
        }
        let next = state.withLock { state -> Waiter? in
            guard !state.queue.isEmpty else {
                state.leading = false
                return nil
            }
            return state.queue.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return results[0]
    }

    /// One result per batch. When the server refused the shared transaction, each batch is tried
    /// alone, so that one grid's failure is its own and the others still commit; when MySQL is
    /// unreachable, all fail at once (trying each would only wait out a timeout per grid).
    private func commit(_ batches: [EventWriter.GridBatch]) async -> [Result<Void, any Error>] {
        state.withLock { $0.transactions += 1 }
        do {
            try await mysql.withConnection { connection in try EventWriter.write(batches, on: connection) }
            return Array(repeating: .success(()), count: batches.count)
        } catch {
            let refused = (error as? MySQLError).map { $0.code == .serverError || $0.code == .duplicateKey } ?? false
            guard batches.count > 1, refused else { return Array(repeating: .failure(error), count: batches.count) }
            var results: [Result<Void, any Error>] = []
            for batch in batches {
                do {
                    try await mysql.withConnection { connection in try EventWriter.write([batch], on: connection) }
                    results.append(.success(()))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}
