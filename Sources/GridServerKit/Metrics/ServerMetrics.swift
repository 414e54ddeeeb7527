import Foundation
import Prometheus

/// This server's Prometheus metrics, served as text at `/metrics`. The registry is used directly
/// rather than through the swift-metrics bootstrap, which is process-global state.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// Frames queued for clients, over every session; read at each scrape.
    public let outboundQueue = QueueGauge()

    let sessions: Gauge
    let editsAccepted: Counter
    let editsConflicted: Counter
    let deliveries: Counter
    let ackLatency: DurationHistogram
    let streamTailLag: Gauge
    let persisterLag: Gauge
    let persisterBatch: ValueHistogram
    let persistedEvents: Counter
    let redisErrors: Counter
    let mysqlErrors: Counter
    let slowClientsDropped: Counter
    private let outboundQueueDepth: Gauge

    public init(serverID: String) {
        let server = [("server", serverID)]
        sessions = registry.makeGauge(name: "grid_sessions", labels: server, help: "Sessions logged in to this server now.")
        editsAccepted = registry.makeCounter(name: "grid_edits_accepted_total", labels: server, help: "Edits (set, clear, resolve) accepted by the sequencer.")
        editsConflicted = registry.makeCounter(name: "grid_edits_conflicted_total", labels: server, help: "Edits that lost a conflict.")
        deliveries = registry.makeCounter(name: "grid_deliveries_total", labels: server, help: "Frames fanned out to this server's sessions from the grid streams.")
        ackLatency = registry.makeDurationHistogram(
            name: "grid_ack_latency_seconds", labels: server,
            buckets: [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)],
            help: "From an edit frame read to its ack or conflict queued."
        )
        streamTailLag = registry.makeGauge(name: "grid_stream_tail_lag_milliseconds", labels: server, help: "Age of the newest log entry the tail delivered, when delivered.")
        persisterLag = registry.makeGauge(name: "grid_persister_lag_milliseconds", labels: server, help: "Age of the newest entry of the last batch written to MySQL, when committed.")
        persisterBatch = registry.makeValueHistogram(
            name: "grid_persister_batch_size", labels: server, buckets: [1, 10, 50, 100, 250, 500, 1000], help: "Log entries per MySQL transaction."
        )
        persistedEvents = registry.makeCounter(name: "grid_persisted_events_total", labels: server, help: "Log entries written to MySQL by this server.")
        redisErrors = registry.makeCounter(name: "grid_redis_errors_total", labels: server, help: "Failed Redis calls.")
        mysqlErrors = registry.makeCounter(name: "grid_mysql_errors_total", labels: server, help: "Failed MySQL calls.")
        slowClientsDropped = registry.makeCounter(name: "grid_slow_clients_dropped_total", labels: server, help: "Sessions dropped because their outbound queue overflowed.")
        outboundQueueDepth = registry.makeGauge(name: "grid_outbound_queue_frames", labels: server, help: "Frames queued for clients and not yet written, over all sessions.")
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        outboundQueueDepth.set(Double(outboundQueue.current))
        return registry.emitToString()
    }

    /// Milliseconds from a log entry's Redis time to now.
    static func age(ofMilliseconds ms: UInt64) -> Double {
        max(0, Date().timeIntervalSince1970 * 1000 - Double(ms))
    }
}
