import Foundation
import RedisClient
import Shared

/// What `/healthz` reports: whether this server can reach Redis and MySQL right now.
struct HealthReport: Codable, Sendable {
    var server: String
    var redis: String
    var mysql: String
    /// Session records waiting in the local spool for MySQL.
    var spoolDepth: Int
    /// How far MySQL trails the newest log entry, in milliseconds, over the grids with
    /// unpersisted entries (nil if unknown).
    var persisterLagMilliseconds: Int64?
    var ok: Bool
    /// `"tokens"`, or `"disabled"` when the server runs with --insecure-no-auth.
    var auth: String

    /// How long a check may take before it counts as unreachable.
    static let answerLimit: Duration = .seconds(2)

    static func check(_ checks: HealthChecks) async -> HealthReport {
        async let redis = answer(within: answerLimit) { try await checks.store.ping() }
        async let mysql = answer(within: answerLimit) { try await checks.mysql.ping() }
        let (redisState, mysqlState) = await (redis, mysql)
        let lag = redisState == "ok" ? try? await persisterLag(checks.store) : nil
        return HealthReport(
            server: checks.serverID, redis: redisState, mysql: mysqlState, spoolDepth: checks.spool.depth,
            persisterLagMilliseconds: lag, ok: redisState == "ok" && mysqlState == "ok",
            auth: authMode(checks.authentication)
        )
    }

    /// "ok", or why not: the check's error, or no answer by the deadline. The deadline is not
    /// a cancellation: behind a partition a check blocks in a socket read until its own I/O
    /// timeout (MySQL's is 10 s), and /healthz and the health frames must not wait for it.
    static func answer(within limit: Duration, _ check: @escaping @Sendable () async throws -> Void) async -> String {
        let (answers, continuation) = AsyncStream.makeStream(of: String.self)
        let work = Task {
            do {
                try await check()
                continuation.yield("ok")
            } catch {
                continuation.yield("unreachable: \(ServerErrors.describe(error))")
            }
        }
        let deadline = Task {
            try? await Task.sleep(for: limit)
            continuation.yield("unreachable: no answer within \(Int(limit / .milliseconds(1))) ms")
        }
        var iterator = answers.makeAsyncIterator()
        let first = await iterator.next() ?? "unreachable"
        continuation.finish()
        deadline.cancel()
        work.cancel()
        return first
    }

    static func authMode(_ authentication: ServerConfiguration.Authentication?) -> String {
        switch authentication {
        case .disabled: "disabled"
        case .tokens, nil: "tokens"
        }
    }

    /// Over the grids with unpersisted entries only (at most 100 of the oldest marks).
    static func persisterLag(_ store: GridStore) async throws -> Int64 {
        var lag: Int64 = 0
        for grid in try await store.dirtyGrids(limit: 100) {
            let (newest, durable) = try await store.newestAndDurable(grid: grid)
            guard let newest else { continue }
            if newest > durable { lag = max(lag, Int64(newest.milliseconds) - Int64(durable.milliseconds)) }
        }
        return lag
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
