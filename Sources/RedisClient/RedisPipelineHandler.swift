import NIOCore

/// Speaks RESP on a NIO channel: every request is written at once, replies are matched to
/// requests in order, so any number of callers share one connection without waiting for each
/// other (Redis answers in order on a connection).
final class RedisPipelineHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Request
    typealias OutboundOut = ByteBuffer

    /// Commands sent together, answered together; already in RESP, so the caller's thread
    /// encodes and the event loop only writes.
    struct Request {
        let payload: ByteBuffer
        let count: Int
        let promise: EventLoopPromise<[RedisValue]>
    }

    private struct Pending {
        let expected: Int
        var replies: [RedisValue]
        let promise: EventLoopPromise<[RedisValue]>
    }

    private let target: String
    private let liveness: RedisLiveness
    private let reader = RESPReader()
    private var pending = CircularBuffer<Pending>()

    init(target: String, liveness: RedisLiveness) {
        self.target = target
        self.liveness = liveness
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = self.unwrapOutboundIn(data)
        guard request.count > 0 else {
            request.promise.succeed([])
            promise?.succeed()
            return
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(request.count)
        self.pending.append(Pending(expected: request.count, replies: replies, promise: request.promise))
        context.write(self.wrapOutboundOut(request.payload), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Any bytes from Redis show it is alive, however slow this connection's reply is.
        self.liveness.noteReply()
        do {
            try self.reader.feed(self.unwrapInboundIn(data))
            while let reply = try self.reader.next() {
                guard !self.pending.isEmpty else {
                    throw RedisError(code: .protocolError, message: "\(self.target) sent a reply nobody asked for")
                }
                self.pending[self.pending.startIndex].replies.append(reply)
                if self.pending[self.pending.startIndex].replies.count == self.pending[self.pending.startIndex].expected {
                    let done = self.pending.removeFirst()
                    done.promise.succeed(done.replies)
                }
            }
        } catch {
            self.failAll(error)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.failAll(RedisError(code: .connectionLost, message: "connection to \(self.target) failed: \(error)"))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.failAll(RedisError(code: .connectionLost, message: "\(self.target) closed the connection"))
        context.fireChannelInactive()
    }

    private func failAll(_ error: any Error) {
        while let request = self.pending.popFirst() {
            request.promise.fail(error)
        }
    }
}
