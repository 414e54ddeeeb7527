import Shared

/// The red banner's text: what failed, then what the client is doing about it.
extension TUIModel {
    public var bannerLines: [String] {
        guard let failure else { return [] }
        let first = "\(options.glyphs.cross) \(failure.headline): \(failure.message)"
        guard failure.isConnectionFailure else { return [first] }
        switch status {
        case .waiting(let server, let retryAt, _):
            let seconds = Double(max(0, retryAt - now)) / 1000
            return [first, "  Reconnecting: next try \(server) in \(Self.formatSeconds(seconds))"]
        case .connecting(let server):
            return [first, "  Reconnecting: trying \(server) now"]
        case .stopped:
            return [first, "  Not retrying. Press q to quit."]
        case .connected:
            return [first]
        }
    }

    static func formatSeconds(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded(.up))
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// Whether the screen shows a countdown, so that the passing of time alone changes it.
    public var showsCountdown: Bool {
        if case .waiting = status { return true }
        return false
    }
}
