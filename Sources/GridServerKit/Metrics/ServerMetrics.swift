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
        sessions = registry.makeGauge(descriptor: .init(metricName: "grid_sessions", unitName: "", helpText: "Sessions logged in to this server now."), labels: server)
        editsAccepted = registry.makeCounter(descriptor: .init(metricName: "grid_edits_accepted", unitName: "total", helpText: "Edits (set, clear, resolve) accepted by the sequencer."), labels: server)
        editsConflicted = registry.makeCounter(descriptor: .init(metricName: "grid_edits_conflicted", unitName: "total", helpText: "Edits that lost a conflict."), labels: server)
        deliveries = registry.makeCounter(descriptor: .init(metricName: "grid_deliveries", unitName: "total", helpText: "Frames fanned out to this server's sessions from the grid streams."), labels: server)
        ackLatency = registry.makeDurationHistogram(
            descriptor: .init(metricName: "grid_ack_latency", unitName: "seconds", helpText: "From an edit frame read to its ack or conflict queued."),
            labels: server,
            buckets: [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                      .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1)]
        )
        streamTailLag = registry.makeGauge(descriptor: .init(metricName: "grid_stream_tail_lag", unitName: "milliseconds", helpText: "Age of the newest log entry the tail delivered, when delivered."), labels: server)
        persisterLag = registry.makeGauge(descriptor: .init(metricName: "grid_persister_lag", unitName: "milliseconds", helpText: "Age of the newest entry of the last batch written to MySQL, when committed."), labels: server)
        persisterBatch = registry.makeValueHistogram(
            descriptor: .init(metricName: "grid_persister_batch", unitName: "size", helpText: "Log entries per MySQL transaction."),
            labels: server, buckets: [1, 10, 50, 100, 250, 500, 1000]
        )
        persistedEvents = registry.makeCounter(descriptor: .init(metricName: "grid_persisted_events", unitName: "total", helpText: "Log entries written to MySQL by this server."), labels: server)
        redisErrors = registry.makeCounter(descriptor: .init(metricName: "grid_redis_errors", unitName: "total", helpText: "Failed Redis calls."), labels: server)
        mysqlErrors = registry.makeCounter(descriptor: .init(metricName: "grid_mysql_errors", unitName: "total", helpText: "Failed MySQL calls."), labels: server)
        slowClientsDropped = registry.makeCounter(descriptor: .init(metricName: "grid_slow_clients_dropped", unitName: "total", helpText: "Sessions dropped because their outbound queue overflowed."), labels: server)
        outboundQueueDepth = registry.makeGauge(descriptor: .init(metricName: "grid_outbound_queue", unitName: "frames", helpText: "Frames queued for clients and not yet written, over all sessions."), labels: server)
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
