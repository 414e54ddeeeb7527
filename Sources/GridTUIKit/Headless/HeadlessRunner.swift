import Foundation
import Logging
import GridClientCore
import Shared

/// Runs a headless script against the servers: one command per line, results on stdout, errors
/// on stderr with a non-zero exit. The same mode drives demos, tests and load.
public struct HeadlessRunner: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public let exitCode: Int32
        public var description: String { message }
    }

    public var configuration: GridClientConfiguration
    public var scriptPath: String
    public var printEvents: Bool
    public var loginTimeout: Duration = .seconds(15)
    public var quitTimeout: Duration = .seconds(10)
    /// Run these instead of reading a script (`grid-tui import`, `grid-tui export`).
    public var commands: [ScriptCommand]?
    /// No summary lines for imports and exports.
    public var quiet = false
    /// Draw an import's progress on standard error.
    public var progress = false
    let output = HeadlessOutput()

    public init(configuration: GridClientConfiguration, scriptPath: String, printEvents: Bool) {
        self.configuration = configuration
        self.scriptPath = scriptPath
        self.printEvents = printEvents
    }

    public init(configuration: GridClientConfiguration, commands: [ScriptCommand]) {
        self.init(configuration: configuration, scriptPath: "-", printEvents: false)
        self.commands = commands
    }

    /// Returns the process exit code (`TUIExitCode`).
    public func run(logger: Logger) async -> Int32 {
        let output = self.output
        let printEvents = self.printEvents
        let (updates, sink) = AsyncStream.makeStream(of: GridClientUpdate.self)
        let client = GridClient(configuration: configuration, logger: logger) { update in
            if printEvents {
                switch update {
                case .message(_, let raw): output.line(raw)
                case .status(let status): output.line(Self.statusLine(status))
                }
            }
            sink.yield(update)
        }
        let session = HeadlessSession(transport: client)
        let retry = configuration.rateLimitRetry
        let background = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                group.addTask {
                    for await update in updates { await session.apply(update) }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: retry)
                        await session.retryRateLimited()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        defer {
            sink.finish()
            background.cancel()
        }
        do {
            try await waitForLogin(session)
            for command in commands ?? [] { try await execute(command, session: session, transport: client) }
            let lines = try commands == nil ? ScriptSource.lines(path: scriptPath) : AsyncStream<String> { $0.finish() }
            var lineNumber = 0
            for await line in lines {
                lineNumber += 1
                let command: ScriptCommand?
                do {
                    command = try ScriptCommand.parse(line[...])
                } catch {
                    throw Failure(message: "line \(lineNumber): \(error.message)", exitCode: TUIExitCode.usage.rawValue)
                }
                guard let command else { continue }
                if command == .quit { break }
                try await execute(command, session: session, transport: client)
            }
            let code = await finish(session)
            await client.stop()
            return code.rawValue
        } catch let failure as Failure {
            output.error(failure.message)
            await client.stop()
            return failure.exitCode
        } catch {
            output.error("\(error)")
            await client.stop()
            return TUIExitCode.failed.rawValue
        }
    }

    private func waitForLogin(_ session: HeadlessSession) async throws {
        let deadline = ContinuousClock.now + loginTimeout
        _ = await session.wait(until: deadline) { state, _, status in
            if case .stopped = status { return true }
            return state.loggedIn
        }
        if await session.state.loggedIn { return }
        let status = await session.status
        if case .stopped(let reason) = status {
            throw Failure(message: "login refused: \(reason ?? "stopped")", exitCode: TUIExitCode.loginRefused.rawValue)
        }
        throw Failure(message: "could not log in within \(loginTimeout): \(Self.describe(status))", exitCode: TUIExitCode.loginRefused.rawValue)
    }

    /// Waits (bounded) for the server to answer every edit made. Edits never answered may be
    /// lost, and the exit code says so.
    private func finish(_ session: HeadlessSession) async -> TUIExitCode {
        _ = await session.wait(until: ContinuousClock.now + quitTimeout) { state, _, _ in state.saveState.pending == 0 }
        let pending = await session.state.saveState.pending
        guard pending == 0 else {
            output.error("quitting with \(pending) edits the server never answered (exit \(TUIExitCode.unanswered.rawValue): they may be lost)")
            return .unanswered
        }
        return .ok
    }

    private func execute(_ command: ScriptCommand, session: HeadlessSession, transport: GridClient) async throws {
        switch command {
        case .set(let cell, let value):
            await session.edit(.set, cell: cell, value: value)
        case .clear(let cell):
            await session.edit(.clear, cell: cell)
        case .paste(let cell, let rows):
            guard let origin = CellAddress(cell) else { return }
            var changes: [CellChange] = []
            for (rowOffset, row) in rows.enumerated() {
                for (columnOffset, value) in row.enumerated() {
                    guard let target = CellAddress(column: origin.column + columnOffset, row: origin.row + rowOffset) else {
                        throw Failure(message: "paste \(cell): the block runs past the grid's last column or row", exitCode: TUIExitCode.failed.rawValue)
                    }
                    changes.append(CellChange(cell: target.description, value: value.isEmpty ? nil : value))
                }
            }
            await session.multiEdit(changes, label: "paste")
        case .clearRange(let cells):
            await session.multiEdit(cells.map { CellChange(cell: $0) }, label: "clear")
        case .importFile(let request):
            try await importFile(request, session: session)
        case .exportFile(let request):
            try await exportFile(request, session: session)
        case .resolve(let cell):
            await session.edit(.resolve, cell: cell)
        case .sleep(let milliseconds):
            try await Task.sleep(for: .milliseconds(milliseconds))
        case .wait(let cell, let value, let timeout):
            let seen = await session.wait(until: .now + .milliseconds(timeout)) { state, computed, _ in Self.shows(cell, value, state, computed) }
            guard seen else {
                throw Failure(message: "wait \(cell) \(value): timed out after \(timeout) ms; \(cell) is \(await Self.describe(cell, session))", exitCode: TUIExitCode.failed.rawValue)
            }
        case .expect(let cell, let value):
            guard await Self.shows(cell, value, session.state, session.computed) else {
                throw Failure(message: "expect \(cell) \(value): \(cell) is \(await Self.describe(cell, session))", exitCode: TUIExitCode.failed.rawValue)
            }
        case .dump:
            output.line(HeadlessReport.dump(await session.state, computed: await session.computed))
        case .users:
            output.line(HeadlessReport.users(await session.state))
        case .history(let count):
            var after = Version.zero
            var remaining = count
            while remaining > 0 {
                let page = try await transport.history(after: after, limit: min(remaining, 1000))
                for entry in page.entries { output.line(HeadlessReport.json(entry)) }
                remaining -= page.entries.count
                guard page.more, let last = page.entries.last else { break }
                after = last.id
            }
        case .sync(let timeout):
            try await sync(session, transport: transport, timeout: .milliseconds(timeout))
        case .settle(let timeout):
            let durable = await session.wait(until: .now + .milliseconds(timeout)) { state, _, _ in state.saveState.isDurable }
            guard durable else {
                let save = await session.state.saveState
                let code: TUIExitCode = save.pending > 0 ? .unanswered : .notDurable
                throw Failure(message: "settle: timed out after \(timeout) ms; \(save.pending) edits unanswered, \(save.acked) not yet in MySQL", exitCode: code.rawValue)
            }
        case .echo(let text):
            output.line(text)
        case .quit:
            break
        }
    }

    /// Waits until logged in, every own edit is answered, and the model has caught up with the
    /// newest log entry as of now. Survives reconnects: it tries again until the deadline.
    private func sync(_ session: HeadlessSession, transport: GridClient, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError = "timed out"
        while ContinuousClock.now < deadline {
            let ready = await session.wait(until: deadline) { state, _, _ in state.loggedIn && state.saveState.pending == 0 }
            guard ready else { break }
            do {
                let newest = try await transport.history(limit: 1).entries.last?.id ?? .zero
                let caughtUp = await session.wait(until: deadline) { state, _, _ in !state.loggedIn || state.model.version >= newest }
                if caughtUp, await session.state.loggedIn { return }
            } catch let error as ProtocolError {
                lastError = error.description
                // Lost or refused while asking: give the connection a moment before asking again.
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        let save = await session.state.saveState
        throw Failure(message: "sync: not in step after \(timeout) (\(lastError); \(save.pending) edits unanswered)", exitCode: TUIExitCode.failed.rawValue)
    }

    /// Whether the cell holds `value` as committed, or, for a formula, computes it.
    static func shows(_ cell: String, _ value: String, _ state: ClientState, _ computed: ComputedGrid) -> Bool {
        let raw = state.model.value(at: cell)
        if raw == value { return true }
        guard raw?.hasPrefix("=") == true, let address = CellAddress(cell) else { return false }
        return computed.displayText(address) == value
    }

    static func describe(_ cell: String, _ session: HeadlessSession) async -> String {
        let raw = await session.state.model.value(at: cell)
        guard raw?.hasPrefix("=") == true, let address = CellAddress(cell) else { return quoted(raw) }
        return "\(quoted(raw)) showing \(quoted(await session.computed.displayText(address)))"
    }

    static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "empty"
    }

    static func describe(_ status: ConnectionStatus) -> String {
        switch status {
        case .connecting(let server): "connecting to \(server)"
        case .connected(let server): "connected to \(server)"
        case .waiting(let server, _, let reason): "\(reason); next try \(server)"
        case .stopped(let reason): reason ?? "stopped"
        }
    }

    static func statusLine(_ status: ConnectionStatus) -> String {
        var fields: [String: String] = ["type": "status"]
        switch status {
        case .connecting(let server):
            fields["state"] = "connecting"
            fields["server"] = server
        case .connected(let server):
            fields["state"] = "connected"
            fields["server"] = server
        case .waiting(let server, let retryAt, let reason):
            fields["state"] = "waiting"
            fields["server"] = server
            fields["retryAt"] = String(retryAt)
            fields["reason"] = reason
        case .stopped(let reason):
            fields["state"] = "stopped"
            fields["reason"] = reason
        }
        return HeadlessReport.json(fields)
    }
}
