import Foundation
import Shared

/// What `/healthz` reports: whether this server can reach Redis and MySQL right now.
struct HealthReport: Codable, Sendable {
    var server: String
    var redis: String
    var mysql: String
    var ok: Bool

    static func check(_ services: ServerServices) async -> HealthReport {
        async let redis: String = {
            do {
                try await services.store.ping()
                return "ok"
            } catch {
                return "unreachable: \(GridSession.describe(error))"
            }
        }()
        async let mysql: String = {
            do {
                try await services.mysql.ping()
                return "ok"
            } catch {
                return "unreachable: \(GridSession.describe(error))"
            }
        }()
        let (redisState, mysqlState) = await (redis, mysql)
        return HealthReport(server: services.configuration.serverID, redis: redisState, mysql: mysqlState, ok: redisState == "ok" && mysqlState == "ok")
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }
}
