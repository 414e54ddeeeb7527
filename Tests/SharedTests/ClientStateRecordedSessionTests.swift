import Foundation
import Testing
@testable import GridClientCore
@testable import Shared

/// `ClientState` driven by a session recorded from real grid-servers (Fixtures/record-session.sh):
/// login, edits, a conflict, a server lost while an edit was unanswered, the reconnect to the
/// other server and the resend. No I/O but reading the recording.
@Suite("ClientState, recorded session")
struct ClientStateRecordedSessionTests {
    /// What the replay saw: the frames the state asked to send, and the state after each line.
    struct Replay {
        var state = ClientState(clientID: "ad2de67b")
        var sent: [ClientMessage] = []
        var resentAfterWelcome: [[ClientMessage]] = []
    }

    static func replay() throws -> Replay {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/recorded-session.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let codec = WireCodec()
        var replay = Replay()
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if let action = object["action"] as? String {
                let kind = try #require(EditKind(rawValue: action))
                let made = replay.state.makeEdit(kind, cell: try #require(object["cell"] as? String), value: object["value"] as? String)
                if let frame = made.frame { replay.sent.append(frame) }
            } else if object["type"] as? String == "status" {
                let server = object["server"] as? String ?? ""
                switch object["state"] as? String {
                case "connected": replay.state.connectionChanged(.connected(server: server))
                case "connecting": replay.state.connectionChanged(.connecting(server: server))
                default: replay.state.connectionChanged(.waiting(server: server, retryAt: 0, reason: object["reason"] as? String ?? ""))
                }
            } else {
                let message = try codec.decodeServerMessage(String(line))
                let frames = replay.state.receive(message)
                replay.sent += frames
                if case .welcome = message { replay.resentAfterWelcome.append(frames) }
            }
        }
        return replay
    }

    @Test func theRecordedSessionEndsWithEveryEditDurableAndTheGridAsTheServersHaveIt() throws {
        let replay = try Self.replay()
        let state = replay.state
        #expect(state.loggedIn)
        #expect(state.server == "rec-b", "the session ended on the server it moved to")
        #expect(state.model.values == ["A1": "one", "B1": "theirs", "C1": "resent"])
        #expect(state.model.contested.isEmpty, "the conflict was resolved")
        #expect(state.saveState.isDurable, "every edit made is stored in MySQL")
        #expect(state.edits.isEmpty)
    }

    @Test func theLostEditOfTheConflictIsReportedWithBothValues() throws {
        let conflicts = try Self.replay().state.conflicts
        #expect(conflicts.count == 1)
        #expect(conflicts.first?.cell == "B1")
        #expect(conflicts.first?.yours == "mine")
        #expect(conflicts.first?.theirs.value == "theirs")
    }

    @Test func theEditUnansweredWhenTheServerWasLostIsResentOnceMarkedAsResend() throws {
        let replay = try Self.replay()
        #expect(replay.resentAfterWelcome.count == 2, "two logins: the first, and after the failover")
        #expect(replay.resentAfterWelcome.first?.isEmpty == true, "nothing to resend at the first login")
        let resent = try #require(replay.resentAfterWelcome.last)
        guard case .edit(let edit)? = resent.first, resent.count == 1 else {
            Issue.record("expected one resent edit, got \(resent)")
            return
        }
        #expect(edit.kind == .resolve && edit.cell == "B1" && edit.op == "ad2de67b-5" && edit.resend == true)
    }

    @Test func everyEditMadeWasSentOnceFreshAndOpIdsFollowTheRecording() throws {
        let replay = try Self.replay()
        let fresh = replay.sent.compactMap { frame -> ClientMessage.Edit? in
            guard case .edit(let edit) = frame, edit.resend == nil else { return nil }
            return edit
        }
        #expect(fresh.map(\.op) == (1...6).map { "ad2de67b-\($0)" })
        #expect(fresh.map(\.kind) == [.set, .set, .clear, .set, .resolve, .set])
        // The clear of A2 names the version its own set got; the resolve names the winner's.
        #expect(fresh[2].base == Version("1796162861198-0"))
        #expect(fresh[4].base == Version("1796162862054-0"))
    }
}
