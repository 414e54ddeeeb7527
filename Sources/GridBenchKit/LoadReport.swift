/// The results of one load run, printed as a table or as JSON.
public struct LoadReport: Codable, Sendable {
    public var grid: String
    public var servers: [String]
    public var clients: Int
    public var senders: Int
    public var rate: Double
    public var durationSeconds: Double
    public var hotCells: Int
    /// Cells per edit: 1, or N with `--multi-cells N`; accepted cells/s is accepted/s × this.
    public var cellsPerEdit = 1
    /// Clients that logged in; clients that failed or lost their connection, with why.
    public var loggedIn: Int
    public var failures: [String]
    public var sent: Int
    public var accepted: Int
    public var conflicts: Int
    public var errors: Int
    /// Answers (ack or conflict) per second over the sending window.
    public var editsPerSecond: Double
    public var acceptedPerSecond: Double
    /// Events of this run received by all clients, per second, from the first send to the last delivery.
    public var deliveries: Int
    public var deliveriesPerSecond: Double
    /// Events some client never received after the drain (expected: every answered edit, at every client).
    public var lost: Int
    /// Edits still unanswered after the drain.
    public var unanswered: Int
    /// Accepted edits the durable watermark did not reach by the end of the drain.
    public var notDurable: Int
    /// Every client received the same events in the same order.
    public var clientsAgree: Bool
    public var ack: LatencySummary
    public var deliverySameServer: LatencySummary
    public var deliveryCrossServer: LatencySummary
    public var durable: LatencySummary
    public var processes: [ProcessUsage]
    /// Clients that stopped reading after login (not in the figures above).
    public var stalled = 0
    /// With `--redis-memory`: Redis's memory before the run and after it (and after
    /// `--redis-memory-settle`), in all and for the run's grid.
    public var redisMemoryBefore: RedisMemory?
    public var redisMemoryAfter: RedisMemory?
    /// With a Redis URL: Redis's counters at the end of the sending window, every client connected.
    public var redis: RedisStats?

    public var table: String {
        var lines: [String] = []
        func row(_ name: String, _ value: String) { lines.append(name.padding(toLength: 28, withPad: " ", startingAt: 0) + value) }
        func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }
        func latency(_ s: LatencySummary) -> String {
            s.count == 0 ? "-" : "p50 \(f(s.p50, 2)) ms  p99 \(f(s.p99, 2)) ms  p99.9 \(f(s.p999, 2)) ms  max \(f(s.max, 2)) ms  (n=\(s.count))"
        }
        row("grid", "\(grid) on \(servers.joined(separator: " "))")
        row("clients / senders", "\(clients) / \(senders), rate \(rate == 0 ? "unlimited" : f(rate, 0)) edits/s for \(f(durationSeconds)) s, \(hotCells == 0 ? "spread cells" : "\(hotCells) hot cells")")
        if stalled > 0 { row("stalled clients", "\(stalled) (logged in, then never read)") }
        row("logged in", "\(loggedIn)\(failures.isEmpty ? "" : ", failures: " + failures.prefix(3).joined(separator: "; "))")
        row("edits sent", "\(sent): \(accepted) accepted, \(conflicts) conflicts, \(errors) errors, \(unanswered) unanswered")
        row("answers/s (accepted/s)", "\(f(editsPerSecond)) (\(f(acceptedPerSecond)))")
        if cellsPerEdit > 1 { row("accepted cells/s", "\(f(acceptedPerSecond * Double(cellsPerEdit), 0)) (multi-cell edits of \(cellsPerEdit) cells)") }
        row("deliveries", "\(deliveries), \(f(deliveriesPerSecond)) /s")
        row("lost after drain", "\(lost)")
        row("clients agree", clientsAgree ? "yes" : "NO")
        row("ack latency", latency(ack))
        row("delivery same-server", latency(deliverySameServer))
        row("delivery cross-server", latency(deliveryCrossServer))
        row("durable latency", latency(durable) + (notDurable > 0 ? ", \(notDurable) not durable" : ""))
        if let before = redisMemoryBefore, let after = redisMemoryAfter {
            func mib(_ bytes: Int) -> String { f(Double(bytes) / 1_048_576, 2) + " MiB" }
            row("redis memory (grid keys)", "before \(mib(before.gridBytes))  after \(mib(after.gridBytes))")
            row("redis used_memory", "before \(mib(before.usedBytes))  after \(mib(after.usedBytes))")
        }
        if let redis { row("redis connected_clients", "\(redis.connectedClients) (at the end of sending)") }
        for process in processes {
            row("process \(process.name)", "cpu \(f(process.cpuPercent))%  rss \(f(process.rssMiB)) MiB  peak \(f(process.peakRSSMiB)) MiB"
                + (process.rssBeforeClientsMiB.map { "  (before clients \(f($0)) MiB)" } ?? "")
                + "  threads \(process.threads)  fds \(process.fileDescriptors)")
        }
        return lines.joined(separator: "\n")
    }
}
