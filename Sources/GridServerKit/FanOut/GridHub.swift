import Foundation
import Logging
import NIOCore
import RedisClient
import Shared

/// One server's fan-out for one grid: the entries its `TailReader` reads from the grid's log and
/// ephemeral streams, each encoded once and the same frame queued for every local session.
public actor GridHub {
    private enum Phase {
        /// Subscribed before its snapshot was taken: frames are held until the welcome is sent,
        /// and the latest restore from MySQL seen meanwhile (µs) is remembered.
        case buffering([(Version?, ByteBuffer)], restoredAt: Int64?)
        /// Receives every log event after `after`, and every ephemeral frame.
        case live(after: Version, snapshotAt: Int64)
    }

    private struct Subscriber {
        let outbox: SessionOutbox
        /// False for a write-only session: it gets only the durable watermark from the tail.
        let events: Bool
        var phase: Phase
    }

    public let grid: String
    let keys: GridSchema
    private let redis: RedisClient
    private let metrics: ServerMetrics?
    private let logger: Logger
    private let codec = WireCodec()
    private var subscribers: [String: Subscriber] = [:]
    public private(set) var durable: Version = .zero

    init(grid: String, redis: RedisClient, metrics: ServerMetrics? = nil, logger: Logger) {
        self.grid = grid
        self.metrics = metrics
        self.keys = GridSchema(grid: grid)
        self.redis = redis
        var logger = logger
        logger[metadataKey: "grid"] = "\(grid)"
        self.logger = logger
    }

    /// Fixes the tail's starting positions before any session subscribes, so that no entry
    /// written after a subscriber's snapshot can be skipped.
    @discardableResult
    func prepare() async throws -> TailPositions {
        let replies = try await redis.pipeline([
            ["XREVRANGE", keys.log, "+", "-", "COUNT", "1"],
            ["XREVRANGE", keys.ephemeral, "+", "-", "COUNT", "1"],
            ["GET", keys.durable],
        ])
        durable = replies[2].string.flatMap { Version($0) } ?? .zero
        return TailPositions(
            log: replies[0].array?.first?.array?.first?.string ?? "0-0",
            ephemeral: replies[1].array?.first?.array?.first?.string ?? "0-0"
        )
    }

    public func subscribe(session: String, outbox: SessionOutbox, events: Bool = true) {
        subscribers[session] = Subscriber(outbox: outbox, events: events, phase: .buffering([], restoredAt: nil))
    }

    /// Sends the welcome, then what arrived since the snapshot, then goes live. A snapshot
    /// older than a restore announced meanwhile is stale: the session ends and logs in again.
    public func activate(session: String, welcome: String, version: Version, snapshotAt: Int64) {
        guard var subscriber = subscribers[session], case .buffering(let held, let restoredAt) = subscriber.phase else { return }
        if let restoredAt, snapshotAt < restoredAt {
            endRestored([session])
            return
        }
        subscriber.outbox.send(welcome, counted: false)
        for (id, frame) in held where id.map({ $0 > version }) ?? true {
            subscriber.outbox.send(frame)
        }
        subscriber.phase = .live(after: version, snapshotAt: snapshotAt)
        subscribers[session] = subscriber
    }

    public func unsubscribe(session: String) {
        subscribers[session] = nil
    }

    public var sessionCount: Int { subscribers.count }

    public var sessionIDs: Set<String> { Set(subscribers.keys) }

    /// Redis may have come back behind the old positions (a lost AOF second, or a rebuild from
    /// MySQL that set the stream's id lower), and entries written after that would sort below
    /// them and never be read: the tail restarts from the stream as it is now. A session that
    /// logged in meanwhile took its snapshot before that position and could miss entries
    /// between the two, so it ends too and logs in again.
    func resume() async throws -> TailPositions {
        let positions = try await prepare()
        end(Array(subscribers.keys), ServerErrors.redisBack(redis.configuration.redactedURL), reason: "Redis came back; the grid's tail restarted")
        return positions
    }

    /// The tail lost Redis. Without Redis no session can see or make edits: every local session
    /// ends with an error that tells the client to reconnect (it keeps and resends its unsaved
    /// edits). Also sessions that logged in while Redis was briefly back: a session must never
    /// outlive an outage it did not see, or a rebuild could change cells under it.
    func tailLost(_ error: any Error) {
        end(
            Array(subscribers.keys), ServerErrors.redisLost(redis.configuration.redactedURL, error),
            reason: "Redis unavailable: \(ServerErrors.describe(error))"
        )
    }

    /// Ends these sessions: each gets one error frame, then its connection closes and the
    /// session is recorded as ended with `reason`.
    private func end(_ sessions: [String], _ error: ProtocolError, reason: String) {
        let frame = codec.encode(ServerMessage.error(.init(error)))
        for session in sessions {
            guard let subscriber = subscribers.removeValue(forKey: session) else { continue }
            subscriber.outbox.send(frame)
            subscriber.outbox.finish(reason: reason)
        }
    }

    /// New entries of the grid's log and ephemeral streams, in stream order, as the tail read them.
    func deliver(log: [RedisValue], ephemeral: [RedisValue]) {
        if !log.isEmpty {
            var newest: Version?
            // Write-only sessions take no events: with none else here, nothing is encoded.
            let anyoneListens = subscribers.values.contains { $0.events }
            for entry in log {
                guard anyoneListens else {
                    newest = entry.array?.first?.string.flatMap { Version($0) } ?? newest
                    continue
                }
                guard let event = GridSchema.LogRecord.decode(entry) else { continue }
                newest = event.id
                broadcast(ByteBuffer(string: codec.encode(ServerMessage.event(event))), version: event.id, isEvent: true)
            }
            if let newest { metrics?.streamTailLag.set(ServerMetrics.age(ofMilliseconds: newest.milliseconds)) }
        }
        for entry in ephemeral {
            guard let pair = entry.array, pair.count == 2 else { continue }
            if let restoredAt = Self.restoreTime(pair[1]) {
                restored(at: restoredAt)
            } else if let (frame, isEvent) = ephemeralFrame(pair[1]) {
                broadcast(ByteBuffer(string: frame), version: nil, isEvent: isEvent)
            }
        }
    }

    /// The grid's cells were restored from MySQL at `at` (µs): sessions whose snapshot is older
    /// hold cells the restore changed without an event, so they end and log in again.
    private func restored(at: Int64) {
        var stale: [String] = []
        for (session, var subscriber) in subscribers {
            switch subscriber.phase {
            case .buffering(let held, let restoredAt):
                subscriber.phase = .buffering(held, restoredAt: max(restoredAt ?? at, at))
                subscribers[session] = subscriber
            case .live(_, let snapshotAt):
                if snapshotAt < at { stale.append(session) }
            }
        }
        endRestored(stale)
    }

    private func endRestored(_ sessions: [String]) {
        end(sessions, ServerErrors.gridRestored, reason: "grid restored from MySQL")
    }

    private static func restoreTime(_ fields: RedisValue) -> Int64? {
        guard let flat = fields.array, flat.count >= 2, flat[0].string == "restored" else { return nil }
        return flat[1].string.flatMap { Int64($0) }
    }

    /// The frame, and whether it is what other users do (presence) rather than the watermark.
    private func ephemeralFrame(_ fields: RedisValue) -> (String, Bool)? {
        guard let flat = fields.array, flat.count >= 2, let name = flat[0].string, let value = flat[1].string else { return nil }
        switch name {
        case "p":
            guard let user = try? JSONDecoder().decode(UserPresence.self, from: Data(value.utf8)) else { return nil }
            return (codec.encode(ServerMessage.presence(.init(user: user))), true)
        case "left":
            return (codec.encode(ServerMessage.presence(.init(left: value))), true)
        case "durable":
            guard let version = Version(value), version > durable else { return nil }
            durable = version
            return (codec.encode(ServerMessage.durable(.init(version: version))), false)
        default:
            return nil
        }
    }

    private func broadcast(_ frame: ByteBuffer, version: Version?, isEvent: Bool) {
        var delivered = 0
        defer { if delivered > 0 { metrics?.deliveries.increment(by: Int64(delivered)) } }
        for (session, var subscriber) in subscribers where subscriber.events || !isEvent {
            switch subscriber.phase {
            case .buffering(var held, let restoredAt):
                held.append((version, frame))
                subscriber.phase = .buffering(held, restoredAt: restoredAt)
                subscribers[session] = subscriber
            case .live(let after, _):
                if let version, version <= after { continue }
                subscriber.outbox.send(frame)
                delivered += 1
            }
        }
    }
}
