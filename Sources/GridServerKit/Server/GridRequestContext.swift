import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every route, keeping the connection's channel: a session writes its
/// frames to the channel itself (see `OutboxChannelWriter`), not one at a time through the
/// library's writer.
public struct GridRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}
