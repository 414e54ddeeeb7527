import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// The load generator's WebSocket connection (ws:// only): each message is handed to `onMessage`
/// on the event loop as it completes, with no task, stream or string per frame in between. The
/// generator shares its machine with the servers it measures, so every cycle it spends is one
/// the servers do not get.
final class BenchConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Connects and upgrades. `onMessage` gets every text message and returns false to stop
    /// reading (a stalled client); `onClose` is called once, when the connection ends.
    static func connect(
        url: String, maxMessageBytes: Int, onMessage: @escaping @Sendable (ByteBuffer) -> Bool, onClose: @escaping @Sendable () -> Void
    ) async throws -> BenchConnection {
        let (host, port, path) = try parse(url)
        let upgrader = NIOTypedWebSocketClientUpgrader<Bool>(
            maxFrameSize: 1 << 16,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        BenchFrameHandler(maxMessageBytes: maxMessageBytes, onMessage: onMessage, onClose: onClose)
                    )
                    return true
                }
            }
        )
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(port)")
        let configuration = NIOTypedHTTPClientUpgradeConfiguration(
            upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers),
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(false) }
        )
        let upgrade = LockedBox<EventLoopFuture<Bool>?>(nil)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgraded = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: .init(upgradeConfiguration: configuration)
                    )
                    upgrade.withLock { $0 = upgraded }
                }
            }
            .connect(host: host, port: port).get()
        guard let upgraded = upgrade.withLock({ $0 }), try await upgraded.get() else {
            channel.close(promise: nil)
            throw BenchError("\(url) did not accept the WebSocket upgrade")
        }
        return BenchConnection(channel: channel)
    }

    /// Sends one text message, masked as a client must.
    func send(_ text: String) {
        let frame = WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: ByteBuffer(string: text))
        channel.writeAndFlush(frame, promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }

    private static func parse(_ url: String) throws -> (host: String, port: Int, path: String) {
        guard url.hasPrefix("ws://") else { throw BenchError("grid-bench speaks ws:// only: \(url)") }
        let rest = url.dropFirst("ws://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        let parts = authority.split(separator: ":", maxSplits: 1)
        guard let host = parts.first.map(String.init), !host.isEmpty else { throw BenchError("no host in \(url)") }
        let port = parts.count == 2 ? Int(parts[1]) : 80
        guard let port else { throw BenchError("bad port in \(url)") }
        return (host, port, path.isEmpty ? "/" : String(path))
    }
}

/// Reassembles messages from frames on the event loop and answers pings.
private final class BenchFrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let maxMessageBytes: Int
    private let onMessage: @Sendable (ByteBuffer) -> Bool
    private let onClose: @Sendable () -> Void
    private var message: ByteBuffer?

    init(maxMessageBytes: Int, onMessage: @escaping @Sendable (ByteBuffer) -> Bool, onClose: @escaping @Sendable () -> Void) {
        self.maxMessageBytes = maxMessageBytes
        self.onMessage = onMessage
        self.onClose = onClose
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            if frame.fin { deliver(frame.unmaskedData, context: context) } else { message = frame.unmaskedData }
        case .continuation:
            guard var partial = message else { return }
            var piece = frame.unmaskedData
            partial.writeBuffer(&piece)
            guard partial.readableBytes <= maxMessageBytes else {
                context.close(promise: nil)
                return
            }
            if frame.fin {
                message = nil
                deliver(partial, context: context)
            } else {
                message = partial
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    /// Holding back reads fills NIO's buffer, then the socket's: the server sees a client that
    /// stopped reading.
    private func deliver(_ message: ByteBuffer, context: ChannelHandlerContext) {
        if !onMessage(message) { context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
    }

    func channelInactive(context: ChannelHandlerContext) {
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
