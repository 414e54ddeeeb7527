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

    static func check(_ checks: HealthChecks) async -> HealthReport {
        async let redis: String = {
            do {
                try await checks.store.ping()
                return "ok"
            } catch {
                return "unreachable: \(ServerErrors.describe(error))"
            }
        }()
        async let mysql: String = {
            do {
                try await checks.mysql.ping()
                return "ok"
            } catch {
                return "unreachable: \(ServerErrors.describe(error))"
            }
        }()
        let (redisState, mysqlState) = await (redis, mysql)
        let lag = redisState == "ok" ? try? await persisterLag(checks.store) : nil
        return HealthReport(
            server: checks.serverID, redis: redisState, mysql: mysqlState, spoolDepth: checks.spool.depth,
            persisterLagMilliseconds: lag, ok: redisState == "ok" && mysqlState == "ok",
            auth: authMode(checks.authentication)
        )
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
