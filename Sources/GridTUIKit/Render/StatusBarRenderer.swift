import GridClientCore
import Shared

/// The top line: who and which grid, the server and the connection's state, the round trip,
/// and where the user's own edits are (pending, acked in Redis, durable in MySQL).
enum StatusBarRenderer {
    static func draw(_ model: TUIModel, in area: Rect, on buffer: inout ScreenBuffer, theme: Theme) {
        guard !area.isEmpty else { return }
        buffer.fill(area, style: theme.statusBar)
        let separator = " \(theme.glyphs.vertical) "
        var x = area.column
        func put(_ text: String, _ style: TextStyle) {
            x += buffer.write(text, row: area.row, column: x, width: area.right - x, style: style)
        }
        let identity = " \(model.user)@\(model.grid)"
        let (server, state, healthy) = connection(model)
        let save = saveText(model.state.saveState)
        // On narrow screens the server's address goes first, so that the save state still fits.
        var shownServer = server
        let full = [identity, server + " " + state, rtt(model), save].joined(separator: separator)
        if DisplayWidth.of(full) > area.width, case .connected = model.status, let id = model.state.server {
            shownServer = id
        }
        put(identity, theme.statusBar.with(bold: true))
        put(separator, theme.statusBar)
        put(shownServer + " ", theme.statusBar)
        put(state, healthy ? theme.statusGood : theme.statusBad)
        put(separator + rtt(model) + separator, theme.statusBar)
        put(save, model.state.saveState.pending > 0 ? theme.statusBad : theme.statusBar)
        let help = "? help "
        if area.right - x > DisplayWidth.of(help) + 1 {
            buffer.write(help, row: area.row, column: area.right - DisplayWidth.of(help), style: theme.statusBar)
        }
    }

    /// The server shown, the state's label, and whether that state is good.
    static func connection(_ model: TUIModel) -> (String, String, Bool) {
        switch model.status {
        case .connected(let server):
            let id = model.state.server.map { "server \($0) " } ?? ""
            return (id + hostPort(server), "CONNECTED", true)
        case .connecting(let server):
            return (hostPort(server), "CONNECTING", false)
        case .waiting(let server, let retryAt, _):
            return (hostPort(server), "RECONNECTING in \(TUIModel.formatSeconds(retryAt - model.now))", false)
        case .stopped:
            return ("no server", "OFFLINE", false)
        }
    }

    static func rtt(_ model: TUIModel) -> String {
        guard case .connected = model.status, let milliseconds = model.state.roundTripMilliseconds else { return "rtt -" }
        return "rtt \(milliseconds) ms"
    }

    static func saveText(_ save: SaveState) -> String {
        switch (save.pending, save.acked) {
        case (0, 0): "save: durable (MySQL)"
        case (0, let acked): "save: \(acked) acked (Redis)"
        case (let pending, 0): "save: \(pending) pending"
        case (let pending, let acked): "save: \(pending) pending, \(acked) acked (Redis)"
        }
    }

    /// `host:port` of a `ws://host:port/path` URL.
    static func hostPort(_ url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        return String(rest)
    }
}

