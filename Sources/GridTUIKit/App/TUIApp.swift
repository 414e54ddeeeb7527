import Foundation
import Logging
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

    public init(configuration: GridClientConfiguration, ascii: Bool = false) {
        self.configuration = configuration
        self.ascii = ascii
    }

    /// Runs on the process's terminal until the user quits; returns the exit code.
    public func run(logger: Logger) async -> Int32 {
        if let codeset = UTF8Locale.activate() {
            FileHandle.standardError.write(Data((UTF8Locale.message(codeset: codeset) + "\n").utf8))
            return 2
        }
        let quitSignals = [SIGINT, SIGTERM]
        SignalWatcher.ignore(quitSignals)
        let terminal: NcursesTerminal
        do {
            terminal = try NcursesTerminal()
        } catch {
            FileHandle.standardError.write(Data("grid-tui: \(error)\n".utf8))
            return 1
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
        let keys = KeyReader(terminal: terminal) { sink.yield(.key($0)) }
        let signals = SignalWatcher(signals: quitSignals) { sink.yield(.signal($0)) }
        let environment = ProcessInfo.processInfo.environment
        let options = TUIOptions(colors: terminal.hasColors, ascii: ascii || Self.isASCIIOnly(term: environment["TERM"]))
        var model = TUIModel(
            user: configuration.user, grid: configuration.grid, servers: configuration.servers, options: options,
            size: terminal.size, now: WallClock.nowMilliseconds()
        )
        let frameInterval = Duration.milliseconds(1000 / max(1, framesPerSecond))
        let pageSize = historyPageSize

        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(250))
                    sink.yield(.tick)
                }
            }
            keys.start()
            signals.start()
            terminal.draw(Renderer.render(model, size: model.size))

            var exitCode: Int32 = 0
            var running = true
            var dirty = false
            var lastDraw = ContinuousClock.now
            var frameScheduled = false
            var throttle = PresenceThrottle()

            for await event in events {
                var effects = model.tick(now: WallClock.nowMilliseconds())
                switch event {
                case .key(let key):
                    if key == .resize { model.resize(to: terminal.size) }
                    effects += model.handle(key)
                    dirty = true
                case .client(let update):
                    effects += model.apply(update, state: await client.state)
                    dirty = true
                case .historyLoaded(let page, let before, let after):
                    effects += model.historyLoaded(page, before: before, after: after)
                    dirty = true
                case .historyFailed(let message, let before, let after):
                    effects += model.historyFailed(message, before: before, after: after)
                    dirty = true
                case .signal(let number):
                    exitCode = 128 + number
                    running = false
                case .tick:
                    dirty = dirty || model.showsCountdown || !effects.isEmpty
                case .frame:
                    frameScheduled = false
                case .presenceDue:
                    if let presence = throttle.due(now: WallClock.nowMilliseconds()) {
                        await client.updatePresence(cursor: presence.cursor, editing: presence.editing)
                    }
                }

                for effect in effects where running {
                    switch effect {
                    case .send(let outgoing):
                        switch outgoing {
                        case .set(let cell, let value, let base):
                            model.recordSent(op: await client.set(cell, value, base: base), for: outgoing)
                        case .clear(let cell, let base):
                            model.recordSent(op: await client.clear(cell, base: base), for: outgoing)
                        case .resolve(let cell):
                            await client.resolve(cell)
                        case .presence(let cursor, let editing):
                            let now = WallClock.nowMilliseconds()
                            let wanted = PresenceThrottle.Presence(cursor: cursor, editing: editing)
                            if let presence = throttle.offer(wanted, now: now) {
                                await client.updatePresence(cursor: presence.cursor, editing: presence.editing)
                            } else {
                                let delay = throttle.delay(now: now)
                                group.addTask {
                                    try? await Task.sleep(for: .milliseconds(delay))
                                    sink.yield(.presenceDue)
                                }
                            }
                        }
                    case .loadHistory(let before, let after):
                        group.addTask {
                            do {
                                let page = try await client.history(before: before, after: after, limit: pageSize)
                                sink.yield(.historyLoaded(page, before: before, after: after))
                            } catch {
                                sink.yield(.historyFailed("\(error)", before: before, after: after))
                            }
                        }
                    case .bell:
                        terminal.bell()
                    case .quit:
                        running = false
                    }
                }
                guard running else { break }
                if effects.contains(where: { if case .send(let outgoing) = $0 { outgoing.isEdit } else { false } }) {
                    model.sync(state: await client.state)
                }

                // Draw now, or once the frame interval has passed since the last draw.
                if dirty && !frameScheduled {
                    let elapsed = ContinuousClock.now - lastDraw
                    if elapsed >= frameInterval {
                        terminal.draw(Renderer.render(model, size: model.size))
                        lastDraw = .now
                        dirty = false
                    } else {
                        frameScheduled = true
                        let wait = frameInterval - elapsed
                        group.addTask {
                            try? await Task.sleep(for: wait)
                            sink.yield(.frame)
                        }
                    }
                }
            }

            keys.stop()
            signals.stop()
            // Give the terminal back at once; closing the connection may take a moment.
            terminal.restore()
            await client.stop()
            sink.finish()
            group.cancelAll()
            return exitCode
        }
    }
}
