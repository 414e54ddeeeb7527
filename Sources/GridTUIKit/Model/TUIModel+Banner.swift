import Shared

/// The red banner's text: what failed, then what the client is doing about it.
extension TUIModel {
    public var bannerLines: [String] {
        guard let failure else { return [] }
        // Wrapped to the screen, leaving room for the banner's margin.
        let message = TextWrap.wrap(
            "\(options.glyphs.cross) \(failure.headline): \(failure.message)", width: max(10, size.columns - 2),
            maxLines: 2, marker: options.glyphs.ellipsis
        )
        guard failure.isConnectionFailure else { return message }
        switch status {
        case .waiting(let server, let retryAt, _):
            return message + ["  Reconnecting: next try \(server) in \(Self.formatSeconds(retryAt - now))"]
        case .connecting(let server):
            return message + ["  Reconnecting: trying \(server) now"]
        case .stopped:
            return message + ["  Not retrying. Press q to quit."]
        case .connected:
            return message
        }
    }

    /// Milliseconds as seconds with one decimal, rounded up so that "0.0 s" means now.
    static func formatSeconds(_ milliseconds: Int64) -> String {
        let tenths = (max(0, milliseconds) + 99) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// Whether the screen shows a countdown, so that the passing of time alone changes it.
    public var showsCountdown: Bool {
        if case .waiting = status { return true }
        return false
    }
}
