import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// Tells a slow Redis from a lost one. A reply that takes longer than the command timeout is
/// not a failure by itself: under load (busy cores, a burst of edits) replies can take seconds
/// while Redis is fine, and treating that as an outage ends every session and brings every
/// client back at once. Redis counts as alive while bytes arrived from it lately on any of the
/// client's connections to it (the heartbeat's included; on a cluster, each node has a liveness
/// of its own), or else while it answers a PING on a
/// connection of its own, or sends anything at all, within the probe timeout. That timeout is
/// long (30 s by default): an overloaded machine was seen to leave Redis silent for over 5 s,
/// while every real outage seen (a crash, a restart, a refused connection) broke the connections
/// at once and never waits for it. One probe runs at a time; every caller that
/// asks meanwhile shares its answer.
final class RedisLiveness: Sendable {
    private struct State {
        var probe: RedisEventLoopConnection?
        var inFlight: EventLoopFuture<Bool>?
        var isClosed = false
        var slowReplies = 0
        var failedProbes = 0
        /// When a slow reply was last logged, so an overload logs a line per window, not per call.
        var lastSlowLog: NIODeadline?
    }

    private let configuration: RedisConfiguration
    private let eventLoops: any EventLoopGroup
    private let logger: Logger
    /// `NIODeadline.uptimeNanoseconds` of the newest bytes read from Redis on any connection.
    private let lastReply = Atomic<UInt64>(0)
    private let state = NIOLockedValueBox(State())

    init(configuration: RedisConfiguration, eventLoops: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoops = eventLoops
        self.logger = logger
    }

    /// Called for every read on every connection: one relaxed store, cheap on the hot path.
    func noteReply() {
        self.lastReply.store(NIODeadline.now().uptimeNanoseconds, ordering: .relaxed)
    }

    var slowReplies: Int { self.state.withLockedValue { $0.slowReplies } }
    var failedProbes: Int { self.state.withLockedValue { $0.failedProbes } }

    /// A reply came later than the command timeout, and the call got it: Redis was slow, not lost.
    func noteSlow(after waited: Duration) {
        let now = NIODeadline.now()
        let (count, log) = self.state.withLockedValue { state -> (Int, Bool) in
            state.slowReplies += 1
            let due = state.lastSlowLog.map { now - $0 > .seconds(10) } ?? true
            if due { state.lastSlowLog = now }
            return (state.slowReplies, due)
        }
        guard log else { return }
        self.logger.notice(
            "Redis reply slow; Redis still answered, so the call waited for it",
            metadata: ["redis.url": "\(self.configuration.redactedURL)", "redis.waited": "\(waited)", "redis.slow_replies": "\(count)"]
        )
    }

    /// Whether Redis answers: at once if bytes arrived within the command timeout, else once the
    /// probe answers or fails. The future completes on `eventLoop`.
    func check(on eventLoop: any EventLoop) -> EventLoopFuture<Bool> {
        let age = NIODeadline.now().uptimeNanoseconds &- self.lastReply.load(ordering: .relaxed)
        if age < UInt64(TimeAmount(self.configuration.commandTimeout).nanoseconds) {
            return eventLoop.makeSucceededFuture(true)
        }
        let (running, started) = self.state.withLockedValue { state -> (EventLoopFuture<Bool>?, (RedisEventLoopConnection, EventLoopPromise<Bool>)?) in
            if state.isClosed { return (eventLoop.makeSucceededFuture(false), nil) }
            if let inFlight = state.inFlight { return (inFlight, nil) }
            let probe = state.probe ?? RedisEventLoopConnection(
                configuration: self.configuration, eventLoop: self.eventLoops.next(), liveness: self, role: .plain, logger: self.logger
            )
            state.probe = probe
            let promise = probe.eventLoop.makePromise(of: Bool.self)
            state.inFlight = promise.futureResult
            return (nil, (probe, promise))
        }
        if let running { return running.hop(to: eventLoop) }
        let (probe, promise) = started!
        let probeSent = NIODeadline.now().uptimeNanoseconds
        probe.send([["PING"]], timeout: self.configuration.probeTimeout).whenComplete { result in
            self.state.withLockedValue { $0.inFlight = nil }
            // The PING may wait behind other work on a busy loop; any bytes from Redis while it
            // waited show it alive just as well.
            let heardMeanwhile = self.lastReply.load(ordering: .relaxed) > probeSent
            switch result {
            case .success:
                promise.succeed(true)
            case .failure where heardMeanwhile:
                promise.succeed(true)
            case .failure(let error):
                self.state.withLockedValue { $0.failedProbes += 1 }
                self.logger.warning(
                    "Redis did not answer a probe; counting it as lost",
                    metadata: ["redis.url": "\(self.configuration.redactedURL)", "redis.error": "\(error)"]
                )
                promise.succeed(false)
            }
        }
        return promise.futureResult.hop(to: eventLoop)
    }

    /// Closes the probe connection; later checks answer "lost", so nothing waits on a closed client.
    func close() {
        let probe = self.state.withLockedValue { state in
            state.isClosed = true
            defer { state.probe = nil }
            return state.probe
        }
        probe?.close()
    }
}
