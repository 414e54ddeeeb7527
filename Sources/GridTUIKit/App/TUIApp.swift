import Foundation
import Logging
import GridClientCore
import Shared

/// The full-screen client: owns a `GridClient`, forwards its updates and the keys into the
/// model, performs the effects the model returns, and draws at most `framesPerSecond` times a
/// second.
public struct TUIApp: Sendable {
    public var configuration: GridClientConfiguration
    /// Only ASCII decorations, whatever the terminal is.
    public var ascii: Bool
    public var framesPerSecond = 60
    public var historyPageSize = HistoryLog.pageSize
    /// Where to write, on exit, how long keys took to reach the screen (JSON; see `KeyLatencyLog`).
    public var keyLatencyReport: String?

    public init(configuration: GridClientConfiguration, ascii: Bool = false) {
        self.configuration = configuration
        self.ascii = ascii
    }

    /// Runs on the process's terminal until the user quits; returns the exit code.
    public func run(logger: Logger) async -> Int32 {
        if let codeset = UTF8Locale.activate() {
            FileHandle.standardError.write(Data((UTF8Locale.message(codeset: codeset) + "\n").utf8))
            return TUIExitCode.usage.rawValue
        }
        let quitSignals = [SIGINT, SIGTERM, SIGHUP]
        SignalWatcher.ignore(quitSignals)
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal()
        } catch {
            FileHandle.standardError.write(Data("grid-tui: \(error)\n".utf8))
            return TUIExitCode.failed.rawValue
        }
        NcursesTerminal.restoreOnCrash()
        let code = await run(on: terminal, quitSignals: quitSignals, logger: logger)
        terminal.restore()
        return code
    }

    /// Terminals whose names say they show only ASCII.
    public static func isASCIIOnly(term: String?) -> Bool {
        guard let term else { return false }
        return term == "dumb" || term == "ansi" || term.hasPrefix("vt")
    }

    func run(on terminal: any Terminal, quitSignals: [Int32], logger: Logger) async -> Int32 {
        let (events, sink) = AsyncStream.makeStream(of: AppEvent.self)
        let client = GridClient(configuration: configuration, logger: logger) { sink.yield(.client($0)) }
        let lane = KeyLane()
        let keys = KeyReader(terminal: terminal) { key in
            if lane.push(key, readAt: .now) { sink.yield(.keysWaiting) }
        }
        let signals = SignalWatcher(signals: quitSignals) { sink.yield(.signal($0)) }
        let environment = ProcessInfo.processInfo.environment
        let options = TUIOptions(colors: terminal.hasColors, ascii: ascii || Self.isASCIIOnly(term: environment["TERM"]))
        let model = TUIModel(
            user: configuration.user, grid: configuration.grid, servers: configuration.servers, options: options,
            size: terminal.size, now: WallClock.nowMilliseconds()
        )
        var session = AppSession(
            client: client, terminal: terminal, sink: sink, model: model, framesPerSecond: framesPerSecond,
            historyPageSize: historyPageSize
        )

        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask {
                // The clock for countdowns and retries.
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    sink.yield(.tick)
                }
            }
            keys.start()
            signals.start()
            session.drawNow()
            events: for await event in events {
                for (key, readAt) in lane.drain() {
                    await session.handle(.key(key, readAt: readAt), group: &group)
                    if !session.running { break events }
                }
                await session.handle(event, group: &group)
                if !session.running { break }
            }
            keys.stop()
            signals.stop()
            if let keyLatencyReport {
                FileManager.default.createFile(atPath: keyLatencyReport, contents: Data((session.keyLatency.json + "\n").utf8))
            }
            // Give the terminal back at once; closing the connection may take a moment.
            terminal.restore()
            await client.stop()
            sink.finish()
            group.cancelAll()
            return session.exitCode
        }
    }
}
