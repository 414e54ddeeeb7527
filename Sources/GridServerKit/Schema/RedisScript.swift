import NIOCore
import RedisClient
import Synchronization

/// A Lua script run with EVALSHA, loaded on first use and loaded again after Redis forgets it
/// (a restart empties the script cache). This is the one place that recovers from `NOSCRIPT`.
/// Keys and arguments always travel as separate arguments.
public final class RedisScript: Sendable {
    public let source: String
    private let sha = Mutex<String?>(nil)

    public init(_ source: String) { self.source = source }

    /// Whether the digest is known, so that `issue` sends the call at once.
    var isLoaded: Bool { sha.withLock { $0 != nil } }

    /// Loads the script now, so that the first calls need not wait for it.
    public func preload(_ redis: RedisClient) async throws {
        _ = try await loadedSHA(redis, reload: false)
    }

    public func run(_ redis: RedisClient, keys: [String], args: [String]) async throws -> RedisValue {
        try await self.run(redis, keys: keys, args: args) { try await redis.command($0) }
    }

    /// The same on the calling event loop's multiplexed connection (`RedisClient.multiplexed`):
    /// concurrent calls are pipelined, and the reply comes back without a thread switch.
    func runMultiplexed(_ redis: RedisClient, keys: [String], args: [String]) async throws -> RedisValue {
        try await self.run(redis, keys: keys, args: args) { command in
            let reply = try await redis.multiplexed([command])[0]
            if case .error(let text) = reply { throw RedisError(code: .serverError, message: text) }
            return reply
        }
    }

    /// Runs the script with `after` in the same write: one round trip for both, and Redis runs
    /// `after` right behind the script. If Redis had forgotten the script, `after` ran alone;
    /// the script is loaded and both run again, in order.
    func run(_ redis: RedisClient, keys: [String], args: [String], followedBy after: [String]) async throws -> RedisValue {
        if let known = sha.withLock({ $0 }) {
            let replies = try await redis.multiplexed([["EVALSHA", known, String(keys.count)] + keys + args, after])
            if case .error(let text) = replies[1] { throw RedisError(code: .serverError, message: text) }
            guard case .error(let text) = replies[0] else { return replies[0] }
            guard Self.isNoScript(text) else { throw RedisError(code: .serverError, message: text) }
        }
        let reply = try await run(redis, keys: keys, args: args)
        _ = try await redis.command(after)
        return reply
    }

    /// Writes the call on `connection` now, without waiting for the reply, so calls issued one
    /// after another there run in that order. Pass the reply to `settle`.
    func issue(_ redis: RedisClient, keys: [String], args: [String], on connection: RedisEventLoopConnection) -> EventLoopFuture<RedisValue> {
        guard let known = sha.withLock({ $0 }) else {
            // Only if the script could not be loaded at start-up (Redis was down): load it, then
            // send. Calls issued meanwhile may run in another order; each is still atomic.
            return connection.eventLoop.makeFutureWithTask {
                let reply = try await self.runMultiplexed(redis, keys: keys, args: args)
                if let key = keys.first { try await redis.waitForReplicas(forKey: key) }
                return reply
            }
        }
        return connection.send(
            [["EVALSHA", known, String(keys.count)] + keys + args], timeout: redis.configuration.commandTimeout,
            waitForReplicas: redis.configuration.waitReplicas
        ).map { $0[0] }
    }

    /// The reply of an issued call; runs it again (loading the script) if Redis had forgotten it.
    func settle(_ reply: EventLoopFuture<RedisValue>, _ redis: RedisClient, keys: [String], args: [String]) async throws -> RedisValue {
        let value = try await reply.get()
        if case .error(let text) = value {
            // On a cluster, a call sent to a node that no longer serves the slot did not run:
            // the routed path follows the redirection.
            guard Self.isNoScript(text) || RedisClient.isRedirection(text) else { throw RedisError(code: .serverError, message: text) }
            let again = try await runMultiplexed(redis, keys: keys, args: args)
            // The call ran again outside the issued connection's WAIT.
            if let key = keys.first { try await redis.waitForReplicas(forKey: key) }
            return again
        }
        return value
    }

    private func run(
        _ redis: RedisClient, keys: [String], args: [String], send: (_ command: [String]) async throws -> RedisValue
    ) async throws -> RedisValue {
        let loaded = try await loadedSHA(redis, reload: false)
        do {
            return try await send(["EVALSHA", loaded, String(keys.count)] + keys + args)
        } catch let error as RedisError where error.code == .serverError && Self.isNoScript(error.message) {
            let reloaded = try await loadedSHA(redis, reload: true)
            return try await send(["EVALSHA", reloaded, String(keys.count)] + keys + args)
        }
    }

    private static func isNoScript(_ message: String) -> Bool { message.hasPrefix("NOSCRIPT") }

    private func loadedSHA(_ redis: RedisClient, reload: Bool) async throws -> String {
        if !reload, let known = sha.withLock({ $0 }) { return known }
        guard let loaded = try await redis.command(["SCRIPT", "LOAD", source]).string else {
            throw RedisError(code: .protocolError, message: "SCRIPT LOAD returned no digest")
        }
        sha.withLock { $0 = loaded }
        return loaded
    }
}
