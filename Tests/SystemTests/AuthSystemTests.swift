import Foundation
import GridAuth
import Testing

/// Access control over real connections: a real grid-server with a token secret, real headless
/// clients presenting tokens, and the admin commands as an operator runs them.
@Suite(.serialized)
struct AuthSystemTests {
    /// Every kind of bad token is refused at hello with its own code; the connection closes and
    /// the client stops for good (no retry loop) with a message saying how to get a token.
    @Test func everyBadTokenIsRefusedWithItsOwnCodeAndTheClientStops() async throws {
        let directory = SystemHarness.temporaryDirectory("auth-refusals")
        let grid = "auth-\(UUID().uuidString.prefix(6).lowercased())"
        let server = try ServerProcess(id: "au-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()

        let forged = TestTokens.make(user: "alice", grid: grid, secret: "some-other-deployments-secret-0123456789abcdef")
        let genuine = TestTokens.make(user: "alice", grid: grid)
        let parts = genuine.split(separator: ".").map(String.init)
        let tampered = "\(parts[0]).\(parts[1]).\(parts[2].hasPrefix("A") ? "B" : "A")\(parts[2].dropFirst())"
        let cases: [(name: String, token: String?, code: String, says: String)] = [
            ("missing", nil, "auth_token_missing", "pass --token or set GRID_TOKEN"),
            ("expired", TestTokens.make(user: "alice", grid: grid, ttlSeconds: -120), "auth_token_expired", "the token expired 2 min ago"),
            ("forged", forged, "auth_token_invalid", "not issued by this server"),
            ("tampered", tampered, "auth_token_invalid", "signature does not match"),
            ("garbage", "not-a-token", "auth_token_invalid", "not a CollabGrid token"),
            ("wrong-grid", TestTokens.make(user: "alice", grid: "other-grid"), "auth_wrong_grid", "opens grid 'other-grid', not '\(grid)'"),
            ("wrong-user", TestTokens.make(user: "mallory", grid: grid), "auth_wrong_user", "belongs to user 'mallory', not 'alice'"),
        ]
        let clients = try cases.map { testCase in
            try HeadlessClient(
                user: "alice", grid: grid, servers: [server.url], directory: directory.appendingPathComponent(testCase.name, isDirectory: true).creatingDirectory(),
                token: .some(testCase.token)
            )
        }
        for (testCase, client) in zip(cases, clients) {
            let exited = try await SystemHarness.eventually(timeout: .seconds(30)) { !client.isRunning }
            #expect(exited, "\(testCase.name): the client keeps retrying a refused token")
            #expect(client.exitCode == 3, "\(testCase.name)")
            let errors = client.objects.filter { $0["type"] as? String == "error" }
            #expect(errors.count == 1, "\(testCase.name): one refusal, no retries: \(errors)")
            #expect(errors.first?["code"] as? String == testCase.code, "\(testCase.name): \(errors)")
            #expect(errors.first?["fatal"] as? Bool == true, "\(testCase.name)")
            let message = errors.first?["message"] as? String ?? ""
            #expect(message.contains(testCase.says), "\(testCase.name): \(message)")
            #expect(message.contains("grid-server token --user alice --grid \(grid)"), "\(testCase.name) says how to get a token: \(message)")
            #expect(!client.objects.contains { $0["type"] as? String == "welcome" }, "\(testCase.name) was let in")
            #expect(client.stderr.contains("login refused: \(testCase.code)"), "\(testCase.name): \(client.stderr)")
            if let token = testCase.token { #expect(!server.log.contains(token), "\(testCase.name): the server logged the token") }
        }
        // Nothing of the refused clients reached the grid, and a valid token still gets in.
        let editor = try HeadlessClient(user: "alice", grid: grid, servers: [server.url], directory: directory)
        editor.send("dump\necho done\nquit\n")
        try await editor.waitFor("done")
        try await editor.finish()
        #expect(editor.exitCode == 0, "\(editor.stderr)")
        let dump = editor.objects.last { $0["cells"] != nil }
        #expect((dump?["cells"] as? [String: String])?.isEmpty == true, "refused clients wrote nothing: \(String(describing: dump))")
    }

    /// A viewer sees every edit live; each of its writes is refused with `read_only` naming the
    /// op, and its session goes on.
    @Test func aViewerSeesEditsLiveButCannotWrite() async throws {
        let directory = SystemHarness.temporaryDirectory("auth-viewer")
        let grid = "view-\(UUID().uuidString.prefix(6).lowercased())"
        let server = try ServerProcess(id: "av-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let editor = try HeadlessClient(user: "ed", grid: grid, servers: [server.url], directory: directory)
        let viewer = try HeadlessClient(user: "vi", grid: grid, servers: [server.url], directory: directory, role: .viewer)

        editor.send("set A1 before\nsync 10000\necho e1\n")
        try await editor.waitFor("e1")
        viewer.send("wait A1 before 10000\nset B2 from-viewer\nclear A1\nresolve A1\nsync 10000\necho v1\n")
        try await viewer.waitFor("v1")
        let refusals = viewer.objects.filter { $0["type"] as? String == "error" }
        #expect(refusals.map { $0["code"] as? String } == ["read_only", "read_only", "read_only"], "\(refusals)")
        #expect(refusals.allSatisfy { $0["fatal"] as? Bool == false && ($0["op"] as? String)?.isEmpty == false }, "\(refusals)")
        let messages = refusals.compactMap { $0["message"] as? String }
        #expect(messages.first?.hasPrefix("set of B2 refused: your token is read-only (role viewer)") == true, "\(messages)")
        #expect(messages.dropFirst().first?.hasPrefix("clear of A1 refused") == true, "\(messages)")

        // Still live after the refusals: a later edit arrives.
        editor.send("set A2 after\nsync 10000\necho e2\n")
        try await editor.waitFor("e2")
        viewer.send("wait A2 after 10000\ndump\necho v2\nquit\n")
        try await viewer.waitFor("v2")
        editor.send("dump\necho e3\nquit\n")
        try await editor.waitFor("e3")
        for client in [editor, viewer] {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user): \(client.stderr)")
            let cells = client.objects.last { $0["cells"] != nil }?["cells"] as? [String: String]
            #expect(cells == ["A1": "before", "A2": "after"], "\(client.user) sees only the editor's cells: \(String(describing: cells))")
        }
        #expect(viewer.objects.filter { $0["type"] as? String == "welcome" }.count == 1, "the viewer's session was never cut")
    }

    /// A token for grid `*` opens any grid; presence and history carry the token's user.
    @Test func aStarTokenOpensEveryGrid() async throws {
        let directory = SystemHarness.temporaryDirectory("auth-star")
        let server = try ServerProcess(id: "as-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let token = TestTokens.make(user: "ops", grid: "*")
        let grids = (1...2).map { "star\($0)-\(UUID().uuidString.prefix(6).lowercased())" }
        for grid in grids {
            let client = try HeadlessClient(user: "ops", grid: grid, servers: [server.url], directory: directory, token: .some(token))
            client.send("set C3 on-\(grid)\nsync 10000\nusers\nhistory 10\necho done\nquit\n")
            try await client.waitFor("done")
            try await client.finish()
            #expect(client.exitCode == 0, "\(grid): \(client.stderr)")
            #expect(client.objects.contains { $0["type"] as? String == "ack" }, "\(grid)")
            let welcome = client.objects.first { $0["type"] as? String == "welcome" }
            #expect(welcome?["user"] as? String == "ops" && welcome?["grid"] as? String == grid)
        }
    }

    /// `grid-server sessions …` needs an admin token checked against the secret.
    @Test func adminCommandsNeedAnAdminToken() async throws {
        let directory = SystemHarness.temporaryDirectory("auth-admin")
        let list = ["sessions", "list", "--status", "open"]
        let none = try await Self.gridServer(list, directory: directory, environment: ["GRID_TOKEN": ""])
        #expect(none.status != 0)
        #expect(none.output.contains("this command needs an admin token: pass --token or set GRID_TOKEN"), "\(none.output)")

        let editor = try await Self.gridServer(list, directory: directory, environment: ["GRID_TOKEN": TestTokens.make(user: "ed", grid: "*")])
        #expect(editor.status != 0)
        #expect(editor.output.contains("the token of 'ed' has role editor"), "\(editor.output)")

        let forged = TestTokens.make(user: "ops", grid: "*", role: .admin, secret: "some-other-deployments-secret-0123456789abcdef")
        let refused = try await Self.gridServer(list + ["--token", forged], directory: directory, environment: [:])
        #expect(refused.status != 0)
        #expect(refused.output.contains("the admin token was refused (bad_signature"), "\(refused.output)")

        let admin = try await Self.gridServer(list, directory: directory, environment: ["GRID_TOKEN": TestTokens.make(user: "ops", grid: "*", role: .admin)])
        #expect(admin.status == 0, "\(admin.output)")
        #expect(admin.output.contains("SESSION\tGRID\tUSER"), "\(admin.output)")
    }

    /// `grid-server token` signs with the first secret of a secret file; a server that also
    /// holds the previous secret accepts tokens signed with either (rotation).
    @Test func tokensFromTheCommandWorkAndRotationKeepsOldTokensValid() async throws {
        let directory = SystemHarness.temporaryDirectory("auth-rotate")
        let grid = "rot-\(UUID().uuidString.prefix(6).lowercased())"
        let newSecret = "rotated-secret-\(UUID().uuidString)"
        let secretFile = directory.appendingPathComponent("token-secret")
        try "# current\n\(newSecret)\n# previous\n\(TestTokens.secret)\n".write(to: secretFile, atomically: true, encoding: .utf8)

        let minted = try await Self.gridServer(
            ["token", "--user", "rae", "--grid", grid, "--role", "editor", "--ttl", "10m", "--token-secret-file", secretFile.path],
            directory: directory, environment: ["GRID_TOKEN_SECRET": ""]
        )
        #expect(minted.status == 0, "\(minted.output)")
        let token = minted.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("cg1.") && !minted.output.contains(newSecret))
        let claims = try TokenVerifier(keyring: TokenKeyring(secrets: [newSecret])).verify(token, grid: grid, now: Int64(Date().timeIntervalSince1970))
        #expect(claims.user == "rae" && claims.role == .editor)

        let noSecret = try await Self.gridServer(["token", "--user", "rae", "--grid", grid], directory: directory, environment: ["GRID_TOKEN_SECRET": ""])
        #expect(noSecret.status != 0)
        #expect(noSecret.output.contains("no token secret: set GRID_TOKEN_SECRET"), "\(noSecret.output)")

        let server = try ServerProcess(
            id: "ar-\(UUID().uuidString.prefix(4))", directory: directory,
            environment: ["GRID_TOKEN_SECRET": "", "GRID_TOKEN_SECRET_FILE": secretFile.path]
        )
        defer { server.kill() }
        try await server.waitUntilListening()
        #expect(!server.log.contains(newSecret) && !server.log.contains(TestTokens.secret), "the server logged a secret")
        let withNew = try HeadlessClient(user: "rae", grid: grid, servers: [server.url], directory: directory, token: .some(token))
        withNew.send("set A1 new\nsync 10000\nquit\n")
        try await withNew.finish()
        #expect(withNew.exitCode == 0, "\(withNew.stderr)")
        // Signed with the secret now second in the file: still accepted until it is removed.
        let withOld = try HeadlessClient(user: "old", grid: grid, servers: [server.url], directory: directory)
        withOld.send("wait A1 new 10000\nquit\n")
        try await withOld.finish()
        #expect(withOld.exitCode == 0, "\(withOld.stderr)")
    }

    /// Without a secret the server refuses to start, saying how to set one; the development
    /// flag runs it without tokens and says so loudly, at start and in /healthz.
    @Test func noSecretRefusesToStartAndInsecureModeSaysSoLoudly() async throws {
        let directory = SystemHarness.temporaryDirectory("auth-insecure")
        let refused = try ServerProcess(id: "an-\(UUID().uuidString.prefix(4))", directory: directory, environment: ["GRID_TOKEN_SECRET": ""])
        let exited = try await SystemHarness.eventually(timeout: .seconds(30)) { !refused.isRunning }
        #expect(exited && refused.exitCode != 0)
        #expect(refused.log.contains("no token secret: set GRID_TOKEN_SECRET"), "\(refused.log)")
        #expect(refused.log.contains("--insecure-no-auth"), "\(refused.log)")

        let insecure = try ServerProcess(
            id: "ai-\(UUID().uuidString.prefix(4))", directory: directory, extraArguments: ["--insecure-no-auth"], environment: ["GRID_TOKEN_SECRET": ""]
        )
        defer { insecure.kill() }
        try await insecure.waitUntilListening()
        #expect(insecure.log.contains("critical") && insecure.log.contains("INSECURE: --insecure-no-auth is set"), "\(insecure.log)")
        #expect(try insecure.healthz()["auth"] as? String == "disabled")
        let grid = "dev-\(UUID().uuidString.prefix(6).lowercased())"
        let anyone = try HeadlessClient(user: "anyone", grid: grid, servers: [insecure.url], directory: directory, token: .some(nil))
        anyone.send("set A1 dev\nsync 10000\nquit\n")
        try await anyone.finish()
        #expect(anyone.exitCode == 0, "\(anyone.stderr)")

        let both = try await Self.gridServer(["--insecure-no-auth", "--port", "1"], directory: directory, environment: [:])
        #expect(both.status != 0)
        #expect(both.output.contains("--insecure-no-auth and a token secret exclude each other"), "\(both.output)")
    }

    /// Runs `grid-server ARGS` with the test secret (overridable; "" unsets), stdout and stderr together.
    static func gridServer(_ arguments: [String], directory: URL, environment: [String: String]) async throws -> (status: Int32, output: String) {
        let output = directory.appendingPathComponent("cmd-\(UUID().uuidString.prefix(6)).out").path
        var variables = ["GRID_TOKEN_SECRET": TestTokens.secret, "GRID_TOKEN_SECRET_FILE": "", "GRID_TOKEN_SECRET_PREVIOUS": "", "GRID_TOKEN": ""]
        variables.merge(environment) { $1 }
        let unset = variables.filter { $0.value.isEmpty }.keys.sorted().map { "unset \($0); " }.joined()
        let status = try await SystemHarness.run(
            ["/bin/bash", "-c", "\(unset)exec \"$0\" \"$@\" 2>&1", SystemHarness.binDirectory.appendingPathComponent("grid-server").path] + arguments
                + (arguments.first == "token" ? [] : ["--redis-url", SystemHarness.redisURL, "--mysql-url", SystemHarness.mysqlURL]),
            output: output,
            extraEnvironment: variables.filter { !$0.value.isEmpty }
        )
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }
}

extension URL {
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
