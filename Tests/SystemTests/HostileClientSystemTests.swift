import Foundation
import MySQLClient
import TestSupport
import Testing

/// A hostile client, speaking raw WebSocket frames, against a real grid-server while two normal
/// headless clients edit the same grid: every bad frame gets its exact error code, the server
/// stays up, the others lose nothing, and hostile cell values are stored and shown verbatim and
/// harmlessly.
@Suite(.serialized)
struct HostileClientSystemTests {
    /// Cell values that would do harm if anything spliced them into SQL or wrote them to a terminal.
    /// What an OSC 52 sequence would put on the clipboard, and the sequence's base64 payload.
    static let clipboardMarker = "hostile-\(UUID().uuidString.prefix(8).lowercased())"
    static let clipboardPayload = Data(clipboardMarker.utf8).base64EncodedString()
    static var injections: [String: String] {
        [
            "E1": "'; DROP TABLE ops; --",
            "E2": "\u{1b}]52;c;\(clipboardPayload)\u{07}",
            "E3": "\u{1b}[2J\u{1b}[H",
            "E4": "Robert'); DELETE FROM cells WHERE ('1'='1",
            "E5": "\\\" OR \"\"=\" \u{0} \u{9b}31m",
        ]
    }

    /// One wrong-typed field per member of each client message.
    static let wrongTypes: [String] = [
        #"{"type":"hello","protocol":"1","user":"m","grid":"g"}"#,
        #"{"type":"hello","protocol":1,"user":7,"grid":"g"}"#,
        #"{"type":"hello","protocol":1,"user":"m","grid":["g"]}"#,
        #"{"type":"hello","protocol":1,"user":"m","grid":"g","token":5}"#,
        #"{"type":"hello","protocol":1,"user":"m","grid":"g","client":{}}"#,
        #"{"type":"set","op":1,"cell":"A1","value":"v","base":"0-0"}"#,
        #"{"type":"set","op":"o","cell":5,"value":"v","base":"0-0"}"#,
        #"{"type":"set","op":"o","cell":"A1","value":42,"base":"0-0"}"#,
        #"{"type":"set","op":"o","cell":"A1","value":"v","base":5}"#,
        #"{"type":"clear","op":true,"cell":"A1","base":"0-0"}"#,
        #"{"type":"clear","op":"o","cell":null,"base":"0-0"}"#,
        #"{"type":"clear","op":"o","cell":"A1","base":[]}"#,
        #"{"type":"resolve","op":"o","cell":{},"base":"0-0"}"#,
        #"{"type":"history","id":1,"limit":5}"#,
        #"{"type":"history","after":5,"limit":5}"#,
        #"{"type":"history","before":true,"limit":5}"#,
        #"{"type":"history","limit":"5"}"#,
        #"{"type":"history","limit":2.5}"#,
        #"{"type":"presence","cursor":1}"#,
        #"{"type":"presence","editing":["A1"]}"#,
        #"{"type":"ping","t":"now"}"#,
        #"{"type":"ping","t":1e400}"#,
    ]

    @Test func everyHostileFrameGetsItsCodeTheServerStaysUpAndOthersLoseNothing() async throws {
        let directory = SystemHarness.temporaryDirectory("hostile")
        let grid = "hostile-\(UUID().uuidString.prefix(6).lowercased())"
        let server = try ServerProcess(
            id: "hx-\(UUID().uuidString.prefix(4))", directory: directory,
            extraArguments: ["--edits-per-second", "20", "--edit-burst", "50", "--max-sessions-per-user", "3"]
        )
        defer { server.kill() }
        try await server.waitUntilListening()
        let alice = try HeadlessClient(user: "alice", grid: grid, servers: [server.url], directory: directory)
        let bob = try HeadlessClient(user: "bob", grid: grid, servers: [server.url], directory: directory)
        defer { Task { try? await alice.finish(); try? await bob.finish() } }
        alice.send("set A1 alice-before\nsync\necho ready\n")
        bob.send("set B1 bob-before\nsync\necho ready\n")
        try await alice.waitFor("ready")
        try await bob.waitFor("ready")

        let mallory = try await RawWebSocketClient.connect(server.url)
        try await mallory.logIn(user: "mallory", grid: grid)
        var pings = 0
        /// Sends one frame and checks that exactly `code` answers it and the session lives on.
        func expect(_ code: String, op: String? = nil, _ send: () async throws -> Void, _ what: String) async throws {
            let before = mallory.messages(ofType: "error").count
            try await send()
            pings += 1
            try await mallory.roundTrip(pings)
            let errors = Array(mallory.messages(ofType: "error").dropFirst(before))
            #expect(errors.count == 1, "\(what): \(errors)")
            #expect(errors.first?["code"] as? String == code, "\(what): \(errors)")
            #expect(errors.first?["fatal"] as? Bool == false, "\(what)")
            #expect(errors.first?["op"] as? String == op, "\(what): \(errors)")
            let message = errors.first?["message"] as? String ?? ""
            #expect(!message.isEmpty, "\(what)")
        }

        // Frames that are not protocol messages.
        try await expect("bad_frame", { try await mallory.send(#"{"type":"set","op":"#) }, "malformed JSON")
        try await expect("bad_frame", { try await mallory.send("[1,2,3]") }, "JSON that is not an object")
        try await expect("bad_frame", { try await mallory.send(#"{"op":"x"}"#) }, "no type")
        try await expect("unknown_type", { try await mallory.send(#"{"type":"drop_tables"}"#) }, "unknown type")
        try await expect("bad_frame", { try await mallory.sendBinary([0x7B, 0x7D]) }, "binary frame")
        let invalidUTF8 = Array(#"{"type":"set","op":"u1","cell":"A9","value":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#"","base":"0-0"}"#.utf8)
        try await expect("bad_frame", { try await mallory.sendText(bytes: invalidUTF8) }, "invalid UTF-8")
        try await expect("bad_frame", { try await mallory.send("{\"type\":\"ping\",\"t\":" + String(repeating: "[", count: 5000) + "}") }, "deep nesting")

        // Fields: each wrong type, missing, duplicated.
        for frame in Self.wrongTypes {
            try await expect("bad_field", { try await mallory.send(frame) }, "wrong type \(frame)")
        }
        try await expect("bad_field", { try await mallory.send(#"{"type":"set","cell":"A1","value":"v","base":"0-0"}"#) }, "missing op")
        try await expect("bad_field", { try await mallory.send(#"{"type":"set","op":"d1","cell":"A1","cell":"B1","value":"v","base":"0-0"}"#) }, "duplicate cell")

        // Limits.
        let hugeFrame = #"{"type":"set","op":"big1","cell":"A9","value":""# + String(repeating: "x", count: 100_000) + #"","base":"0-0"}"#
        try await expect("frame_too_large", op: "big1", { try await mallory.send(hugeFrame) }, "over-size frame")
        try await expect("frame_too_large", { try await mallory.send(#"{"padding":""# + String(repeating: "p", count: 70_000) + #""}"#) }, "over-size frame that is no edit")
        // Fragmented messages: joined under the same limit; fragments out of order are refused.
        let fragmentedPing = Array(#"{"type":"ping","t":777}"#.utf8)
        try await mallory.sendFragments([Array(fragmentedPing[..<5]), Array(fragmentedPing[5..<12]), Array(fragmentedPing[12...])])
        try await mallory.waitFor("pong 777") { $0.contains { $0["type"] as? String == "pong" && ($0["t"] as? Int) == 777 } }
        let fragmentedEdit = Array(#"{"base":"0-0","cell":"A9","op":"big3","type":"set","value":""#.utf8)
        try await expect("frame_too_large", op: "big3", {
            try await mallory.sendFragments([fragmentedEdit] + Array(repeating: Array(repeating: UInt8(ascii: "f"), count: 30_000), count: 3) + [Array(#""}"#.utf8)])
        }, "over-size message in fragments")
        try await expect("bad_frame", { try await mallory.sendFragments([Array("{}".utf8)], startsMessage: false) }, "continuation without a start")
        let bigValue = #"{"type":"set","op":"big2","cell":"A9","value":""# + String(repeating: "y", count: 40_000) + #"","base":"0-0"}"#
        try await expect("value_too_large", op: "big2", { try await mallory.send(bigValue) }, "over-size cell")
        try await expect("bad_cell", op: "far1", { try await mallory.send(#"{"type":"set","op":"far1","cell":"XFE1","value":"v","base":"0-0"}"#) }, "column outside the grid")
        try await expect("bad_cell", op: "far2", { try await mallory.send(#"{"type":"clear","op":"far2","cell":"A1048577","base":"0-0"}"#) }, "row outside the grid")
        try await expect("bad_cell", { try await mallory.send(#"{"type":"presence","cursor":"ZZZZ1"}"#) }, "presence outside the grid")
        try await expect("bad_field", { try await mallory.send(#"{"type":"history","limit":1001}"#) }, "history page too large")
        try await expect("already_logged_in", { try await mallory.send(RawWebSocketClient.helloFrame(user: "mallory", grid: grid)) }, "second hello")

        // Sessions per user: mallory has one; two more are allowed, a fourth is refused and closed.
        let second = try await RawWebSocketClient.connect(server.url)
        let third = try await RawWebSocketClient.connect(server.url)
        try await second.logIn(user: "mallory", grid: grid)
        try await third.logIn(user: "mallory", grid: grid)
        let fourth = try await RawWebSocketClient.connect(server.url)
        try await fourth.send(RawWebSocketClient.helloFrame(user: "mallory", grid: grid))
        try await fourth.waitFor("too_many_sessions") { $0.contains { $0["code"] as? String == "too_many_sessions" } }
        #expect(fourth.messages(ofType: "error").first?["fatal"] as? Bool == true)
        let fourthClosed = try await SystemHarness.eventually { fourth.ending != nil }
        #expect(fourthClosed, "the refused connection is closed")
        await second.close()
        // The server frees the place once it sees the connection gone; until then it refuses.
        let freed = try await SystemHarness.eventually {
            let fifth = try await RawWebSocketClient.connect(server.url)
            try await fifth.send(RawWebSocketClient.helloFrame(user: "mallory", grid: grid))
            try await fifth.waitFor("an answer to hello") { $0.contains { ["welcome", "error"].contains($0["type"] as? String) } }
            await fifth.close()
            return !fifth.messages(ofType: "welcome").isEmpty
        }
        #expect(freed, "closing a session makes room for another")
        await third.close()

        // Hostile values, stored verbatim.
        for (cell, value) in Self.injections.sorted(by: { $0.key < $1.key }) {
            let frame = String(decoding: try JSONSerialization.data(withJSONObject: [
                "type": "set", "op": "inj-\(cell)", "cell": cell, "value": value, "base": "0-0",
            ]), as: UTF8.self)
            try await mallory.send(frame)
        }
        try await mallory.waitFor("acks of the hostile values") { messages in
            Self.injections.keys.allSatisfy { cell in messages.contains { $0["type"] as? String == "ack" && $0["op"] as? String == "inj-\(cell)" } }
        }

        // A burst of 10,000 edits while alice and bob keep editing.
        alice.send((1...20).map { "set A\($0 + 1) alice-\($0)\n" }.joined() + "sync 60000\necho during\n")
        bob.send((1...20).map { "set B\($0 + 1) bob-\($0)\n" }.joined() + "sync 60000\necho during\n")
        for index in 1...10_000 {
            try await mallory.send(#"{"type":"set","op":"burst-\#(index)","cell":"D\#(index)","value":"flood \#(index)","base":"0-0"}"#)
        }
        try await mallory.roundTrip(1_000_000)
        // Direct answers only: acked edits also come back to everyone as events with the op.
        let answers = mallory.messages.filter {
            ["ack", "error"].contains($0["type"] as? String) && (($0["op"] as? String)?.hasPrefix("burst-") ?? false)
        }
        let acked = answers.filter { $0["type"] as? String == "ack" }.count
        let limited = answers.filter { $0["type"] as? String == "error" && $0["code"] as? String == "rate_limited" }
        print("hostile burst: \(acked) of 10000 edits accepted, \(limited.count) rate limited")
        #expect(answers.count == 10_000, "every burst frame is answered")
        #expect(acked >= 50, "the burst allowance is accepted")
        #expect(limited.count > 0 && acked + limited.count == 10_000, "acked \(acked), rate limited \(limited.count)")
        #expect(limited.allSatisfy { $0["fatal"] as? Bool == false })
        try await alice.waitFor("during")
        try await bob.waitFor("during")

        // A single frame too large to buffer: the WebSocket layer closes that connection only.
        let giant = try await RawWebSocketClient.connect(server.url)
        try await giant.send(String(repeating: "z", count: 2 << 20))
        let giantClosed = try await SystemHarness.eventually { giant.ending != nil }
        #expect(giantClosed, "a frame over --close-frame-bytes closes the connection")
        #expect(giant.ending == .closed(.messageTooLarge), "\(String(describing: giant.ending))")

        // The server is up and healthy, the hostile session itself still works, others lost nothing.
        #expect(try server.healthz()["ok"] as? Bool == true)
        try await mallory.roundTrip(2_000_000)
        alice.send("set A30 alice-after\nsettle 60000\nsync 60000\necho after\n")
        bob.send("wait A30 alice-after 30000\nsettle 60000\nsync 60000\necho after\n")
        try await alice.waitFor("after")
        try await bob.waitFor("after")
        for client in [alice, bob] {
            #expect(FailureChecks.errorCodes(client).isEmpty, "\(client.user) got errors: \(FailureChecks.errorCodes(client))")
        }
        for client in [alice, bob] { client.send("dump\nquit\n") }
        for client in [alice, bob] {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user): \(client.stderr)")
        }
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        try await FailureChecks.assertRecovered(grid: grid, clients: [alice, bob], mysql: mysql)
        let aliceDump = try #require(alice.objects.last { $0["cells"] != nil }?["cells"] as? [String: String])
        for (cell, value) in Self.injections {
            let rows = try await mysql.query("SELECT value FROM cells WHERE grid = ? AND cell = ?", [.text(grid), .text(cell)])
            #expect(rows.first?["value"].string == value, "MySQL holds \(cell) verbatim")
            #expect(aliceDump[cell] == value, "another client reads \(cell) verbatim")
        }
        #expect(try await mysql.query("SELECT COUNT(*) AS n FROM ops WHERE grid = ?", [.text(grid)]).first?["n"].int ?? 0 > 0)
        await mallory.close()
        await server.stop()
    }

    /// A person pasting faster than the server allows loses nothing: the reference client keeps
    /// each `rate_limited` edit and sends it again until it is accepted.
    @Test func rateLimitedEditsOfTheReferenceClientAreResentNotLost() async throws {
        let directory = SystemHarness.temporaryDirectory("ratelimit")
        let grid = "ratelim-\(UUID().uuidString.prefix(6).lowercased())"
        let server = try ServerProcess(
            id: "hr-\(UUID().uuidString.prefix(4))", directory: directory, extraArguments: ["--edits-per-second", "5", "--edit-burst", "3"]
        )
        defer { server.kill() }
        try await server.waitUntilListening()
        let paster = try HeadlessClient(user: "paula", grid: grid, servers: [server.url], directory: directory)
        let watcher = try HeadlessClient(user: "walt", grid: grid, servers: [server.url], directory: directory)
        paster.send((1...12).map { "set C\($0) pasted \($0)\n" }.joined() + "settle 60000\nsync 60000\necho done\n")
        try await paster.waitFor("done")
        #expect(FailureChecks.errorCodes(paster).contains("rate_limited"), "the burst was over the limit: \(FailureChecks.errorCodes(paster))")
        #expect(Set(FailureChecks.errorCodes(paster)) == ["rate_limited"])
        watcher.send((1...12).map { "wait C\($0) pasted \($0) 30000\n" }.joined() + "settle 30000\nsync 30000\necho seen\n")
        try await watcher.waitFor("seen")
        for client in [paster, watcher] { client.send("dump\nquit\n") }
        for client in [paster, watcher] {
            try await client.finish()
            #expect(client.exitCode == 0, "\(client.user): \(client.stderr)")
        }
        let mysql = try SystemHarness.mysqlClient()
        defer { Task { await mysql.shutdown() } }
        try await FailureChecks.assertRecovered(grid: grid, clients: [paster, watcher], mysql: mysql)
        let dump = try #require(watcher.objects.last { $0["cells"] != nil }?["cells"] as? [String: String])
        #expect(dump == Dictionary(uniqueKeysWithValues: (1...12).map { ("C\($0)", "pasted \($0)") }))
        await server.stop()
    }

    @Test func hostileValuesAreShownHarmlesslyInTheTerminal() async throws {
        let directory = SystemHarness.temporaryDirectory("hostile-tui")
        let grid = "hostui-\(UUID().uuidString.prefix(6).lowercased())"
        let server = try ServerProcess(id: "hy-\(UUID().uuidString.prefix(4))", directory: directory)
        defer { server.kill() }
        try await server.waitUntilListening()
        let mallory = try await RawWebSocketClient.connect(server.url)
        try await mallory.logIn(user: "mallory", grid: grid)
        for (cell, value) in Self.injections.sorted(by: { $0.key < $1.key }) {
            let frame = String(decoding: try JSONSerialization.data(withJSONObject: [
                "type": "set", "op": "tui-\(cell)", "cell": cell, "value": value, "base": "0-0",
            ]), as: UTF8.self)
            try await mallory.send(frame)
        }
        try await mallory.waitFor("acks") { messages in messages.filter { $0["type"] as? String == "ack" }.count == Self.injections.count }
        await mallory.close()

        let tui = SystemHarness.binDirectory.appendingPathComponent("grid-tui").path
        let carol = try await TmuxSession.start(
            command: "\(tui) --server \(server.url) --user carol --grid \(grid)", environment: ["GRID_TOKEN": TestTokens.make(user: "carol", grid: grid)]
        )
        defer { carol.killNow() }
        try await carol.waitFor("CONNECTED")
        try await TUIEndToEndTests.goTo("E2", on: carol)
        try await carol.waitFor("E2  ^[]52;c;\(Self.clipboardPayload)^G")
        try await TUIEndToEndTests.goTo("E3", on: carol)
        try await carol.waitFor("E3  ^[[2J^[[H")
        try await TUIEndToEndTests.goTo("E1", on: carol)
        try await carol.waitFor("E1  '; DROP TABLE ops; --")
        let screen = try await carol.capture()
        // Had the escapes reached the terminal, the screen would have been cleared and the
        // payload copied to tmux's clipboard.
        #expect(screen.contains("CONNECTED"), "the status line survives: \(screen)")
        #expect(screen.contains("Users online"), "the users panel survives: \(screen)")
        let buffers = try await TmuxSession.tmux(["list-buffers", "-F", "#{buffer_sample}"])
        #expect(!buffers.contains(Self.clipboardMarker), "OSC 52 set no clipboard")
        #expect(!screen.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        await server.stop()
    }
}
