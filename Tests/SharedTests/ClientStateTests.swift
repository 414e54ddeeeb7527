import Testing
@testable import GridClientCore
@testable import Shared

private func v(_ ms: UInt64, _ seq: UInt64 = 0) -> Version { Version(milliseconds: ms, sequence: seq) }

private func welcome(
    version: Version = .zero, cells: [String: CellState] = [:], contested: [String: Version] = [:],
    users: [UserPresence] = [], historyStart: Version? = nil, durable: Version = .zero,
    session: String = "s1", server: String = "srv-a"
) -> ServerMessage {
    .welcome(.init(
        session: session, server: server, user: "ann", grid: "g", version: version, cells: cells, contested: contested,
        users: users, historyStart: historyStart, durable: durable
    ))
}

private func setEvent(_ ms: UInt64, _ cell: String, _ value: String) -> ServerMessage {
    .event(GridEvent(id: v(ms), kind: .set, cell: cell, value: value, user: "bob", at: 0))
}

private func ack(_ op: String, _ cell: String = "A1", at version: Version) -> ServerMessage {
    .ack(.init(op: op, cell: cell, version: version))
}

/// The frames as a resend after a reconnect carries them: marked `resend`.
private func resent(_ frames: [ClientMessage]) -> [ClientMessage] {
    frames.map { frame in
        guard case .edit(var edit) = frame else { return frame }
        edit.resend = true
        return .edit(edit)
    }
}

private func edit(of message: ClientMessage) -> ClientMessage.Edit? {
    switch message {
    case .edit(let edit): edit
    default: nil
    }
}

private func base(of message: ClientMessage?) -> Version? { message.flatMap(edit(of:))?.base }

private func user(_ session: String, _ name: String, cursor: String? = nil) -> UserPresence {
    UserPresence(session: session, user: name, server: "srv-a", cursor: cursor, at: 1)
}

@Suite("ClientState")
struct ClientStateTests {
    @Test func startsLoggedOutWithNothingPending() {
        let state = ClientState(clientID: "c")
        #expect(!state.loggedIn)
        #expect(state.edits.isEmpty)
        #expect(state.saveState == SaveState(pending: 0, acked: 0))
        #expect(state.saveState.isDurable)
        #expect(state.durable == .zero)
        #expect(state.session == nil)
        #expect(state.resendFrames().isEmpty)
    }

    // MARK: Making edits

    @Test func makeEditOfNeverWrittenCellUsesBaseZero() {
        var state = ClientState(clientID: "c")
        let made = state.makeEdit(.set, cell: "A1", value: "x")
        #expect(made.op == "c-1")
        #expect(made.frame == .edit(.init(.set, op: "c-1", cell: "A1", value: "x", base: .zero)))
    }

    @Test func makeEditUsesTheCellsCurrentVersionAsBase() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(version: v(3), cells: ["A1": CellState(value: "a", version: v(2), user: "u", at: 0)]))
        state.receive(setEvent(7, "B1", "b"))
        #expect(base(of: state.makeEdit(.set, cell: "A1", value: "x").frame) == v(2))
        #expect(base(of: state.makeEdit(.clear, cell: "B1").frame) == v(7))
        #expect(base(of: state.makeEdit(.resolve, cell: "C1").frame) == .zero)
    }

    @Test func makeEditWithExplicitBaseNamesThatBase() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(7, "A1", "someone else's"))
        #expect(base(of: state.makeEdit(.set, cell: "A1", value: "undo", base: v(3)).frame) == v(3))
        #expect(base(of: state.makeEdit(.clear, cell: "B1", base: v(2)).frame) == v(2))
        #expect(base(of: state.makeEdit(.set, cell: "C1", value: "x", base: nil).frame) == .zero)
    }

    @Test func makeEditOfClearedCellUsesTheClearVersion() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(1, "A1", "a"))
        state.receive(.event(GridEvent(id: v(2), kind: .clear, cell: "A1", at: 0)))
        #expect(base(of: state.makeEdit(.set, cell: "A1", value: "x").frame) == v(2))
    }

    @Test func makeEditGivesUniqueOpIDs() {
        var state = ClientState(clientID: "c")
        let kinds: [EditKind] = [.set, .clear, .resolve]
        var ops: [String] = []
        for index in 0..<100 {
            ops.append(state.makeEdit(kinds[index % 3], cell: "A\(index % 5 + 1)", value: "v").op)
        }
        #expect(Set(ops).count == 100)
        #expect(ops.allSatisfy { $0.hasPrefix("c-") })
    }

    @Test func opIDsAreScopedByClientID() {
        var first = ClientState(clientID: "aaaa")
        var second = ClientState(clientID: "bbbb")
        #expect(first.makeEdit(.set, cell: "A1", value: "1").op != second.makeEdit(.set, cell: "A1", value: "1").op)
    }

    @Test func makeEditBuildsTheRightFrameKind() {
        var state = ClientState(clientID: "c")
        guard case .edit(let set) = state.makeEdit(.set, cell: "A1", value: "v").frame, set.kind == .set else { Issue.record("expected set"); return }
        #expect(set.value == "v")
        guard case .edit(let clear) = state.makeEdit(.clear, cell: "B1", value: "ignored").frame, clear.kind == .clear else { Issue.record("expected clear"); return }
        #expect(clear.value == nil)
        guard case .edit(let resolve) = state.makeEdit(.resolve, cell: "C1", value: "ignored").frame, resolve.kind == .resolve else { Issue.record("expected resolve"); return }
        #expect(resolve.value == nil)
    }

    @Test func makeEditRemembersTheEditAsPending() {
        var state = ClientState(clientID: "c")
        let made = state.makeEdit(.set, cell: "A1", value: "x")
        #expect(state.edits.count == 1)
        #expect(state.edits[0].message == made.frame)
        #expect(!state.edits[0].isQueued)
        #expect(state.edits[0].ackedVersion == nil)
        #expect(state.saveState == SaveState(pending: 1, acked: 0))
        #expect(!state.saveState.isDurable)
    }

    // MARK: Acks and durability

    @Test func ackMarksTheEditAcked() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "x").op
        _ = state.makeEdit(.set, cell: "B1", value: "y")
        state.receive(ack(first, at: v(5)))
        #expect(state.edits.first { $0.op == first }?.ackedVersion == v(5))
        #expect(state.saveState == SaveState(pending: 1, acked: 1))
    }

    @Test func ackForUnknownOpIsIgnored() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "x")
        state.receive(ack("someone-else-1", at: v(5)))
        #expect(state.saveState == SaveState(pending: 1, acked: 0))
    }

    @Test func durableRemovesAckedEditsAtOrBelowIt() {
        var state = ClientState(clientID: "c")
        let ops = (1...4).map { state.makeEdit(.set, cell: "A\($0)", value: "v").op }
        state.receive(ack(ops[0], at: v(5)))
        state.receive(ack(ops[1], at: v(6)))
        state.receive(ack(ops[2], at: v(7)))
        state.receive(.durable(.init(version: v(6))))
        #expect(state.edits.map(\.op) == [ops[2], ops[3]])
        #expect(state.durable == v(6))
        #expect(state.saveState == SaveState(pending: 1, acked: 1))
    }

    @Test func durableNeverRemovesUnackedEdits() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "v")
        state.receive(.durable(.init(version: v(1_000))))
        #expect(state.saveState == SaveState(pending: 1, acked: 0))
    }

    @Test func ackAtOrBelowAnEarlierDurableWatermarkRemovesTheEdit() {
        var state = ClientState(clientID: "c")
        let early = state.makeEdit(.set, cell: "A1", value: "v").op
        let exact = state.makeEdit(.set, cell: "B1", value: "v").op
        let late = state.makeEdit(.set, cell: "C1", value: "v").op
        state.receive(.durable(.init(version: v(10))))
        state.receive(ack(early, at: v(9)))
        state.receive(ack(exact, at: v(10)))
        state.receive(ack(late, at: v(11)))
        #expect(state.edits.map(\.op) == [late])
        #expect(state.saveState == SaveState(pending: 0, acked: 1))
    }

    @Test func durableWatermarkNeverMovesBackwards() {
        var state = ClientState(clientID: "c")
        state.receive(.durable(.init(version: v(10))))
        state.receive(.durable(.init(version: v(4))))
        #expect(state.durable == v(10))
        state.receive(welcome(durable: v(2)))
        #expect(state.durable == v(10))
    }

    @Test func allEditsDurableMeansSaved() {
        var state = ClientState(clientID: "c")
        let a = state.makeEdit(.set, cell: "A1", value: "v").op
        let b = state.makeEdit(.clear, cell: "B1").op
        state.receive(ack(a, at: v(1)))
        state.receive(ack(b, at: v(2)))
        state.receive(.durable(.init(version: v(2))))
        #expect(state.edits.isEmpty)
        #expect(state.saveState.isDurable)
    }

    // MARK: Conflicts and errors

    @Test func conflictRemovesTheEditAndRecordsIt() {
        var state = ClientState(clientID: "c")
        let lost = state.makeEdit(.set, cell: "A1", value: "mine").op
        let kept = state.makeEdit(.set, cell: "B1", value: "other").op
        let conflict = ServerMessage.Conflict(
            op: lost, cell: "A1", version: v(9), yours: "mine", base: .zero,
            theirs: CellState(value: "theirs", version: v(8), user: "bob", at: 0))
        state.receive(.conflict(conflict))
        #expect(state.edits.map(\.op) == [kept])
        #expect(state.conflicts == [conflict])
    }

    @Test func errorWithOpRemovesThatEdit() {
        var state = ClientState(clientID: "c")
        let failed = state.makeEdit(.set, cell: "A1", value: String(repeating: "x", count: 10)).op
        let kept = state.makeEdit(.set, cell: "B1", value: "ok").op
        let frame = ServerMessage.ErrorFrame(code: .valueTooLarge, message: "too large", op: failed)
        state.receive(.error(frame))
        #expect(state.edits.map(\.op) == [kept])
        #expect(state.errors == [frame])
    }

    @Test func rateLimitedEditStaysPendingAndCanBeRetriedUntilAnswered() {
        var state = ClientState(clientID: "c")
        state.receive(welcome())
        let limited = state.makeEdit(.set, cell: "A1", value: "v")
        let held = state.makeEdit(.set, cell: "A1", value: "w")
        #expect(held.frame == nil, "the second edit of A1 waits behind the first")
        let released = state.receive(.error(.init(code: .rateLimited, message: "slow down", op: limited.op)))
        #expect(released.isEmpty, "the held edit keeps waiting: the first is not answered yet")
        #expect(state.edits.map(\.op) == [limited.op, held.op])
        #expect(state.saveState.pending == 2)
        #expect(state.retryFrame(op: limited.op) == limited.frame)
        #expect(state.retryFrame(op: held.op) == nil, "a held edit is sent when the one before it is answered")
        state.receive(ack(limited.op, at: v(5)))
        #expect(state.retryFrame(op: limited.op) == nil, "an answered edit is not sent again")
    }

    @Test func errorWithoutOpKeepsEdits() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "x")
        let frame = ServerMessage.ErrorFrame(code: .badFrame, message: "bad")
        state.receive(.error(frame))
        #expect(state.edits.count == 1)
        #expect(state.errors == [frame])
    }

    @Test func errorsAccumulateInOrder() {
        var state = ClientState(clientID: "c")
        let first = ServerMessage.ErrorFrame(code: .badFrame, message: "1")
        let second = ServerMessage.ErrorFrame(code: .serverShuttingDown, message: "2")
        state.receive(.error(first))
        state.receive(.error(second))
        #expect(state.errors == [first, second])
        #expect(state.errors.last?.fatal == true)
    }

    // MARK: Welcome and resend

    @Test func welcomeReplacesTheModel() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(1, "OLD1", "stale"))
        let cells = ["A1": CellState(value: "a", version: v(4), user: "u", at: 0), "B1": CellState(value: nil, version: v(5), user: "u", at: 0)]
        state.receive(welcome(version: v(6), cells: cells, contested: ["A1": v(6)]))
        #expect(state.model == GridModel(cells: cells, contested: ["A1": v(6)], version: v(6)))
        #expect(state.model.value(at: "OLD1") == nil)
        #expect(state.model.values == ["A1": "a"])
    }

    @Test func welcomeRecordsSessionAndLogsIn() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(historyStart: v(1), session: "sess-7", server: "srv-b"))
        #expect(state.loggedIn)
        #expect(state.session == "sess-7")
        #expect(state.server == "srv-b")
        #expect(state.historyStart == v(1))
        state.connectionChanged(.waiting(server: "ws://b", retryAt: 0, reason: "lost"))
        #expect(!state.loggedIn)
        #expect(state.session == "sess-7")
    }

    @Test func welcomeDurableRemovesAckedEdits() {
        var state = ClientState(clientID: "c")
        let a = state.makeEdit(.set, cell: "A1", value: "v").op
        let b = state.makeEdit(.set, cell: "B1", value: "v").op
        state.receive(ack(a, at: v(3)))
        state.receive(ack(b, at: v(8)))
        state.receive(welcome(version: v(9), durable: v(5)))
        #expect(state.edits.map(\.op) == [b])
        #expect(state.durable == v(5))
    }

    @Test func eventsAfterWelcomeApplyOnTopOfTheSnapshot() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(version: v(5), cells: ["A1": CellState(value: "a", version: v(5), user: "u", at: 0)]))
        state.receive(setEvent(4, "A1", "older, already in snapshot"))
        state.receive(setEvent(6, "B1", "b"))
        #expect(state.model.values == ["A1": "a", "B1": "b"])
        #expect(state.model.version == v(6))
    }

    /// Redis may have lost an acked edit even when the new snapshot is newer (others wrote
    /// since), so every edit not yet durable is resent; the server answers repeats by op id.
    @Test func resendFramesIncludesEveryEditNotYetDurable() {
        var state = ClientState(clientID: "c")
        let unacked = state.makeEdit(.set, cell: "A1", value: "1")
        let durable = state.makeEdit(.set, cell: "B1", value: "2")
        let acked = state.makeEdit(.clear, cell: "C1")
        state.receive(ack(durable.op, at: v(5)))
        state.receive(ack(acked.op, at: v(8)))
        state.receive(welcome(version: v(9), durable: v(6)))
        #expect(state.resendFrames() == resent([unacked.frame, acked.frame].compactMap { $0 }))
    }

    @Test func anAckForAResentEditMovesItsVersion() {
        var state = ClientState(clientID: "c")
        let edit = state.makeEdit(.set, cell: "A1", value: "1")
        state.receive(ack(edit.op, at: v(5)))
        state.receive(ack(edit.op, at: v(12)))
        state.receive(.durable(.init(version: v(10))))
        #expect(state.saveState == SaveState(pending: 0, acked: 1), "version 12 is not durable yet")
        state.receive(.durable(.init(version: v(12))))
        #expect(state.saveState.isDurable)
    }

    @Test func resendFramesKeepTheOriginalOpsAndBases() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(3, "A1", "a"))
        let original = state.makeEdit(.set, cell: "A1", value: "b")
        state.receive(welcome(version: v(9), cells: ["A1": CellState(value: "z", version: v(9), user: "u", at: 0)]))
        #expect(state.resendFrames() == resent([original.frame].compactMap { $0 }))
        #expect(state.resendFrames().count == 1)
        #expect(edit(of: state.resendFrames()[0])?.base == v(3))
    }

    @Test func resendFramesPreserveTheOrderEditsWereMade() {
        var state = ClientState(clientID: "c")
        let made = (1...5).map { state.makeEdit(.set, cell: "A\($0)", value: "\($0)") }
        state.receive(welcome())
        #expect(state.resendFrames() == resent(made.compactMap(\.frame)))
        #expect(state.resendFrames().count == 5)
    }

    // MARK: Presence

    @Test func welcomeLoadsUsersBySession() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(users: [user("s1", "ann"), user("s2", "bob")]))
        #expect(Set(state.users.keys) == ["s1", "s2"])
        #expect(state.users["s2"]?.user == "bob")
    }

    @Test func welcomeWithDuplicateSessionsKeepsTheLast() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(users: [user("s1", "ann", cursor: "A1"), user("s1", "ann", cursor: "B2")]))
        #expect(state.users.count == 1)
        #expect(state.users["s1"]?.cursor == "B2")
    }

    @Test func presenceJoinAddsAndUpdatesUsers() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(users: [user("s1", "ann")]))
        state.receive(.presence(.init(user: user("s2", "bob", cursor: "A1"))))
        #expect(state.users.count == 2)
        state.receive(.presence(.init(user: user("s2", "bob", cursor: "C3"))))
        #expect(state.users.count == 2)
        #expect(state.users["s2"]?.cursor == "C3")
    }

    @Test func presenceLeftRemovesTheSession() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(users: [user("s1", "ann"), user("s2", "bob")]))
        state.receive(.presence(.init(left: "s2")))
        #expect(Set(state.users.keys) == ["s1"])
        state.receive(.presence(.init(left: "nobody")))
        #expect(Set(state.users.keys) == ["s1"])
    }

    @Test func welcomeReplacesUsers() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(users: [user("s1", "ann")]))
        state.receive(.presence(.init(user: user("s2", "bob"))))
        state.receive(welcome(users: [user("s3", "cat")]))
        #expect(Set(state.users.keys) == ["s3"])
    }

    // MARK: Other messages

    @Test func firstEventSetsHistoryStartWhenUnknown() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(historyStart: nil))
        state.receive(setEvent(4, "A1", "a"))
        state.receive(setEvent(5, "A1", "b"))
        #expect(state.historyStart == v(4))
    }

    @Test func eventsDoNotMoveAKnownHistoryStart() {
        var state = ClientState(clientID: "c")
        state.receive(welcome(version: v(9), historyStart: v(1)))
        state.receive(setEvent(10, "A1", "a"))
        #expect(state.historyStart == v(1))
    }

    @Test func historyPagesLeaveStateUnchanged() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "x")
        let before = (state.model, state.edits, state.users)
        state.receive(.history(.init(id: "h1", entries: [GridEvent(id: v(1), kind: .set, cell: "A1", value: "z", at: 0)], more: false)))
        #expect(state.model == before.0)
        #expect(state.edits == before.1)
        #expect(state.users == before.2)
    }

    @Test func pongRecordsANonNegativeRoundTrip() throws {
        var state = ClientState(clientID: "c")
        #expect(state.roundTripMilliseconds == nil)
        state.receive(.pong(.init(t: 0)))
        #expect(try #require(state.roundTripMilliseconds) > 0)
        state.receive(.pong(.init(t: Int64.max / 2)))
        #expect(state.roundTripMilliseconds == 0)
    }

    @Test func saveStateCountsPendingAndAcked() {
        var state = ClientState(clientID: "c")
        let ops = (1...5).map { state.makeEdit(.set, cell: "A\($0)", value: "v").op }
        #expect(state.saveState == SaveState(pending: 5, acked: 0))
        state.receive(ack(ops[0], at: v(1)))
        state.receive(ack(ops[1], at: v(2)))
        #expect(state.saveState == SaveState(pending: 3, acked: 2))
        state.receive(.conflict(.init(op: ops[2], cell: "A3", version: v(3), yours: "v", base: .zero,
            theirs: CellState(value: "w", version: v(2), user: "b", at: 0))))
        #expect(state.saveState == SaveState(pending: 2, acked: 2))
        state.receive(.durable(.init(version: v(1))))
        #expect(state.saveState == SaveState(pending: 2, acked: 1))
    }
}

@Suite("ClientState per-cell edit queue")
struct ClientStateEditQueueTests {
    @Test func secondEditOfTheSameCellWaitsForTheFirstsAnswer() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        let second = state.makeEdit(.set, cell: "A1", value: "2")
        #expect(first.frame != nil)
        #expect(second.frame == nil)
        #expect(second.op != first.op)
        #expect(state.edits.map(\.isQueued) == [false, true])
        #expect(state.saveState == SaveState(pending: 2, acked: 0))
    }

    @Test func editsOfOtherCellsAreNotQueued() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "1")
        #expect(state.makeEdit(.set, cell: "B1", value: "2").frame != nil)
        #expect(state.makeEdit(.clear, cell: "A2").frame != nil)
    }

    @Test func ackReleasesTheQueuedEditBasedOnTheAckedVersion() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        let second = state.makeEdit(.set, cell: "A1", value: "2")
        let released = state.receive(ack(first.op, at: v(5)))
        #expect(released == [.edit(.init(.set, op: second.op, cell: "A1", value: "2", base: v(5)))])
        #expect(state.edits.map(\.isQueued) == [false, false])
    }

    @Test func eachAckReleasesOnlyTheNextQueuedEdit() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        let second = state.makeEdit(.clear, cell: "A1")
        let third = state.makeEdit(.set, cell: "A1", value: "3")
        #expect(second.frame == nil && third.frame == nil)
        let released = state.receive(ack(first.op, at: v(5)))
        #expect(released == [.edit(.init(.clear, op: second.op, cell: "A1", base: v(5)))])
        let released2 = state.receive(ack(second.op, at: v(6)))
        #expect(released2 == [.edit(.init(.set, op: third.op, cell: "A1", value: "3", base: v(6)))])
        let released3 = state.receive(ack(third.op, at: v(7)))
        #expect(released3.isEmpty)
    }

    @Test func repeatedAckReleasesNothingMore() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        _ = state.makeEdit(.set, cell: "A1", value: "2")
        _ = state.makeEdit(.set, cell: "A1", value: "3")
        let released = state.receive(ack(first.op, at: v(5)))
        #expect(released.count == 1)
        let released2 = state.receive(ack(first.op, at: v(5)))
        #expect(released2.isEmpty)
        #expect(state.edits.filter(\.isQueued).count == 1)
    }

    @Test func ackBelowDurableStillReleasesTheQueuedEdit() {
        var state = ClientState(clientID: "c")
        state.receive(.durable(.init(version: v(10))))
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        let second = state.makeEdit(.set, cell: "A1", value: "2")
        let released = state.receive(ack(first.op, at: v(9)))
        #expect(released == [.edit(.init(.set, op: second.op, cell: "A1", value: "2", base: v(9)))])
        #expect(state.edits.map(\.op) == [second.op])
    }

    @Test func conflictReleasesTheQueuedEditWithTheLostBase() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(3, "A1", "seen"))
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        let second = state.makeEdit(.set, cell: "A1", value: "2")
        let released = state.receive(.conflict(.init(
            op: first.op, cell: "A1", version: v(9), yours: "1", base: v(3),
            theirs: CellState(value: "theirs", version: v(8), user: "bob", at: 0))))
        #expect(released == [.edit(.init(.set, op: second.op, cell: "A1", value: "2", base: v(3)))])
        #expect(state.edits.map(\.op) == [second.op])
    }

    @Test func errorReleasesTheQueuedEditWithTheFailedBase() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(3, "A1", "seen"))
        let first = state.makeEdit(.set, cell: "A1", value: "too big")
        let second = state.makeEdit(.clear, cell: "A1")
        let released = state.receive(.error(.init(code: .valueTooLarge, message: "too large", op: first.op)))
        #expect(released == [.edit(.init(.clear, op: second.op, cell: "A1", base: v(3)))])
    }

    @Test func errorForAnotherOpReleasesNothing() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "1")
        _ = state.makeEdit(.set, cell: "A1", value: "2")
        let released = state.receive(.error(.init(code: .badFrame, message: "bad")))
        #expect(released.isEmpty)
        let released2 = state.receive(.error(.init(code: .badCell, message: "bad", op: "other-1")))
        #expect(released2.isEmpty)
        #expect(state.edits.map(\.isQueued) == [false, true])
    }

    @Test func queuedEditsAreNotResent() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        _ = state.makeEdit(.set, cell: "A1", value: "2")
        state.receive(welcome())
        #expect(state.resendFrames() == resent([first.frame].compactMap { $0 }))
        #expect(state.resendFrames().count == 1)
    }

    @Test func editAfterTheAckIsNotQueued() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        state.receive(ack(first.op, at: v(5)))
        state.receive(setEvent(5, "A1", "1"))
        let next = state.makeEdit(.set, cell: "A1", value: "2")
        #expect(base(of: next.frame) == v(5))
    }

    @Test func otherMessagesReleaseNothing() {
        var state = ClientState(clientID: "c")
        _ = state.makeEdit(.set, cell: "A1", value: "1")
        _ = state.makeEdit(.set, cell: "A1", value: "2")
        let released = state.receive(setEvent(4, "A1", "x"))
        #expect(released.isEmpty)
        let released2 = state.receive(.durable(.init(version: v(4))))
        #expect(released2.isEmpty)
        let released3 = state.receive(.presence(.init(left: "s")))
        #expect(released3.isEmpty)
        let released4 = state.receive(welcome())
        #expect(released4 == state.resendFrames(), "a welcome releases only the resends, not the queued edit")
        #expect(released4.count == 1)
    }

    /// The sequencer never moves a cell's version on resolve (it writes no cell state), so an edit
    /// queued behind a resolve must keep the version the cell had, not the resolve event's id.
    @Test func editQueuedBehindAResolveUsesTheCellsVersion() {
        var state = ClientState(clientID: "c")
        state.receive(setEvent(3, "A1", "winner"))
        state.receive(.event(GridEvent(id: v(4), kind: .conflict, cell: "A1", value: "loser", at: 0)))
        let resolve = state.makeEdit(.resolve, cell: "A1")
        let set = state.makeEdit(.set, cell: "A1", value: "after resolve")
        #expect(base(of: resolve.frame) == v(3))
        let released = state.receive(ack(resolve.op, at: v(5)))
        #expect(base(of: released.first) == v(3))
        #expect(released.count == 1 && edit(of: released[0])?.op == set.op)
    }

    /// The ack reaches the client before its own event (the event comes through the grid tail).
    /// An edit made in between must not name the pre-ack version, or it conflicts with the
    /// client's own acked write.
    @Test func editMadeBetweenAckAndEventDoesNotConflictWithOwnWrite() {
        var state = ClientState(clientID: "c")
        let first = state.makeEdit(.set, cell: "A1", value: "1")
        state.receive(ack(first.op, at: v(5)))
        let next = state.makeEdit(.set, cell: "A1", value: "2")
        #expect(next.frame == nil || base(of: next.frame) == v(5))
    }
}
