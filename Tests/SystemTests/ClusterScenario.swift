import Foundation
import MySQLClient
import TestSupport
import Testing

/// What the Redis Cluster system tests share: two servers on the cluster of `scripts/services
/// cluster up`, clients that edit for a few seconds while something happens to the cluster, and
/// the checks every one of them ends with.
enum ClusterScenario {
    static func url() throws -> String {
        try #require(SystemHarness.environment["REDIS_CLUSTER_URL"], "REDIS_CLUSTER_URL is not set: `scripts/services cluster up`")
    }

    /// Runs a shell command in the repository, with the cluster's password for redis-cli; its output.
    static func shell(_ command: String, directory: URL) async throws -> String {
        let out = directory.appendingPathComponent("sh-\(UUID().uuidString.prefix(6))")
        let status = try await ServiceScripts.run(
            ["/bin/sh", "-c", "cd \"$0\" && { [ -f .state/cluster/password ] && export REDISCLI_AUTH=$(cat .state/cluster/password); true; } && " + command,
             ServiceScripts.repositoryRoot().path],
            output: out.path
        )
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard status == 0 else { throw HarnessError(message: "`\(command)` failed (wait status \(status)): \(text.suffix(2000))") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func masterOf(_ grid: String, directory: URL) async throws -> String {
        try await shell("scripts/services cluster master-of \(grid)", directory: directory)
    }

    /// Two servers on the cluster, listening.
    static func servers(_ run: Substring, directory: URL) async throws -> (ServerProcess, ServerProcess) {
        let redis = ["--redis-url", try url()]
        let a = try ServerProcess(id: "\(run)-a", directory: directory, extraArguments: redis)
        let b = try ServerProcess(id: "\(run)-b", directory: directory, extraArguments: redis)
        try await a.waitUntilListening()
        try await b.waitUntilListening()
        return (a, b)
    }

    /// Each client writes one durable cell, then edits `steps` times `pause` apart, then waits
    /// until all is answered and echoes `edited`.
    static func edit(_ clients: [HeadlessClient], steps: Int, pauseMilliseconds: Int) async throws {
        for client in clients { client.send("set A1 \(client.user) before\nsettle 30000\necho ready\n") }
        for client in clients { try await client.waitFor("ready") }
        for client in clients {
            var script = ""
            for step in 0..<steps { script += "set B\(step % 10 + 1) \(client.user) \(step)\nsleep \(pauseMilliseconds)\n" }
            client.send(script + "sync 60000\necho edited\n")
        }
    }

    /// Every client of each grid converges, dumps and quits with 0; every acked edit is in MySQL
    /// exactly once, clients agree with MySQL, and no session of the grid is left open.
    static func finish(_ grids: [(grid: String, clients: [HeadlessClient])], mysqlURL: String = SystemHarness.mysqlURL) async throws {
        for (_, clients) in grids { try await HeadlessClient.converge(clients) }
        let all = grids.flatMap(\.clients)
        for client in all { client.send("settle 60000\ndump\nquit\n") }
        for client in all {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user) exited \(client.exitCode): \(client.stderr)")
        }
        let mysql = try SystemHarness.mysqlClient(url: mysqlURL)
        defer { Task { await mysql.shutdown() } }
        for (grid, clients) in grids {
            try await FailureChecks.assertRecovered(grid: grid, clients: clients, mysql: mysql)
            let settled = try await SystemHarness.eventually(timeout: .seconds(30)) {
                try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql).values.allSatisfy { !$0.contains("open") }
            }
            let statuses = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)
            #expect(settled, "no session of \(grid) is left open: \(statuses)")
        }
    }
}
