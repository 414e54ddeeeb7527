import Foundation
import MySQLClient
import Testing

/// The invariants every failure scenario ends with.
enum FailureChecks {
    /// Every acked op is in MySQL `ops` exactly once, at its acked version; all clients' last
    /// dumps and MySQL `cells` agree.
    static func assertRecovered(grid: String, clients: [HeadlessClient], mysql: MySQLClient) async throws {
        let ops = try await mysql.query("SELECT op_id, id_ms, id_seq FROM ops WHERE grid = ? AND op_id IS NOT NULL", [.text(grid)])
        var byOp: [String: [String]] = [:]
        for row in ops { byOp[row["op_id"].string!, default: []].append("\(row["id_ms"].int!)-\(row["id_seq"].int!)") }
        // An op acked twice was lost by Redis and sequenced again; its last ack is what counts.
        var lastAck: [String: String] = [:]
        for client in clients {
            for ack in client.objects where ack["type"] as? String == "ack" {
                let op = try #require(ack["op"] as? String)
                lastAck[op] = ack["version"] as? String ?? "?"
            }
        }
        for (op, version) in lastAck {
            #expect(byOp[op] == [version], "acked op \(op) (at \(version)) stored as \(byOp[op] ?? [])")
        }
        #expect(!lastAck.isEmpty, "the scenario must have acked edits")
        let cellRows = try await mysql.query("SELECT cell, value FROM cells WHERE grid = ? AND value IS NOT NULL", [.text(grid)])
        let stored = Dictionary(uniqueKeysWithValues: cellRows.map { ($0["cell"].string!, $0["value"].string!) })
        for client in clients {
            let dump = try #require(client.objects.last { $0["cells"] != nil }, "\(client.user) printed no dump")
            #expect(dump["cells"] as? [String: String] == stored, "\(client.user) disagrees with MySQL")
        }
    }

    /// The set of session statuses per user. Every refused login attempt is a session of its own.
    static func sessionStatuses(grid: String, mysql: MySQLClient) async throws -> [String: Set<String>] {
        let rows = try await mysql.query("SELECT user_name, status FROM sessions WHERE grid = ?", [.text(grid)])
        var result: [String: Set<String>] = [:]
        for row in rows { result[row["user_name"].string!, default: []].insert(row["status"].string!) }
        return result
    }

    static func errorCodes(_ client: HeadlessClient) -> [String] {
        client.objects.filter { $0["type"] as? String == "error" }.compactMap { $0["code"] as? String }
    }

    static func reconnected(_ client: HeadlessClient) -> Bool {
        let states = client.objects.filter { $0["type"] as? String == "status" }.compactMap { $0["state"] as? String }
        guard let waiting = states.firstIndex(of: "waiting") else { return false }
        return states[waiting...].contains("connected")
    }
}
