import RedisClient
import Synchronization

/// A Lua script run with EVALSHA, loaded on first use and loaded again after Redis forgets it
/// (a restart empties the script cache). Keys and arguments always travel as separate arguments.
public final class RedisScript: Sendable {
    public let source: String
    private let sha = Mutex<String?>(nil)

    public init(_ source: String) { self.source = source }

    public func run(_ redis: RedisClient, keys: [String], args: [String]) async throws -> RedisValue {
        let loaded = try await loadedSHA(redis, reload: false)
        do {
            return try await redis.command(["EVALSHA", loaded, String(keys.count)] + keys + args)
        } catch let error as RedisError where error.code == .serverError && error.message.hasPrefix("NOSCRIPT") {
            let reloaded = try await loadedSHA(redis, reload: true)
            return try await redis.command(["EVALSHA", reloaded, String(keys.count)] + keys + args)
        }
    }

    /// The same, through a batcher that pipelines concurrent calls.
    func run(_ batcher: CommandBatcher, _ redis: RedisClient, keys: [String], args: [String]) async throws -> RedisValue {
        let loaded = try await loadedSHA(redis, reload: false)
        do {
            return try await batcher.run(["EVALSHA", loaded, String(keys.count)] + keys + args)
        } catch let error as RedisError where error.code == .serverError && error.message.hasPrefix("NOSCRIPT") {
            let reloaded = try await loadedSHA(redis, reload: true)
            return try await batcher.run(["EVALSHA", reloaded, String(keys.count)] + keys + args)
        }
    }

    private func loadedSHA(_ redis: RedisClient, reload: Bool) async throws -> String {
        if !reload, let known = sha.withLock({ $0 }) { return known }
        guard let loaded = try await redis.command(["SCRIPT", "LOAD", source]).string else {
            throw RedisError(code: .protocolError, message: "SCRIPT LOAD returned no digest")
        }
        sha.withLock { $0 = loaded }
        return loaded
    }
}
