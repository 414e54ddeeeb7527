import Foundation
import HummingbirdWSClient
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// A WebSocket client that sends exactly the frames a test gives it (broken JSON, binary,
/// invalid UTF-8, over-size) and records every text message the server sends back. It plays
/// the hostile client; the reference client would never send such frames.
final class RawWebSocketClient: Sendable {
    private let writer: WebSocketOutboundWriter
    private let state: State
    private let task: Task<Void, Never>

    private final class State: Sendable {
        let received = NIOLockedValueBox<[String]>([])
        /// How the connection ended: the server's close code, or nil while it is open.
        let ending = NIOLockedValueBox<Ending?>(nil)
    }

    enum Ending: Sendable, Equatable {
        case closed(WebSocketErrorCode?)
        case failed(String)
    }

    /// The one place a raw client's `hello` is written, so that a token can be added here.
    static func helloFrame(user: String, grid: String, features: String = #","features":["multi"]"#) -> String {
        let token = TestTokens.make(user: user, grid: grid)
        return #"{"type":"hello","protocol":1,"user":"\#(user)","grid":"\#(grid)","token":"\#(token)","client":"hostile-test"\#(features)}"#
    }

    private init(writer: WebSocketOutboundWriter, state: State, task: Task<Void, Never>) {
        self.writer = writer
        self.state = state
        self.task = task
    }

    static func connect(_ url: String) async throws -> RawWebSocketClient {
        let state = State()
        let (writers, continuation) = AsyncStream<WebSocketOutboundWriter>.makeStream()
        let task = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: url, configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "raw-client")
                ) { inbound, outbound, _ in
                    continuation.yield(outbound)
                    for try await message in inbound.messages(maxSize: 1 << 26) {
                        if case .text(let text) = message { state.received.withLockedValue { $0.append(text) } }
                    }
                }
                state.ending.withLockedValue { $0 = .closed(close?.closeCode) }
            } catch {
                state.ending.withLockedValue { $0 = .failed("\(error)") }
            }
            continuation.finish()
        }
        var iterator = writers.makeAsyncIterator()
        guard let writer = await iterator.next() else {
            throw HarnessError(message: "raw client could not connect to \(url): \(String(describing: state.ending.withLockedValue { $0 }))")
        }
        return RawWebSocketClient(writer: writer, state: state, task: task)
    }

    func send(_ text: String) async throws {
        try await writer.write(.text(text))
    }

    /// A text frame whose payload is exactly `bytes`, valid UTF-8 or not.
    func sendText(bytes: [UInt8]) async throws {
        try await writer.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: bytes))))
    }

    /// One message split into frames as given: the first a text frame, the rest continuations.
    func sendFragments(_ fragments: [[UInt8]], startsMessage: Bool = true) async throws {
        for (index, fragment) in fragments.enumerated() {
            let opcode: WebSocketOpcode = index == 0 && startsMessage ? .text : .continuation
            let frame = WebSocketFrame(fin: index == fragments.count - 1, opcode: opcode, data: ByteBuffer(bytes: fragment))
            try await writer.write(.custom(frame))
        }
    }

    func sendBinary(_ bytes: [UInt8]) async throws {
        try await writer.write(.binary(ByteBuffer(bytes: bytes)))
    }

    func close() async {
        try? await writer.close(.normalClosure, reason: nil)
        await task.value
    }

    var ending: Ending? { state.ending.withLockedValue { $0 } }

    /// Every message received, parsed.
    var messages: [[String: Any]] {
        state.received.withLockedValue { $0 }.compactMap { text in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        }
    }

    func messages(ofType type: String) -> [[String: Any]] {
        messages.filter { $0["type"] as? String == type }
    }

    var errorCodes: [String] { messages(ofType: "error").compactMap { $0["code"] as? String } }

    func waitFor(_ what: String, timeout: Duration = .seconds(60), _ condition: @escaping @Sendable ([[String: Any]]) -> Bool) async throws {
        let seen = try await SystemHarness.eventually(timeout: timeout) { condition(self.messages) }
        if !seen {
            throw HarnessError(message: "raw client never saw \(what); ending \(String(describing: ending)); last: \(state.received.withLockedValue { $0.suffix(5) })")
        }
    }

    /// Logs in and waits for `welcome`.
    func logIn(user: String, grid: String) async throws {
        try await send(Self.helloFrame(user: user, grid: grid))
        try await waitFor("welcome") { $0.contains { $0["type"] as? String == "welcome" } }
    }

    /// Sends a ping and waits for its pong: proof the session is alive and has answered every
    /// frame sent before (the server answers a connection's frames in order).
    func roundTrip(_ t: Int) async throws {
        try await send(#"{"type":"ping","t":\#(t)}"#)
        try await waitFor("pong \(t)") { $0.contains { $0["type"] as? String == "pong" && ($0["t"] as? Int) == t } }
    }
}
