import Logging
import NIOCore
import NIOPosix
import RedisClient
import Synchronization

/// Renews this server's heartbeat from an event loop of its own: a storm of logins or a burst
/// of edits can keep every shared event loop and the cooperative pool busy for seconds, and a
/// heartbeat renewed there expired, so another server declared this one dead and ended its live
/// sessions. Its one thread does nothing else, so renewals go out on time however busy the rest
/// of the process is. It uses the same kind of Redis connection as everything else
/// (`RedisClient.makeIsolatedConnection`); only the loop is its own. Renewals are sent at a fixed
/// rate without waiting for the last reply, so a slow Redis still gets every one in turn.
final class HeartbeatPulse: Sendable {
    private let key: String
    private let ttlMilliseconds: Int
    private let interval: Duration
    private let redis: RedisClient
    private let logger: Logger
    private let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let state = Mutex<(task: RepeatedTask?, connection: RedisEventLoopConnection?, failures: Int)>((nil, nil, 0))

    init(key: String, ttlMilliseconds: Int, interval: Duration, redis: RedisClient, logger: Logger) {
        self.key = key
        self.ttlMilliseconds = ttlMilliseconds
        self.interval = interval
        self.redis = redis
        self.logger = logger
    }

    func start() {
        let eventLoop = loop.next()
        let connection: RedisEventLoopConnection
        do {
            connection = try redis.makeIsolatedConnection(on: eventLoop, forKey: key)
        } catch {
            // Only a client already shut down refuses: the server is stopping.
            logger.debug("heartbeat not started", metadata: ["error": "\(error)"])
            return
        }
        let renewal = ["SET", key, "alive", "PX", String(ttlMilliseconds)]
        // A renewal unanswered within the TTL is worthless: by then the key has expired anyway.
        let timeout = Duration.milliseconds(ttlMilliseconds)
        let task = eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: TimeAmount(interval)) { _ in
            guard let connection = self.state.withLock({ $0.connection }) else { return }
            connection.send([renewal], timeout: timeout).whenComplete { result in
                // An error reply counts too: on a cluster, a node that lost the key's slot answers MOVED.
                let failure: String? = switch result {
                case .failure(let error): "\(error)"
                case .success(let replies): replies.first?.errorMessage
                }
                let failures = self.state.withLock { state in
                    if failure != nil { state.failures += 1 } else { state.failures = 0 }
                    return state.failures
                }
                if let failure, failures == 1 {
                    self.logger.warning("heartbeat not renewed; Redis unreachable", metadata: ["error": "\(failure)"])
                }
                if failure != nil, self.redis.configuration.isCluster { self.reroute(on: eventLoop, from: connection) }
            }
        }
        state.withLock { $0 = (task, connection, 0) }
    }

    /// On a cluster the key's master may have failed over or moved: learn the map again and
    /// renew on a connection to the master it names now.
    private func reroute(on eventLoop: any EventLoop, from old: RedisEventLoopConnection) {
        Task {
            await self.redis.refreshSlotMap()
            guard let fresh = try? self.redis.makeIsolatedConnection(on: eventLoop, forKey: self.key) else { return }
            let replaced = self.state.withLock { state -> Bool in
                guard state.connection === old else { return false }
                state.connection = fresh
                return true
            }
            (replaced ? old : fresh).close()
        }
    }

    /// Stops renewing and closes the loop; returns once it has stopped.
    func stop() async {
        let (task, connection) = state.withLock { state in
            defer { state = (nil, nil, 0) }
            return (state.task, state.connection)
        }
        if let task {
            let stopped = loop.next().makePromise(of: Void.self)
            task.cancel(promise: stopped)
            try? await stopped.futureResult.get()
        }
        connection?.close()
        try? await loop.shutdownGracefully()
    }
}
