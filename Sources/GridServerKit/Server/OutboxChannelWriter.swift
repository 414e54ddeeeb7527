import NIOCore
import NIOWebSocket
import Synchronization

/// Writes a session's outbox to its WebSocket channel on the channel's event loop: everything
/// queued when it runs goes out as text frames with one flush, so a burst of events costs one
/// event-loop task and one `writev` per connection rather than one per frame. The encoded
/// messages are the hub's shared buffers; only the small frame headers are per connection.
final class OutboxChannelWriter: Sendable {
    /// Clients refuse single frames over 64 KiB (as the server refuses them inbound by default),
    /// so larger messages (a big welcome) go out as continuation frames.
    static let maxFrameBytes = 1 << 16

    private let channel: any Channel
    /// Completes when everything handed to the channel so far is written; read at close.
    private let lastWrite = Mutex<EventLoopFuture<Void>?>(nil)

    init(channel: any Channel) {
        self.channel = channel
    }

    /// The outbox has frames: take them on the event loop. Called once per burst.
    func schedule(_ outbox: SessionOutbox) {
        channel.eventLoop.execute { self.drain(outbox) }
    }

    /// Writes what is still queued and waits until the socket has taken everything, for at most
    /// `grace` (a client that stopped reading must not hold the connection open).
    func flush(_ outbox: SessionOutbox, within grace: Duration) async {
        let done = channel.eventLoop.makePromise(of: Void.self)
        channel.eventLoop.execute {
            self.drain(outbox)
            let timeout = self.channel.eventLoop.scheduleTask(in: TimeAmount(grace)) { done.succeed() }
            let written = self.lastWrite.withLock { $0 } ?? self.channel.eventLoop.makeSucceededVoidFuture()
            written.whenComplete { _ in
                timeout.cancel()
                done.succeed()
            }
        }
        try? await done.futureResult.get()
    }

    private func drain(_ outbox: SessionOutbox) {
        let frames = outbox.take()
        guard !frames.isEmpty else { return }
        var counted = 0
        let written = channel.eventLoop.makePromise(of: Void.self)
        for (index, frame) in frames.enumerated() {
            counted += frame.counted
            write(frame.bytes, promise: index == frames.count - 1 ? written : nil)
        }
        channel.flush()
        written.futureResult.whenComplete { _ in outbox.written(frames: frames.count, bytes: counted) }
        lastWrite.withLock { $0 = written.futureResult }
    }

    /// One message as one frame, or as 64 KiB continuation frames when larger. `promise`
    /// completes when the message's last frame is written.
    private func write(_ message: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard message.readableBytes > Self.maxFrameBytes else {
            channel.write(WebSocketFrame(fin: true, opcode: .text, data: message), promise: promise)
            return
        }
        var rest = message
        var opcode = WebSocketOpcode.text
        while let slice = rest.readSlice(length: min(Self.maxFrameBytes, rest.readableBytes)), slice.readableBytes > 0 {
            let last = rest.readableBytes == 0
            channel.write(WebSocketFrame(fin: last, opcode: opcode, data: slice), promise: last ? promise : nil)
            opcode = .continuation
        }
    }
}
