import Foundation
import Logging
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
    private let output = HeadlessOutput()

    public init(configuration: GridClientConfiguration, scriptPath: String, printEvents: Bool) {
        self.configuration = configuration
        self.scriptPath = scriptPath
        self.printEvents = printEvents
    }

    /// Returns the process exit code.
    public func run(logger: Logger) async -> Int32 {
        let output = self.output
        let printEvents = self.printEvents
        let client = GridClient(configuration: configuration, logger: logger) { update in
            guard printEvents else { return }
            switch update {
            case .message(_, let raw): output.line(raw)
            case .status(let status): output.line(Self.statusLine(status))
            }
        }
        let connection = Task { await client.run() }
        defer { connection.cancel() }
        do {
            try await waitForLogin(client)
            var lineNumber = 0
            for await line in try ScriptSource.lines(path: scriptPath) {
                lineNumber += 1
                let command: ScriptCommand?
                do {
                    command = try ScriptCommand.parse(line[...])
                } catch {
                    throw Failure(message: "line \(lineNumber): \(error.message)", exitCode: 2)
                }
                guard let command else { continue }
                if command == .quit { break }
                try await execute(command, on: client)
            }
            await finish(client)
            return 0
        } catch let failure as Failure {
            output.error(failure.message)
            await client.stop()
            return failure.exitCode
        } catch {
            output.error("\(error)")
            await client.stop()
            return 1
        }
    }

    private func waitForLogin(_ client: GridClient) async throws {
        let deadline = ContinuousClock.now + loginTimeout
        while ContinuousClock.now < deadline {
            if await client.state.loggedIn { return }
            if case .stopped(let reason) = await client.status {
                throw Failure(message: "login refused: \(reason ?? "stopped")", exitCode: 1)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let status = await client.status
        throw Failure(message: "could not log in within \(loginTimeout): \(Self.describe(status))", exitCode: 1)
    }

    /// Waits (bounded) for the server to answer every edit made, then disconnects.
    private func finish(_ client: GridClient) async {
        let deadline = ContinuousClock.now + quitTimeout
        while ContinuousClock.now < deadline, await client.state.saveState.pending > 0 {
            try? await Task.sleep(for: .milliseconds(5))
        }
        let pending = await client.state.saveState.pending
        if pending > 0 { output.error("quitting with \(pending) edits the server never answered") }
        await client.stop()
    }

    private func execute(_ command: ScriptCommand, on client: GridClient) async throws {
        switch command {
        case .set(let cell, let value):
            await client.set(cell, value)
        case .clear(let cell):
            await client.clear(cell)
        case .resolve(let cell):
            await client.resolve(cell)
        case .sleep(let milliseconds):
            try await Task.sleep(for: .milliseconds(milliseconds))
        case .wait(let cell, let value, let timeout):
            let deadline = ContinuousClock.now + .milliseconds(timeout)
            while await client.state.model.value(at: cell) != value {
                guard ContinuousClock.now < deadline else {
                    let seen = await client.state.model.value(at: cell)
                    throw Failure(message: "wait \(cell) \(value): timed out after \(timeout) ms; \(cell) is \(Self.quoted(seen))", exitCode: 1)
                }
                try await Task.sleep(for: .milliseconds(2))
            }
        case .expect(let cell, let value):
            let seen = await client.state.model.value(at: cell)
            guard seen == value else {
                throw Failure(message: "expect \(cell) \(value): \(cell) is \(Self.quoted(seen))", exitCode: 1)
            }
        case .dump:
            output.line(HeadlessReport.dump(await client.state))
        case .users:
            output.line(HeadlessReport.users(await client.state))
        case .history(let count):
            var after = Version.zero
            var remaining = count
            while remaining > 0 {
                let page = try await client.history(after: after, limit: min(remaining, 1000))
                for entry in page.entries { output.line(HeadlessReport.json(entry)) }
                remaining -= page.entries.count
                guard page.more, let last = page.entries.last else { break }
                after = last.id
            }
        case .sync(let timeout):
            try await sync(client, timeout: .milliseconds(timeout))
        case .settle(let timeout):
            let deadline = ContinuousClock.now + .milliseconds(timeout)
            while await !client.state.saveState.isDurable {
                guard ContinuousClock.now < deadline else {
                    let save = await client.state.saveState
                    throw Failure(message: "settle: timed out after \(timeout) ms; \(save.pending) edits unanswered, \(save.acked) not yet in MySQL", exitCode: 1)
                }
                try await Task.sleep(for: .milliseconds(5))
            }
        case .echo(let text):
            output.line(text)
        case .quit:
            break
        }
    }

    /// Waits until logged in, every own edit is answered, and the model has caught up with the
    /// newest log entry as of now. Survives reconnects: it retries until the deadline.
    private func sync(_ client: GridClient, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError = "timed out"
        while ContinuousClock.now < deadline {
            if await client.state.loggedIn, await client.state.saveState.pending == 0 {
                do {
                    let newest = try await client.history(limit: 1).entries.last?.id ?? .zero
                    while ContinuousClock.now < deadline, await client.state.loggedIn {
                        if await client.state.model.version >= newest { return }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                } catch let error as ProtocolError {
                    lastError = error.description
                }
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let save = await client.state.saveState
        throw Failure(message: "sync: not in step after \(timeout) (\(lastError); \(save.pending) edits unanswered)", exitCode: 1)
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
