import GridClientCore
import Shared

/// Updates from the client core: the connection's status and every server message.
extension TUIModel {
    /// Takes one update from the transport: the client state takes it first, then the screen.
    /// `recompute: false` leaves the formula values behind the cells until `refreshComputed()`:
    /// the app applies a burst of events and computes once per frame, not once per event.
    public mutating func apply(_ update: GridClientUpdate, recompute: Bool = true) -> [TUIEffect] {
        var effects: [TUIEffect] = []
        switch update {
        case .status(let newStatus):
            state.connectionChanged(newStatus)
            effects += statusChanged(newStatus)
        case .message(let message, _):
            // What the reply needs from before it, not a copy of the whole state: a copy alive
            // while `receive` changes the cells would make every event copy every cell.
            let before = Before(loggedIn: state.loggedIn, edits: state.edits)
            let frames = state.receive(message)
            effects += received(message, before: before, resent: frames.count)
            if !frames.isEmpty { effects.append(.send(frames)) }
        }
        return finish(effects, recompute: recompute)
    }

    private struct Before {
        var loggedIn: Bool
        var edits: [PendingEdit]
    }

    /// Edits refused as `rate_limited` go again; the app calls this once the retry interval passed.
    public mutating func retryRateLimited() -> [TUIEffect] {
        let frames = state.takeRateLimitedRetries()
        return frames.isEmpty ? [] : [.send(frames)]
    }

    private mutating func statusChanged(_ newStatus: ConnectionStatus) -> [TUIEffect] {
        let previousStatus = status
        status = newStatus
        switch newStatus {
        case .connecting:
            fatalError = nil
            return []
        case .connected:
            if failure?.isConnectionFailure == true { failure = nil }
            return []
        case .waiting(_, _, let reason):
            let lost = fatalError.map { Self.failure(for: $0, unsaved: unsavedEdits) } ?? Failure(.serverLost, "Lost the connection to the server: \(Self.plain(reason)).")
            // Only a lost server is a failover; Redis or MySQL down keeps its own banner.
            if lost.kind == .serverLost, case .connected(let server) = previousStatus { lostServer = server }
            if lost.kind != .serverLost { lostServer = nil }
            return announce(lost)
        case .stopped(let reason):
            guard let reason else { return [] }
            if failure?.kind == .loginRefused { return [] }
            return announce(Failure(.loginRefused, "The server refused this login and retrying will not help: \(reason)."))
        }
    }

    private mutating func received(_ message: ServerMessage, before previous: Before, resent: Int) -> [TUIEffect] {
        switch message {
        case .welcome:
            // The server knows nothing of this session's presence yet; send it again.
            sentPresence = nil
            var effects = failedOver(resent: resent)
            if let newest = history.entries.last {
                // Events between the lost connection and this snapshot never arrived live.
                history.loadingNewer = true
                effects.append(.loadHistory(before: nil, after: newest.id))
            }
            return effects
        case .event(let event):
            history.append(event)
            return []
        case .ack(let ack):
            if let index = undo.firstIndex(where: { $0.op == ack.op }) { undo[index].version = ack.version }
            undoAcked(op: ack.op, version: ack.version)
            if importing != nil { importAnswered(op: ack.op, cells: ack.count ?? 1, lost: false) }
            return []
        case .conflict(let conflict):
            undo.removeAll { $0.op == conflict.op }
            undoing[conflict.op] = nil
            if importing?.ops.contains(conflict.op) == true {
                // A lost import chunk is reported with the import, not as a dialog per chunk.
                importAnswered(op: conflict.op, cells: 0, lost: true)
                return [.bell]
            }
            if conflict.moved != nil, let lost = previous.edits.first(where: { $0.op == conflict.op }) { lostMulti[conflict.op] = lost }
            conflicts.append(conflict)
            return [.bell]
        case .error(let error):
            if error.fatal {
                fatalError = error
                var failure = Self.failure(for: error, unsaved: unsavedEdits)
                if !previous.loggedIn && failure.kind == .serverLost {
                    failure = Failure(.loginRefused, "The server refused the login (\(error.code)): \(error.message).")
                }
                return announce(failure)
            }
            if let op = error.op {
                // The undo entry knows the cell even when the core already forgot the edit.
                let cell = undo.first { $0.op == op }?.cell ?? previous.edits.first { $0.op == op }?.cell
                undo.removeAll { $0.op == op }
                undoing[op] = nil
                if importing != nil { importAnswered(op: op, cells: 0, lost: true) }
                let what = cell.map { "Your edit of \($0)" } ?? "Your edit"
                failure = Failure(.editRejected, "\(what) was rejected (\(error.code)): \(error.message).")
                return [.bell]
            }
            notice = Notice("Server: \(error.message) (\(error.code))", isError: true)
            return []
        case .presence, .durable, .history, .pong, .health:
            return []
        }
    }

    /// A quick failover is over before the red banner can be read, so a notice names the lost
    /// server, the new one and the edits resent, and stays for `failoverNoticeMilliseconds`.
    private mutating func failedOver(resent: Int) -> [TUIEffect] {
        guard let lost = lostServer, failure == nil || failure?.isConnectionFailure == true else { return [] }
        lostServer = nil
        let current = status.server ?? lost
        let edits = "\(resent) unsaved edit\(resent == 1 ? "" : "s") resent"
        let moved = current == lost ? "reconnected to it" : "moved to \(state.server.map { "\($0) " } ?? "")\(StatusBarRenderer.hostPort(current))"
        failure = Failure(.failedOver, "lost \(StatusBarRenderer.hostPort(lost)); \(moved); \(edits).", until: now + Self.failoverNoticeMilliseconds)
        return [.bell]
    }

    /// Shows a failure; the bell rings when it is new, not on every retry of the same one.
    private mutating func announce(_ newFailure: Failure) -> [TUIEffect] {
        let isNew = failure?.kind != newFailure.kind
        failure = newFailure
        return isNew ? [.bell] : []
    }

    /// The client core's reason for a lost connection, without the network library's details.
    static func plain(_ reason: String) -> String {
        guard reason.hasPrefix("cannot reach "), let colon = reason.range(of: ": ") else { return reason }
        let server = reason[reason.index(reason.startIndex, offsetBy: "cannot reach ".count)..<colon.lowerBound]
        let lowered = reason[colon.upperBound...].lowercased()
        // The core's TLS hints come first: they say what to change, the rest only what happened.
        let cause = [
            ("connect with wss://", "if the server uses TLS, connect with wss://"), ("pass --ca", "certificate not trusted; pass --ca with the CA file"),
            ("refused", "connection refused"), ("reset", "connection reset"), ("timed out", "timed out"), ("timeout", "timed out"), ("resolve", "unknown host")]
            .first { lowered.contains($0.0) }?.1
        return "cannot reach \(server)" + (cause.map { " (\($0))" } ?? "")
    }

    /// This user's edits not yet stored in MySQL: kept by the client core and resent.
    var unsavedEdits: Int { state.saveState.pending + state.saveState.acked }

    /// The server's own words name the backend and its address; the count of unsaved edits is
    /// only known here.
    static func failure(for error: ServerMessage.ErrorFrame, unsaved: Int) -> Failure {
        let cause = error.message.components(separatedBy: "; ").first ?? error.message
        let kept = "Your \(unsaved) unsaved edit\(unsaved == 1 ? " is" : "s are") kept and will be resent after reconnecting."
        switch error.code {
        case .redisUnavailable:
            return Failure(.redisDown, "\(cause), so edits cannot be saved. \(kept)")
        case .mysqlUnavailable:
            return Failure(.mysqlDown, "\(cause), so the grid's history cannot be loaded and the login was refused. \(kept)")
        case .badName, .unsupportedProtocol, .upgradeRequired, .loginTimeout:
            return Failure(.loginRefused, "The server refused the login (\(error.code)): \(error.message).")
        default:
            if error.code.rawValue.hasPrefix("auth_") {
                return Failure(.loginRefused, "The server refused the login (\(error.code)): \(error.message).")
            }
            return Failure(.serverLost, "The server ended the session (\(error.code)): \(error.message).")
        }
    }
}
