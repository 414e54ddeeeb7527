import HummingbirdCore
import Logging
import NIOCore

/// Wraps the TLS child channel so that a plain-text request on the TLS port gets a readable
/// HTTP 400 ("this port speaks TLS") instead of a silent close. A silent close also leaves some
/// WebSocket clients waiting forever for the upgrade answer; a 400 makes them fail at once.
struct PlainRequestGuardChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base

    init(_ base: Base) {
        self.base = base
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(PlainRequestGuardHandler(), position: .first)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// Looks at the first byte of a connection: a TLS handshake starts with 0x16, an HTTP request
/// with an upper-case method name. The handler leaves the pipeline after that first look.
final class PlainRequestGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let body = "This port speaks TLS: connect with wss:// (WebSocket) or https:// (/healthz).\n"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) {
            let response = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: \(Self.body.utf8.count)\r\n\r\n\(Self.body)"
            // The flush writes at once on an open socket, so the answer leaves before the close.
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response)), promise: nil)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
