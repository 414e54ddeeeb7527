import Foundation
import MySQLClient
import Shared
import TestSupport
import Testing

/// One test per failure scenario of the seed's table: real processes killed with SIGKILL and
/// restarted by pid, under live headless clients.
@Suite(.serialized)
struct FailureSystemTests {
    static func grid(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(6).lowercased())" }

    @Test func aKilledServersClientReconnectsToAnotherServerResendsAndItsSessionIsMarkedError() async throws {
        let directory = SystemHarness.temporaryDirectory("server-fails")
        let grid = Self.grid("srvfail")
        let serverA = try ServerProcess(id: "fa-\(UUID().uuidString.prefix(4))", directory: directory)
        let serverB = try ServerProcess(id: "fb-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { serverA.kill(); serverB.kill() }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()
        let mover = try HeadlessClient(user: "dora", grid: grid, servers: [serverA.url, serverB.url], directory: directory)
        let watcher = try HeadlessClient(user: "eli", grid: grid, servers: [serverB.url], directory: directory)
        mover.send("set A1 before\nsync\necho ready\n")
        watcher.send("sync\necho ready\n")
        try await mover.waitFor("ready")
        try await watcher.waitFor("ready")

        serverA.kill()
        mover.send("set A2 during one\nset A3 during two\nsync 30000\necho resent\n")
        try await mover.waitFor("resent")
        watcher.send("wait A2 during one 20000\nwait A3 during two 20000\necho seen\n")
        try await watcher.waitFor("seen")
        #expect(FailureChecks.reconnected(mover), "the client said it lost the server and reconnected")

        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        // Server B notices A's expired heartbeat and ends A's sessions: in MySQL and for everyone.
        let reaped = try await SystemHarness.eventually(timeout: .seconds(30)) {
            let rows = try await mysql.query("SELECT status FROM sessions WHERE grid = ? AND server = ?", [.text(grid), .text(serverA.id)])
            return !rows.isEmpty && rows.allSatisfy { $0["status"].string == "error" }
        }
        #expect(reaped, "the dead server's sessions end as error")
        watcher.send("users\necho listed\n")
        try await watcher.waitFor("listed")
        let users = try #require(watcher.objects.last { $0["users"] != nil }?["users"] as? [[String: Any]])
        #expect(!users.contains { $0["server"] as? String == serverA.id }, "nobody is shown on the dead server")

        for client in [mover, watcher] { client.send("settle 30000\ndump\nquit\n") }
        for client in [mover, watcher] {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user): \(client.stderr)")
        }
        try await FailureChecks.assertRecovered(grid: grid, clients: [mover, watcher], mysql: mysql)
        #expect(serverB.spoolDepth == 0)
        await serverB.stop()
    }

    @Test func connectingToADeadServerFailsWithAClearErrorAndLogsNothing() async throws {
        let directory = SystemHarness.temporaryDirectory("dead-connect")
        let grid = Self.grid("deadconn")
        let port = SystemHarness.freePort()
        let client = try HeadlessClient(user: "fay", grid: grid, servers: ["ws://127.0.0.1:\(port)/ws"], directory: directory)
        client.send("set A1 never\n")
        try await client.finish()
        #expect(client.exitCode == 3, "login failed: exit 3 (TUIExitCode.loginRefused)")
        #expect(client.stderr.contains("could not log in"), "\(client.stderr)")
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        #expect(try await mysql.query("SELECT id FROM sessions WHERE grid = ?", [.text(grid)]).isEmpty)
    }

    @Test func mysqlDownActiveClientsKeepEditingNewClientsAreRefusedAndTheBacklogSavesLater() async throws {
        let directory = SystemHarness.temporaryDirectory("mysql-fails")
        let grid = Self.grid("myfail")
        let server = try ServerProcess(id: "fm-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let editor = try HeadlessClient(user: "gus", grid: grid, servers: [server.url], directory: directory)
        editor.send("set A1 before\nsettle 30000\necho ready\n")
        try await editor.waitFor("ready")

        try await SystemHarness.services("kill", "mysql")
        var restored = false
        defer { if !restored { ServiceScripts.restore("mysql") } }
        var script = ""
        for index in 1...20 { script += "set B\(index) offline \(index)\n" }
        editor.send(script + "sync 30000\ndump\necho edited\n")
        try await editor.waitFor("edited")
        let stalled = try #require(editor.objects.last { $0["cells"] != nil })
        #expect((stalled["cells"] as? [String: String])?.count == 21, "edits go on while MySQL is down")
        #expect((stalled["pending"] as? Int) == 0)
        let durableVersion = Version((stalled["durable"] as? String) ?? "") ?? .zero
        let latestVersion = Version((stalled["version"] as? String) ?? "") ?? .zero
        #expect(durableVersion < latestVersion, "the durable watermark stalls while MySQL is down")

        let reported = try await SystemHarness.eventually(timeout: .seconds(15)) {
            editor.objects.contains { $0["type"] as? String == "health" && $0["mysql"] as? Bool == false }
        }
        #expect(reported, "the client's status shows MySQL down, as /healthz does")
        let health = try server.healthz()
        #expect((health["mysql"] as? String)?.hasPrefix("unreachable") == true && health["ok"] as? Bool == false, "\(health)")
        #expect(health["spoolDepth"] as? Int == 0)

        let refused = try HeadlessClient(user: "hal", grid: grid, servers: [server.url], directory: directory)
        try await refused.finish()
        #expect(refused.exitCode == 3)
        #expect(FailureChecks.errorCodes(refused).contains("mysql_unavailable"), "\(refused.output.suffix(3))")
        #expect(refused.stderr.contains("MySQL is unreachable at mysql://"), "\(refused.stderr)")

        try await SystemHarness.services("start", "mysql")
        restored = true
        editor.send("settle 60000\ndump\necho durable\n")
        try await editor.waitFor("durable")
        editor.send("quit\n")
        try await editor.finish()
        #expect(editor.exitCode == 0, "\(editor.stderr)")
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        try await FailureChecks.assertRecovered(grid: grid, clients: [editor], mysql: mysql)
        let settled = try await SystemHarness.eventually {
            try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql) == ["gus": ["closed"], "hal": ["error"]]
        }
        let statuses = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)
        #expect(settled, "\(statuses)")
        #expect(server.spoolDepth == 0)
        await server.stop()
    }

    @Test func aScriptWhoseLastEditIsNeverAnsweredExitsWithTheUnansweredCode() async throws {
        let directory = SystemHarness.temporaryDirectory("unanswered")
        let grid = Self.grid("unanswered")
        let server = try ServerProcess(id: "ua-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let client = try HeadlessClient(user: "una", grid: grid, servers: [server.url], directory: directory)
        client.send("set A1 answered\nsync\necho ready\n")
        try await client.waitFor("ready")
        try await SystemHarness.services("kill", "redis")
        defer { ServiceScripts.restore("redis") }
        client.send("set A2 never answered\nquit\n")
        try await client.finish()
        #expect(client.exitCode == 4, "work that may be lost is not a success: \(client.stderr)")
        #expect(client.stderr.contains("1 edits the server never answered"), "\(client.stderr)")
    }

    @Test func redisDownSessionsEndAsErrorInMySQLAndClientsResendAfterRecovery() async throws {
        let directory = SystemHarness.temporaryDirectory("redis-fails")
        let grid = Self.grid("rdfail")
        let serverA = try ServerProcess(id: "ra-\(UUID().uuidString.prefix(4))", directory: directory)
        let serverB = try ServerProcess(id: "rb-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { serverA.kill(); serverB.kill() }
        try await serverA.waitUntilListening()
        try await serverB.waitUntilListening()
        let ivy = try HeadlessClient(user: "ivy", grid: grid, servers: [serverA.url, serverB.url], directory: directory)
        let jon = try HeadlessClient(user: "jon", grid: grid, servers: [serverB.url, serverA.url], directory: directory)
        ivy.send("set A1 before\nsettle 30000\necho ready\n")
        jon.send("sync\necho ready\n")
        try await ivy.waitFor("ready")
        try await jon.waitFor("ready")

        try await SystemHarness.services("kill", "redis")
        var restored = false
        defer { if !restored { ServiceScripts.restore("redis") } }
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        let errored = try await SystemHarness.eventually(timeout: .seconds(20)) {
            FailureChecks.errorCodes(ivy).contains("redis_unavailable") && FailureChecks.errorCodes(jon).contains("redis_unavailable")
        }
        #expect(errored, "both active clients are told Redis is down")
        let marked = try await SystemHarness.eventually(timeout: .seconds(20)) {
            try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql) == ["ivy": ["error"], "jon": ["error"]]
        }
        let statuses = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)
        #expect(marked, "every active session is marked error in MySQL: \(statuses)")
        let latecomer = try HeadlessClient(user: "kai", grid: grid, servers: [serverA.url], directory: directory)
        try await latecomer.finish()
        #expect(latecomer.exitCode == 3 && FailureChecks.errorCodes(latecomer).contains("redis_unavailable"), "a connecting client is refused")
        let scheme = SystemHarness.redisURL.prefix { $0 != ":" } // redis or redis-cluster (scripts/test --cluster)
        #expect(latecomer.stderr.contains("Redis is unreachable at \(scheme)://"), "\(latecomer.stderr)")
        let latecomerRows = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)["kai"]
        #expect(latecomerRows == ["error"], "its refused session is written to MySQL as error")
        ivy.send("set A2 while redis was down\n")
        try await Task.sleep(for: .milliseconds(300))
        try await SystemHarness.services("start", "redis")
        restored = true
        ivy.send("sync 30000\necho resent\n")
        try await ivy.waitFor("resent", timeout: .seconds(60))
        jon.send("wait A2 while redis was down 30000\necho seen\n")
        try await jon.waitFor("seen", timeout: .seconds(60))
        #expect(FailureChecks.reconnected(ivy) && FailureChecks.reconnected(jon))
        // Sessions that ended while Redis was down leave presence once it is back.
        var listed: [String] = []
        let clean = try await SystemHarness.eventually(timeout: .seconds(20)) {
            jon.send("users\n")
            try await Task.sleep(for: .milliseconds(200))
            let users = jon.objects.last { $0["users"] != nil }?["users"] as? [[String: Any]] ?? []
            listed = users.compactMap { $0["user"] as? String }.sorted()
            return listed == ["ivy", "jon"]
        }
        #expect(clean, "presence after recovery: \(listed)")
        for client in [ivy, jon] { client.send("settle 30000\ndump\nquit\n") }
        for client in [ivy, jon] {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user): \(client.stderr)")
        }
        try await FailureChecks.assertRecovered(grid: grid, clients: [ivy, jon], mysql: mysql)
        #expect(serverA.spoolDepth == 0 && serverB.spoolDepth == 0)
        await serverA.stop()
        await serverB.stop()
    }

    @Test func redisBackEmptyIsRebuiltFromMySQLBeforeAnyEdit() async throws {
        let directory = SystemHarness.temporaryDirectory("redis-empty")
        let grid = Self.grid("rdempty")
        let server = try ServerProcess(id: "re-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let kim = try HeadlessClient(user: "kim", grid: grid, servers: [server.url], directory: directory)
        kim.send("set A1 kept\nset A2 also kept\nsettle 30000\necho ready\n")
        try await kim.waitFor("ready")

        try await SystemHarness.services("kill", "redis")
        try? FileManager.default.removeItem(at: SystemHarness.stateDirectory.appendingPathComponent("redis/appendonlydir"))
        try await SystemHarness.services("start", "redis")

        kim.send("sync 30000\nexpect A1 kept\nexpect A2 also kept\nset A3 after\nset A1 changed\nsettle 30000\ndump\necho rebuilt\n")
        try await kim.waitFor("rebuilt", timeout: .seconds(60))
        let dump = try #require(kim.objects.last { $0["cells"] != nil })
        #expect(dump["cells"] as? [String: String] == ["A1": "changed", "A2": "also kept", "A3": "after"], "\(dump)")
        #expect((dump["conflicts"] as? [String]) == [], "the rebuilt state is the base for new edits: no spurious conflicts")
        kim.send("quit\n")
        try await kim.finish()
        #expect(kim.exitCode == 0, "\(kim.stderr)")
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        try await FailureChecks.assertRecovered(grid: grid, clients: [kim], mysql: mysql)
        #expect(server.spoolDepth == 0)
        await server.stop()
    }

    @Test func bothDownErrorsAreSpooledAndDrainIntoMySQLExactlyOnce() async throws {
        let directory = SystemHarness.temporaryDirectory("both-fail")
        let grid = Self.grid("bothfail")
        let server = try ServerProcess(id: "bo-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let lea = try HeadlessClient(user: "lea", grid: grid, servers: [server.url], directory: directory)
        lea.send("set A1 before\nsettle 30000\necho ready\n")
        try await lea.waitFor("ready")

        try await SystemHarness.services("kill", "mysql")
        try await SystemHarness.services("kill", "redis")
        var restored = false
        defer {
            if !restored {
                ServiceScripts.restore("redis")
                ServiceScripts.restore("mysql")
            }
        }
        let spooled = try await SystemHarness.eventually(timeout: .seconds(20)) { server.spoolDepth > 0 }
        #expect(spooled, "the active session's error is spooled locally")
        #expect(FailureChecks.errorCodes(lea).contains("redis_unavailable"))
        let spooledBefore = server.spoolDepth
        let latecomer = try HeadlessClient(user: "mo", grid: grid, servers: [server.url], directory: directory)
        try await latecomer.finish()
        #expect(latecomer.exitCode == 3 && FailureChecks.errorCodes(latecomer).contains("redis_unavailable"), "a connecting client errors out")
        #expect(server.spoolDepth > spooledBefore, "its error is spooled too")

        try await SystemHarness.services("start", "redis")
        try await SystemHarness.services("start", "mysql")
        restored = true
        let drained = try await SystemHarness.eventually(timeout: .seconds(30)) { server.spoolDepth == 0 }
        #expect(drained, "the spool drains once MySQL is back")
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        let drainedStatuses = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)
        #expect(drainedStatuses["lea"]?.contains("error") == true && drainedStatuses["mo"] == ["error"], "\(drainedStatuses)")
        let loginRows = try await mysql.query("SELECT COUNT(*) AS n FROM sessions WHERE grid = ? AND user_name = 'mo'", [.text(grid)])
        #expect(loginRows.first?["n"].int ?? 0 >= 1)
        lea.send("sync 30000\nsettle 30000\ndump\nquit\n")
        try await lea.finish()
        #expect(lea.exitCode == 0, "\(lea.stderr)")
        try await FailureChecks.assertRecovered(grid: grid, clients: [lea], mysql: mysql)
        #expect(server.spoolDepth == 0)
        await server.stop()
    }
}

extension FailureSystemTests {
    /// The seed's edge case: a session opened, but not yet persisted, when Redis died. Its error
    /// is still recorded; MySQL shows one session as open + error and the other as only error.
    @Test func aSessionNotYetPersistedWhenRedisDiesStillEndsAsError() async throws {
        let directory = SystemHarness.temporaryDirectory("edge")
        let grid = Self.grid("edge")
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        // This server persists nothing, so its sessions' `open` never reaches MySQL before Redis dies.
        let gateway = try ServerProcess(id: "eg-\(UUID().uuidString.prefix(4))", directory: directory, extraArguments: ["--no-persist"])
        defer { gateway.kill() }
        try await gateway.waitUntilListening()
        let persisted = try HeadlessClient(user: "max", grid: grid, servers: [gateway.url], directory: directory)
        persisted.send("set A1 x\nsync\necho ready\n")
        try await persisted.waitFor("ready")
        // Persist what exists so far (max's open) with a short-lived persisting server.
        let persister = try ServerProcess(id: "ep-\(UUID().uuidString.prefix(4))", directory: directory)
        try await persister.waitUntilListening()
        let opened = try await SystemHarness.eventually {
            try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)["max"] == ["open"]
        }
        #expect(opened)
        await persister.stop()
        let unpersisted = try HeadlessClient(user: "nia", grid: grid, servers: [gateway.url], directory: directory)
        unpersisted.send("sync\necho ready\n")
        try await unpersisted.waitFor("ready")
        #expect(try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)["nia"] == nil, "nia's open is only in Redis")

        try await SystemHarness.services("kill", "redis")
        var restored = false
        defer { if !restored { ServiceScripts.restore("redis") } }
        let rows = try await SystemHarness.eventually(timeout: .seconds(20)) {
            let rows = try await mysql.query(
                "SELECT user_name, status, opened_at FROM sessions WHERE grid = ? AND user_name IN ('max', 'nia')", [.text(grid)]
            )
            return rows.filter { $0["status"].string == "error" }.count >= 2
        }
        #expect(rows, "both sessions end as error in MySQL")
        let max = try await mysql.query("SELECT status, opened_at FROM sessions WHERE grid = ? AND user_name = 'max' ORDER BY opened_at LIMIT 1", [.text(grid)])
        let nia = try await mysql.query("SELECT status, opened_at FROM sessions WHERE grid = ? AND user_name = 'nia' ORDER BY opened_at LIMIT 1", [.text(grid)])
        #expect(max.first?["status"].string == "error", "max: open, then error")
        #expect(nia.first?["status"].string == "error", "nia: only error, written directly")
        try await SystemHarness.services("start", "redis")
        restored = true
        for client in [persisted, unpersisted] {
            client.send("quit\n")
            try await client.finish()
        }
        await gateway.stop()
    }
}

extension FailureSystemTests {
    /// The manual path stays: `grid-server sessions list` and `sessions fail --server ID`; and a
    /// server restarting with the same id ends its own old sessions before serving.
    @Test func aRestartedServerEndsItsOwnOldSessionsAndAdminCommandsListAndFailSessions() async throws {
        let directory = SystemHarness.temporaryDirectory("admin")
        let grid = Self.grid("admin")
        let id = "ad-\(UUID().uuidString.prefix(4))"
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        var server = try ServerProcess(id: id, directory: directory)
        let port = server.port
        defer { server.kill() }
        try await server.waitUntilListening()
        let first = try HeadlessClient(user: "ned", grid: grid, servers: [server.url], directory: directory)
        first.send("set A1 one\nsettle 30000\necho ready\n")
        try await first.waitFor("ready")
        server.kill()
        try await first.finish()
        let listed = try await Self.admin(["sessions", "list", "--grid", grid], directory: directory)
        #expect(listed.contains("ned") && listed.contains("\topen\t"), "\(listed)")

        server = try ServerProcess(id: id, directory: directory, port: port)
        try await server.waitUntilListening()
        let cleaned = try await SystemHarness.eventually {
            try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)["ned"] == ["error"]
        }
        #expect(cleaned, "a restarted server ends the sessions its earlier run left open")

        let second = try HeadlessClient(user: "ora", grid: grid, servers: [server.url], directory: directory)
        second.send("sync\necho ready\n")
        try await second.waitFor("ready")
        // The admin command updates MySQL's row, and with no server left nothing persists the
        // session's log entry: wait for the row (the suite's load once delayed the persister).
        let persisted = try await SystemHarness.eventually {
            try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)["ora"] == ["open"]
        }
        #expect(persisted, "ora's session reached MySQL before the kill")
        server.kill()
        try await second.finish()
        let failed = try await Self.admin(["sessions", "fail", "--server", id], directory: directory)
        #expect(failed.contains("failed 1 session records") || failed.contains("failed 2 session records"), "\(failed)")
        let ended = try await FailureChecks.sessionStatuses(grid: grid, mysql: mysql)["ora"]
        #expect(ended == ["error"], "the admin command marks the dead server's sessions error: \(String(describing: ended))")
        let errors = try await Self.admin(["sessions", "list", "--grid", grid, "--status", "error"], directory: directory)
        #expect(errors.contains("ned") && errors.contains("ora"), "\(errors)")
    }

    static func admin(_ arguments: [String], directory: URL) async throws -> String {
        let output = directory.appendingPathComponent("admin-\(UUID().uuidString.prefix(6)).out").path
        let status = try await SystemHarness.run(
            [SystemHarness.binDirectory.appendingPathComponent("grid-server").path] + arguments
                + ["--redis-url", SystemHarness.redisURL, "--mysql-url", SystemHarness.mysqlURL],
            output: output,
            extraEnvironment: ["GRID_TOKEN_SECRET": TestTokens.secret, "GRID_TOKEN": TestTokens.make(user: "ops", grid: "*", role: .admin)]
        )
        #expect(status == 0, "grid-server \(arguments.joined(separator: " ")) exited \(status)")
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }
}
