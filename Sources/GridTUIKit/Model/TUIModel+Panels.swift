import Shared

/// The users and history panels: focus, selection, jumping to a cell, and loading history as
/// the user scrolls back.
extension TUIModel {
    var visibleFocuses: [Focus] {
        var focuses: [Focus] = [.grid]
        if showUsers && !layout.users.isEmpty { focuses.append(.users) }
        if showHistory && !layout.history.isEmpty { focuses.append(.history) }
        return focuses
    }

    mutating func cycleFocus(forward: Bool) {
        let focuses = visibleFocuses
        let index = focuses.firstIndex(of: focus) ?? 0
        focus = focuses[(index + (forward ? 1 : focuses.count - 1)) % focuses.count]
    }

    mutating func togglePanel(users: Bool) {
        if users { showUsers.toggle() } else { showHistory.toggle() }
        if !visibleFocuses.contains(focus) { focus = .grid }
    }

    mutating func moveSelection(by delta: Int) {
        switch focus {
        case .users:
            let count = state.users.count
            selectedUser = count == 0 ? 0 : min(count - 1, max(0, selectedUser + delta))
        case .history:
            history.moveSelection(by: delta)
        case .grid:
            break
        }
    }

    mutating func jumpToSelection() {
        switch focus {
        case .users:
            let users = onlineUsers
            guard users.indices.contains(selectedUser) else { return }
            let person = users[selectedUser]
            guard let address = (person.editing ?? person.cursor).flatMap({ CellAddress($0) }) else {
                notice = Notice("\(person.user) has no cursor yet")
                return
            }
            moveCursor(to: address)
        case .history:
            guard let index = history.selectedIndex else { return }
            let entry = history.entries[index]
            // A multi-cell entry jumps to its range's first cell.
            guard let address = (entry.cell ?? entry.range?.split(separator: ":").first.map(String.init)).flatMap({ CellAddress($0) }) else {
                notice = Notice("This entry is not about a cell")
                return
            }
            moveCursor(to: address)
        case .grid:
            break
        }
        focus = .grid
    }

    /// Pages of history to load now: the newest first, then older ones while the panel shows
    /// the oldest loaded entries, until the very first event.
    mutating func historyLoads() -> [TUIEffect] {
        guard state.loggedIn, !history.loadingOlder, history.olderAvailable, now >= history.retryAt else { return [] }
        if let start = state.historyStart, let first = history.entries.first, first.id <= start {
            history.olderAvailable = false
            return []
        }
        if state.historyStart == nil && history.isEmpty {
            // Nothing written to this grid yet; live events will fill the panel.
            return []
        }
        let rows = historyRows
        let wantsOlder = history.isEmpty || (showHistory && rows > 0 && history.windowStart(rows: rows) < max(10, rows))
        guard wantsOlder else { return [] }
        history.loadingOlder = true
        return [.loadHistory(before: history.entries.first?.id)]
    }

    /// A page asked for with `loadHistory` arrived.
    public mutating func historyLoaded(_ page: ServerMessage.HistoryPage, before: Version?, after: Version?) -> [TUIEffect] {
        var effects: [TUIEffect] = []
        history.merge(page.entries)
        if after != nil {
            history.loadingNewer = false
            if page.more, let last = page.entries.last {
                history.loadingNewer = true
                effects.append(.loadHistory(before: nil, after: last.id))
            }
        } else {
            history.loadingOlder = false
            if !page.more || page.entries.isEmpty { history.olderAvailable = false }
        }
        return finish(effects)
    }

    /// Loading a page failed; the next try waits a little so a failing server is not hammered.
    public mutating func historyFailed(_ message: String, before: Version?, after: Version?) -> [TUIEffect] {
        if after != nil { history.loadingNewer = false } else { history.loadingOlder = false }
        history.retryAt = now + 2_000
        notice = Notice("History could not be loaded: \(message)", isError: true)
        return finish([])
    }
}
