import Foundation
import Testing
@testable import GridTUIKit
@testable import GridClientCore
@testable import Shared

private func parse(_ line: String) throws(ProtocolError) -> ScriptCommand? {
    try ScriptCommand.parse(line[...])
}

private func errorCode(_ line: String) -> ErrorCode? {
    do {
        _ = try parse(line)
        return nil
    } catch {
        return error.code
    }
}

@Suite("ScriptCommand.parse")
struct ScriptCommandTests {
    @Test func setKeepsSpacesInTheValue() throws {
        #expect(try parse("set A1 hello world") == .set(cell: "A1", value: "hello world"))
        #expect(try parse("set A1 a  b   c") == .set(cell: "A1", value: "a  b   c"))
    }

    @Test func setWithoutValueGivesEmptyValue() throws {
        #expect(try parse("set A1") == .set(cell: "A1", value: ""))
    }

    @Test func setKeepsTerminalEscapesAndUnicodeVerbatim() throws {
        #expect(try parse("set B2 \u{1b}[2J 表格 🎉") == .set(cell: "B2", value: "\u{1b}[2J 表格 🎉"))
    }

    @Test func lowerCaseCellsAreNormalisedToUpperCase() throws {
        #expect(try parse("set a1 x") == .set(cell: "A1", value: "x"))
        #expect(try parse("clear xfd1048576") == .clear(cell: "XFD1048576"))
        #expect(try parse("resolve bc12") == .resolve(cell: "BC12"))
        #expect(try parse("expect aa3 v") == .expect(cell: "AA3", value: "v"))
        #expect(try parse("wait c7 v") == .wait(cell: "C7", value: "v", timeoutMilliseconds: ScriptCommand.defaultWaitMilliseconds))
    }

    @Test func leadingWhitespaceIsIgnored() throws {
        #expect(try parse("   set A1 x") == .set(cell: "A1", value: "x"))
        #expect(try parse("\t dump") == .dump)
    }

    @Test func waitWithTrailingNumberHasThatTimeout() throws {
        #expect(try parse("wait A1 42 500") == .wait(cell: "A1", value: "42", timeoutMilliseconds: 500))
        #expect(try parse("wait A1 hello world 250") == .wait(cell: "A1", value: "hello world", timeoutMilliseconds: 250))
    }

    @Test func waitWithoutTimeoutUsesTheDefault() throws {
        #expect(try parse("wait A1 42") == .wait(cell: "A1", value: "42", timeoutMilliseconds: 10_000))
        #expect(ScriptCommand.defaultWaitMilliseconds == 10_000)
        #expect(try parse("wait A1 hello world") == .wait(cell: "A1", value: "hello world", timeoutMilliseconds: 10_000))
    }

    @Test func expectKeepsSpacesInTheValue() throws {
        #expect(try parse("expect B2 two words") == .expect(cell: "B2", value: "two words"))
        #expect(try parse("expect B2") == .expect(cell: "B2", value: ""))
    }

    @Test(arguments: ["", "   ", "\t", " \t ", "#", "# a comment", "   # indented comment", "\t#set A1 x"])
    func commentsAndBlankLinesGiveNil(_ line: String) throws {
        #expect(try parse(line) == nil)
    }

    @Test func parsesCommandsWithoutArguments() throws {
        #expect(try parse("dump") == .dump)
        #expect(try parse("users") == .users)
        #expect(try parse("quit") == .quit)
        #expect(try parse("dump  ") == .dump)
    }

    @Test func parsesClearAndResolve() throws {
        #expect(try parse("clear B3") == .clear(cell: "B3"))
        #expect(try parse("resolve Z9") == .resolve(cell: "Z9"))
    }

    @Test func parsesHistoryCount() throws {
        #expect(try parse("history 5") == .history(count: 5))
        #expect(try parse("history 0") == .history(count: 0))
    }

    @Test func parsesSleep() throws {
        #expect(try parse("sleep 250") == .sleep(milliseconds: 250))
        #expect(try parse("sleep 0") == .sleep(milliseconds: 0))
    }

    @Test func parsesSyncWithAndWithoutTimeout() throws {
        #expect(try parse("sync") == .sync(timeoutMilliseconds: ScriptCommand.defaultWaitMilliseconds))
        #expect(try parse("sync 300") == .sync(timeoutMilliseconds: 300))
    }

    @Test func echoKeepsTheRestOfTheLine() throws {
        #expect(try parse("echo hello  there") == .echo("hello  there"))
        #expect(try parse("echo") == .echo(""))
    }

    @Test(arguments: ["sleep x", "sleep", "sleep -5", "sleep 1.5", "history", "history many", "history -1", "sync soon", "sync -1"])
    func badNumbersAreBadField(_ line: String) {
        #expect(errorCode(line) == .badField)
    }

    @Test(arguments: ["set", "clear", "resolve", "wait", "expect"])
    func missingCellIsBadField(_ line: String) {
        #expect(errorCode(line) == .badField)
    }

    @Test(arguments: ["set A0 x", "set 1A x", "clear XFE1", "resolve A1048577", "wait AAAA1 x", "expect A01 x", "set A x", "set A1: x"])
    func badCellIsBadCell(_ line: String) {
        #expect(errorCode(line) == .badCell)
    }

    @Test(arguments: ["frobnicate", "SET A1 x", "sets A1 x", "set\tA1 x", "!", "dumpp"])
    func unknownCommandIsUnknownType(_ line: String) {
        #expect(errorCode(line) == .unknownType)
    }

    @Test func errorMessagesNameTheProblem() {
        do {
            _ = try parse("set Q0 x")
            Issue.record("should fail")
        } catch {
            #expect(error.message.contains("Q0"))
        }
        do {
            _ = try parse("teleport A1")
            Issue.record("should fail")
        } catch {
            #expect(error.message.contains("teleport"))
        }
    }
}

@Suite("HeadlessReport")
struct HeadlessReportTests {
    private static func v(_ ms: UInt64) -> Version { Version(milliseconds: ms, sequence: 0) }

    private static func sampleState() -> ClientState {
        var state = ClientState(clientID: "c")
        state.receive(.welcome(.init(
            session: "s1", server: "srv", user: "ann", grid: "g", version: v(9),
            cells: [
                "B2": CellState(value: nil, version: v(2), user: "u", at: 0),
                "AA1": CellState(value: "y", version: v(3), user: "u", at: 0),
                "A1": CellState(value: "x", version: v(1), user: "u", at: 0),
            ],
            contested: ["C3": v(7), "A1": v(8), "B10": v(6)],
            users: [
                UserPresence(session: "s2", user: "zed", server: "srv", at: 1),
                UserPresence(session: "s9", user: "ann", server: "srv", at: 1),
                UserPresence(session: "s1", user: "ann", server: "srv", cursor: "A1", at: 1),
            ],
            historyStart: v(1), durable: v(2)
        )))
        _ = state.makeEdit(.set, cell: "D4", value: "pending")
        return state
    }

    @Test func dumpIsSortedCompactJSON() {
        let expected = #"{"cells":{"A1":"x","AA1":"y"},"conflicts":["A1","B10","C3"],"durable":"2-0","pending":1,"#
            + #""values":{"A1":"x","AA1":"y","D4":"pending"},"#
            + #""version":"9-0","versions":{"A1":"1-0","AA1":"3-0"}}"#
        #expect(HeadlessReport.dump(Self.sampleState()) == expected)
    }

    @Test func dumpLeavesOutClearedCells() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(HeadlessReport.dump(Self.sampleState()).utf8)) as? [String: Any])
        let cells = try #require(object["cells"] as? [String: String])
        let versions = try #require(object["versions"] as? [String: String])
        #expect(cells["B2"] == nil)
        #expect(versions["B2"] == nil)
        #expect(Set(cells.keys) == Set(versions.keys))
    }

    @Test func dumpSortsConflicts() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(HeadlessReport.dump(Self.sampleState()).utf8)) as? [String: Any])
        let conflicts = try #require(object["conflicts"] as? [String])
        #expect(conflicts == conflicts.sorted())
        #expect(conflicts == ["A1", "B10", "C3"])
    }

    @Test func dumpOfEmptyStateHasEveryKey() {
        let dump = HeadlessReport.dump(ClientState(clientID: "c"))
        #expect(dump == #"{"cells":{},"conflicts":[],"durable":"0-0","pending":0,"values":{},"version":"0-0","versions":{}}"#)
    }

    @Test func dumpEscapesTerminalControlCharacters() {
        var state = ClientState(clientID: "c")
        state.receive(.event(GridEvent(id: Self.v(1), kind: .set, cell: "A1", value: "\u{1b}]52;c;AAAA\u{7}", at: 0)))
        let dump = HeadlessReport.dump(state)
        #expect(!dump.unicodeScalars.contains { $0.value < 0x20 })
        #expect(dump.contains(#"\u001b]52;c;AAAA\u0007"#))
    }

    @Test func usersAreSortedByUserThenSession() throws {
        let text = HeadlessReport.users(Self.sampleState())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let users = try #require(object["users"] as? [[String: Any]])
        #expect(users.compactMap { $0["session"] as? String } == ["s1", "s9", "s2"])
    }

    @Test func jsonSortsKeysAndKeepsSlashes() {
        #expect(HeadlessReport.json(["b": "x/y", "a": "1"]) == #"{"a":"1","b":"x/y"}"#)
    }
}
