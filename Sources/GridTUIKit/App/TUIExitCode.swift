import Foundation

/// grid-tui's exit codes, one table for every path (full screen, headless scripts, and the
/// commands that later issues add), so that a script or driver can tell what was lost.
public enum TUIExitCode: Int32, CaseIterable, Sendable {
    /// Done, and every edit made was answered by the server.
    case ok = 0
    /// A script check failed (`wait`, `expect`, `sync`), or another error.
    case failed = 1
    /// A bad script line, or no UTF-8 locale.
    case usage = 2
    /// The server refused the login (token, name, Redis or MySQL down), or none answered in time.
    case loginRefused = 3
    /// Quit with edits the server never answered: they may be lost.
    case unanswered = 4
    /// `settle` timed out: edits were answered but are not yet stored in MySQL.
    case notDurable = 5
    /// A file to import could not be read (its line and column are named); nothing was written.
    case badFile = 6
    /// A bad command line (unknown option, a missing --user …), as the argument parser reports it.
    case badCommandLine = 64

    /// What each code means, for `--help` and the README.
    public var meaning: String {
        switch self {
        case .ok: "done; every edit was answered"
        case .failed: "a script check (wait, expect, sync) failed, or another error"
        case .usage: "bad script line, or no UTF-8 locale"
        case .loginRefused: "login refused (token, name, Redis or MySQL down) or no server answered"
        case .unanswered: "quit with edits the server never answered (they may be lost)"
        case .notDurable: "settle timed out: edits answered but not yet stored in MySQL"
        case .badFile: "a file to import is broken (its line and column are named); nothing was written"
        case .badCommandLine: "bad command line (unknown option, missing --user, ...)"
        }
    }

    /// The table as `--help` prints it; a signal adds 128 to its number, as shells do.
    public static var table: String {
        allCases.map { "  \(String($0.rawValue).padding(toLength: 5, withPad: " ", startingAt: 0)) \($0.meaning)" }.joined(separator: "\n") + "\n  128+N ended by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129)"
    }
}
