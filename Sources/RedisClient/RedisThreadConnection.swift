/// One blocking Redis connection for a thread of the caller's own, outside Swift Concurrency
/// and the event loops: it keeps working when both are saturated (a server's heartbeat during a
/// storm of logins). Connects on first use and again after a failure. Not thread-safe: one
/// thread owns it.
public final class RedisThreadConnection {
    private let configuration: RedisConfiguration
    private var handle: RedisConnectionHandle?

    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
    }

    /// Runs one command, blocking for at most the configuration's timeouts. An error reply
    /// throws `.serverError`; a broken connection is dropped and replaced on the next call.
    @discardableResult
    public func command(_ args: [String]) throws -> RedisValue {
        let handle = try self.handle ?? RedisConnectionHandle.connect(configuration: configuration, id: 0)
        self.handle = handle
        do {
            let reply = try handle.execute(args.map { Array($0.utf8) })
            if case .error(let text) = reply { throw RedisError(code: .serverError, message: text) }
            return reply
        } catch let error as RedisError where error.isConnectionError || error.code == .protocolError {
            handle.close()
            self.handle = nil
            throw error
        }
    }

    public func close() {
        handle?.close()
        handle = nil
    }
}
