import Foundation
import Testing

/// `/metrics` serves Prometheus text whose numbers follow what clients do.
@Suite(.serialized)
struct MetricsSystemTests {
    @Test func metricsCountSessionsEditsAndDeliveries() async throws {
        let directory = SystemHarness.temporaryDirectory("metrics")
        let grid = "metrics-\(UUID().uuidString.prefix(8).lowercased())"
        let server = try ServerProcess(id: "metrics-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()

        let before = try Self.scrape(server)
        for name in [
            "grid_sessions", "grid_edits_accepted_total", "grid_edits_conflicted_total", "grid_deliveries_total",
            "grid_ack_latency_seconds_count", "grid_stream_tail_lag_milliseconds", "grid_persister_lag_milliseconds",
            "grid_persister_batch_size_count", "grid_redis_errors_total", "grid_mysql_errors_total", "grid_outbound_queue_frames",
        ] {
            #expect(before[name] != nil, "/metrics has no \(name)")
        }
        #expect(before["grid_sessions"] == 0)
        #expect(before["grid_edits_accepted_total"] == 0)

        let ann = try HeadlessClient(user: "ann", grid: grid, servers: [server.url], directory: directory)
        let bob = try HeadlessClient(user: "bob", grid: grid, servers: [server.url], directory: directory)
        ann.send("set A1 one\nset A2 two\nsync\nsettle 30000\necho ready\n")
        try await ann.waitFor("ready")
        bob.send("wait A2 two\nset A1 mine\nsync\necho done\n")
        try await bob.waitFor("done")
        let during = try Self.scrape(server)
        #expect(during["grid_sessions"] == 2)
        #expect(during["grid_edits_accepted_total"] == 3)
        #expect(during["grid_edits_conflicted_total"] == 0)
        #expect(during["grid_ack_latency_seconds_count"] == 3)
        #expect((during["grid_deliveries_total"] ?? 0) >= 4, "at least ann's two edits to ann, bob's to both")
        // The persister runs as a task of its own and takes the grid through a lease: read until
        // its first batch shows rather than race it.
        let persisted = try await Self.eventually(server) { ($0["grid_persister_batch_size_count"] ?? 0) >= 1 }
        #expect((persisted["grid_persister_batch_size_count"] ?? 0) >= 1)

        for client in [ann, bob] {
            client.send("quit\n")
            try await client.finish()
        }
        let after = try await Self.eventually(server) { $0["grid_sessions"] == 0 }
        #expect(after["grid_sessions"] == 0)
    }

    /// Sample values by metric name (labels dropped; one server, so one series per name).
    static func scrape(_ server: ServerProcess) throws -> [String: Double] {
        let data = try server.get("/metrics")
        var values: [String: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            let name = series.firstIndex(of: "{").map { String(series[..<$0]) } ?? String(series)
            if values[name] == nil { values[name] = value }
        }
        return values
    }

    static func eventually(_ server: ServerProcess, _ condition: @escaping ([String: Double]) -> Bool) async throws -> [String: Double] {
        var last: [String: Double] = [:]
        _ = try await SystemHarness.eventually {
            last = try scrape(server)
            return condition(last)
        }
        return last
    }
}
