import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into calls on a dispatch queue instead of asynchronous signal
/// handlers, so that Ctrl-C quits through the app loop like `q` does and the terminal is
/// restored on the way out.
final class SignalWatcher: @unchecked Sendable {
    // @unchecked: `sources` is set in `start` and cleared in `stop`, both called from the app
    // loop only; the sources themselves are thread-safe.
    private var sources: [any DispatchSourceSignal] = []
    private let signals: [Int32]
    private let handler: @Sendable (Int32) -> Void

    init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        self.handler = handler
    }

    /// Call before the terminal starts: with the signals ignored, curses installs no handler of
    /// its own for them.
    static func ignore(_ signals: [Int32]) {
        for signalNumber in signals { signal(signalNumber, SIG_IGN) }
    }

    func start() {
        for signalNumber in signals {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            let handler = self.handler
            source.setEventHandler { handler(signalNumber) }
            source.resume()
            sources.append(source)
        }
    }

    func stop() {
        for source in sources { source.cancel() }
        sources = []
    }
}
