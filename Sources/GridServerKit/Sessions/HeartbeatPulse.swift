import Foundation
import Logging
import RedisClient
import Synchronization

/// Renews this server's heartbeat from a thread of its own, with a blocking Redis connection:
/// a storm of logins can keep every event loop busy for seconds, and a heartbeat renewed there
/// expired, so another server declared this one dead and ended its live sessions.
final class HeartbeatPulse: Sendable {
    private let key: String
    private let ttlMilliseconds: Int
    private let interval: Duration
    private let configuration: RedisConfiguration
    private let logger: Logger
    private let state = Mutex<(running: Bool, finished: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, false, nil))

    init(key: String, ttlMilliseconds: Int, interval: Duration, configuration: RedisConfiguration, logger: Logger) {
        self.key = key
        self.ttlMilliseconds = ttlMilliseconds
        self.interval = interval
        self.configuration = configuration
        self.logger = logger
    }

    func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            let connection = RedisThreadConnection(configuration: configuration)
            var failures = 0
            while state.withLock({ $0.running }) {
                do {
                    try connection.command(["SET", key, "alive", "PX", String(ttlMilliseconds)])
                    failures = 0
                } catch {
                    failures += 1
                    if failures == 1 { logger.warning("heartbeat not renewed; Redis unreachable", metadata: ["error": "\(error)"]) }
                }
                Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
            }
            connection.close()
            let waiter = state.withLock { state in
                state.finished = true
                return state.waiter
            }
            waiter?.resume()
        }
        thread.name = "grid-server heartbeat"
        thread.start()
    }

    /// Stops renewing; returns once the thread has made its last renewal.
    func stop() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { state in
                state.running = false
                if !state.finished { state.waiter = waiter }
                return state.finished
            }
            if finished { waiter.resume() }
        }
    }
}
