import Foundation
import Shared
import Logging
import NIOCore
import NIOSSL
import WSClient

/// The client core's transport: logs in to one of the configured servers, turns frames into
/// messages and passes each on, in order, with every change of connection status. After any
/// failure it moves to the next server with backoff and logs in again. It keeps no grid state:
/// whoever drives it owns a `ClientState`, feeds it the messages, and gives back the frames to
/// send (resends after a welcome included). Used by the TUI and by headless scripted clients.
public actor GridClient {
    public typealias Observer = @Sendable (GridClientUpdate) -> Void

    public nonisolated let configuration: GridClientConfiguration
    public private(set) var status: ConnectionStatus
    private let logger: Logger
    private let observer: Observer
    private let codec = WireCodec()
    private var outbox: AsyncStream<String>.Continuation?
    /// A welcome arrived on the current connection: frames may go out.
    private var loggedIn = false
    /// A session-ending error received on the current connection, which explains its end.
    private var fatalError: ServerMessage.ErrorFrame?
    private var stopped = false
    private var historyWaiters: [String: CheckedContinuation<ServerMessage.HistoryPage, any Error>] = [:]
    private var nextRequest = 1

    /// `observer` gets every update in order, on this actor; it must not block.
    public init(configuration: GridClientConfiguration, logger: Logger, observer: @escaping Observer) {
        precondition(!configuration.servers.isEmpty, "at least one server URL is required")
        self.configuration = configuration
        self.logger = logger
        self.observer = observer
        self.status = .connecting(server: configuration.servers[0])
    }

    /// Runs until `stop()` or a refusal that retrying cannot fix.
    public func run() async {
        var index = 0
        var backoff = configuration.initialBackoff
        while !stopped && !Task.isCancelled {
            let server = configuration.servers[index % configuration.servers.count]
            setStatus(.connecting(server: server))
            fatalError = nil
            var reason = "connection to \(server) closed"
            do {
                let close = try await WebSocketClient.connect(
                    url: server, configuration: .init(maxFrameSize: 1 << 16), tlsConfiguration: try tlsConfiguration(for: server), logger: logger
                ) { inbound, outbound, _ in
                    try await self.converse(server: server, inbound: inbound, outbound: outbound)
                }
                if let close { reason = "\(server) closed the connection (\(close.closeCode))" }
            } catch {
                reason = "cannot reach \(server): \(Self.explain(error, server: server, loggedIn: loggedIn))"
            }
            let wasLoggedIn = loggedIn
            loggedIn = false
            failHistoryWaiters()
            if let fatal = fatalError, Self.isPermanent(fatal.code) {
                setStatus(.stopped(reason: "\(fatal.code): \(fatal.message)"))
                return
            }
            if let fatal = fatalError { reason = "\(fatal.code): \(fatal.message)" }
            if stopped { break }
            if wasLoggedIn { backoff = configuration.initialBackoff }
            index += 1
            let next = configuration.servers[index % configuration.servers.count]
            let retryAt = WallClock.nowMilliseconds() + Int64(backoff.components.seconds * 1000 + backoff.components.attoseconds / 1_000_000_000_000_000)
            setStatus(.waiting(server: next, retryAt: retryAt, reason: reason))
            logger.info("connection lost; retrying", metadata: ["reason": "\(reason)", "next": "\(next)"])
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, configuration.maxBackoff)
        }
        setStatus(.stopped(reason: nil))
    }

    public func stop() {
        stopped = true
        outbox?.finish()
    }

    /// Sends frames in order once logged in. Before the welcome (or while offline) edits are
    /// dropped here: their owner sends them again from its `ClientState` after the welcome.
    public func send(_ messages: [ClientMessage]) {
        guard loggedIn, let outbox else { return }
        for message in messages { outbox.yield(codec.encode(message)) }
    }

    public func send(_ message: ClientMessage) {
        send([message])
    }

    /// Asks for one page of history and waits for it.
    public func history(before: Version? = nil, after: Version? = nil, limit: Int) async throws -> ServerMessage.HistoryPage {
        guard loggedIn, let outbox else { throw ProtocolError(.historyUnavailable, "not connected; history loads once the client is logged in") }
        let id = "h\(nextRequest)"
        nextRequest += 1
        return try await withCheckedThrowingContinuation { continuation in
            historyWaiters[id] = continuation
            outbox.yield(codec.encode(ClientMessage.history(.init(id: id, before: before, after: after, limit: limit))))
        }
    }

    private func converse(server: String, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (frames, continuation) = AsyncStream<String>.makeStream()
        outbox = continuation
        defer {
            continuation.finish()
            outbox = nil
        }
        let hello = ClientMessage.Hello(user: configuration.user, grid: configuration.grid, token: configuration.token, client: configuration.clientName)
        continuation.yield(codec.encode(ClientMessage.hello(hello)))
        let pingInterval = configuration.pingInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in frames { try await outbound.writeTextMessage(frame) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: pingInterval)
                    await self.ping()
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: self.configuration.maxMessageSize) {
                    guard case .text(let text) = message else { continue }
                    await self.handle(text, server: server)
                }
            }
            _ = try await group.next()
            group.cancelAll()
        }
    }

    private func ping() {
        guard loggedIn else { return }
        outbox?.yield(codec.encode(ClientMessage.ping(.init(t: WallClock.nowMilliseconds()))))
    }

    private func handle(_ text: String, server: String) {
        let message: ServerMessage
        do {
            message = try codec.decodeServerMessage(text)
        } catch {
            logger.warning("undecodable server frame", metadata: ["error": "\(error)"])
            return
        }
        switch message {
        case .welcome:
            loggedIn = true
            setStatus(.connected(server: server))
        case .history(let page):
            if let id = page.id, let waiter = historyWaiters.removeValue(forKey: id) { waiter.resume(returning: page) }
        case .error(let error):
            if let request = error.request, let waiter = historyWaiters.removeValue(forKey: request) {
                waiter.resume(throwing: ProtocolError(error.code, error.message))
            }
            if error.fatal {
                fatalError = error
                outbox?.finish()
            }
        default:
            break
        }
        observer(.message(message, raw: text))
    }

    private func failHistoryWaiters() {
        let waiters = historyWaiters
        historyWaiters = [:]
        for waiter in waiters.values {
            waiter.resume(throwing: ProtocolError(.historyUnavailable, "the connection was lost while loading history; try again"))
        }
    }

    private func setStatus(_ newStatus: ConnectionStatus) {
        status = newStatus
        observer(.status(newStatus))
    }

    /// TLS settings for a wss:// server: the configured CA file, or the system's trust store.
    private func tlsConfiguration(for server: String) throws -> TLSConfiguration? {
        guard server.hasPrefix("wss://") else { return nil }
        if let problem = Self.tlsAddressProblem(server) { throw ProtocolError(.badField, problem) }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile { tls.trustRoots = .file(caFile) }
        return tls
    }

    /// Why a wss:// URL cannot work, or nil. The WebSocket library sends the URL's host as TLS
    /// server name (SNI), which may not be an IP address, so a certificate is matched by name only.
    public static func tlsAddressProblem(_ server: String) -> String? {
        guard server.hasPrefix("wss://") else { return nil }
        let authority = server.dropFirst("wss://".count).prefix { $0 != "/" }
        let host: Substring = authority.hasPrefix("[") ? authority : authority.prefix { $0 != ":" }
        let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
        guard isIPv4 || host.hasPrefix("[") else { return nil }
        return "wss:// needs the server's host name, not the IP address \(host): use the name in its certificate (e.g. wss://localhost:PORT/ws, or add the name to /etc/hosts)"
    }

    /// Connection failures in words a person can act on. The most common: plain ws:// to a
    /// server that speaks TLS (the upgrade fails), and a certificate not trusted.
    static func explain(_ error: any Error, server: String, loggedIn: Bool) -> String {
        if let error = error as? ProtocolError { return error.message }
        if "\(error)".contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED); pass --ca with the CA file that signed it"
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return "TLS failed (\(error)); check the server's certificate and name, or pass --ca with the CA that signed it"
        }
        // A TLS port refuses a plain upgrade (grid-server answers 400, others hang up); a server
        // that is down or unknown fails earlier, and then the hint would mislead.
        let text = "\(error)"
        let unreached = ["refused", "resolve", "timed out", "timeout", "unreachable", "no route"].contains { text.lowercased().contains($0) }
        if server.hasPrefix("ws://") && !loggedIn && !unreached {
            return "\(text) (if the server uses TLS, connect with wss:// instead of ws://)"
        }
        return "\(error)"
    }

    /// Refusals that a retry on any server cannot fix.
    private static func isPermanent(_ code: ErrorCode) -> Bool {
        [.unsupportedProtocol, .upgradeRequired, .badName].contains(code) || code.isAuthentication
    }
}

public enum GridClientUpdate: Sendable {
    case message(ServerMessage, raw: String)
    case status(ConnectionStatus)
}
