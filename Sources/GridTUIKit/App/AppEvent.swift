import GridClientCore
import GridFiles
import Shared

/// Everything the app loop reacts to, from every source, in one ordered stream.
enum AppEvent: Sendable {
    /// A key and when the key reader read it.
    case key(Key, readAt: ContinuousClock.Instant)
    /// Keys wait in the `KeyLane`: wakes the loop, which takes them before any other event.
    case keysWaiting
    case client(GridClientUpdate)
    case historyLoaded(ServerMessage.HistoryPage, before: Version?, after: Version?)
    case historyFailed(String, before: Version?, after: Version?)
    /// A file for `:import` was read, or failed to be.
    case fileRead(ScriptCommand.FileImport, Result<ImportedSheet, GridFileError>)
    /// An `:export` finished; the message says how.
    case fileDone(String, isError: Bool)
    /// SIGINT, SIGTERM or SIGHUP (the terminal went away): quit cleanly.
    case signal(Int32)
    /// The clock, for countdowns and retries.
    case tick
    /// Time to draw a frame that was held back to keep to the frame rate.
    case frame
    /// Time to send a presence update that was held back by the throttle.
    case presenceDue
}
