import Foundation
import Logging

/// Runs one load scenario against live servers and measures it.
public struct LoadRun: Sendable {
    public let configuration: LoadConfiguration
    public let processes: [(name: String, pid: Int32)]
    let logger: Logger

    public init(configuration: LoadConfiguration, processes: [(name: String, pid: Int32)], logger: Logger) {
        self.configuration = configuration
        self.processes = processes
        self.logger = logger
    }

    public func run() async throws -> LoadReport {
        guard !configuration.servers.isEmpty else { throw BenchError("give at least one --server ws://HOST:PORT/ws") }
        guard configuration.clients >= 1, (0...configuration.clients).contains(configuration.senders) else {
            throw BenchError("--clients must be at least 1 and --senders between 0 and --clients")
        }
        guard configuration.grids >= 1 else { throw BenchError("--grids must be at least 1") }
        let run = String(UInt32.random(in: .min ... .max), radix: 16)
        let grid = configuration.grid ?? "bench-\(run)"
        let serverCount = configuration.servers.count
        let serverIndex = { (index: Int) in RunShared.serverIndex(for: index, grids: configuration.grids, servers: serverCount) }
        let senderServer = (0..<configuration.senders).map(serverIndex)
        let shared = RunShared(configuration: configuration, run: run, grid: grid, senderServer: senderServer)
        let clients = (0..<configuration.clients).map { index in
            BenchClient(
                index: index, serverIndex: serverIndex(index), senderIndex: index < configuration.senders ? index : nil,
                url: configuration.servers[serverIndex(index)], shared: shared
            )
        }
        let stalled = (0..<configuration.stalled).map { index in
            BenchClient(index: configuration.clients + index, serverIndex: 0, senderIndex: nil, url: configuration.servers[0], shared: shared, stalls: true)
        }
        // The load generator shares the machine: its own CPU tells whether it was the limit.
        let sampler = ProcessSampler(processes: processes + [("grid-bench", getpid())])
        let idle = sampler.sample()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            for client in clients + stalled {
                while configuration.loginConcurrency > 0 && started - shared.loginsEndedCount >= configuration.loginConcurrency {
                    try await Task.sleep(for: .milliseconds(2))
                }
                started += 1
                group.addTask { await client.run(logger: logger) }
            }
            defer { shared.stop() }
            try await waitForLogins(clients + stalled)
            let before = sampler.sample()
            shared.start()
            let start = shared.startNanos
            try await sendWindow(clients, start: start)
            var redisStats: RedisStats?
            if let url = configuration.redisURL { redisStats = try await RedisStats.read(url: url, logger: logger) }
            try await drain(clients)
            let end = BenchClock.now()
            let after = sampler.sample()
            let usage = sampler.usage(idle: idle, from: before, to: after, seconds: Double(end - start) / 1e9)
            shared.stop()
            try await group.waitForAll()
            var report = report(clients, grid: grid, start: start, usage: usage)
            report.stalled = configuration.stalled
            report.redis = redisStats
            return report
        }
    }

    private func waitForLogins(_ clients: [BenchClient]) async throws {
        let deadline = BenchClock.now() + 120_000_000_000
        while true {
            let (welcomed, failed) = clients.reduce(into: (0, 0)) { sum, client in
                client.state.withLock { state in
                    if state.welcomed { sum.0 += 1 } else if state.failure != nil || state.closed { sum.1 += 1 }
                }
            }
            if welcomed + failed == clients.count {
                if failed > 0 {
                    let why = clients.compactMap { $0.state.withLock { $0.failure } }.first ?? "connection closed"
                    throw BenchError("\(failed) of \(clients.count) clients could not log in (\(why)); are the servers up at \(configuration.servers.joined(separator: ", "))?")
                }
                return
            }
            if BenchClock.now() > deadline { throw BenchError("only \(welcomed) of \(clients.count) clients logged in within 120 s") }
            if configuration.progress { progress("logging in: \(welcomed)/\(clients.count)") }
            try await Task.sleep(for: .milliseconds(configuration.progress ? 500 : 20))
        }
    }

    private func sendWindow(_ clients: [BenchClient], start: UInt64) async throws {
        let seconds = Double(configuration.duration.components.seconds) + Double(configuration.duration.components.attoseconds) / 1e18
        let end = start + UInt64(seconds * 1e9)
        while BenchClock.now() < end {
            try await Task.sleep(for: .nanoseconds(Int64(min(1_000_000_000, end - BenchClock.now()))))
            if configuration.progress {
                let totals = totals(clients)
                progress("t=\(String(format: "%.0f", Double(BenchClock.now() - start) / 1e9))s sent \(totals.sent) answered \(totals.answered) deliveries \(totals.received)")
            }
        }
    }

    /// Waits until every edit is answered, every client has every event, and the durable
    /// watermark covers every accepted edit, or the drain timeout passes.
    private func drain(_ clients: [BenchClient]) async throws {
        let timeout = UInt64(configuration.drainTimeout.components.seconds) * 1_000_000_000
        let deadline = BenchClock.now() + timeout
        var lastReport = BenchClock.now()
        while BenchClock.now() < deadline {
            let totals = totals(clients)
            let expected = expectedDeliveries(clients.map { $0.state.withLock { $0 } })
            let live = clients.filter { $0.state.withLock { $0.failure == nil && !$0.closed } }
            let complete = totals.pending == 0 && totals.notDurable == 0
                && live.allSatisfy { $0.state.withLock { $0.received } >= expected[$0.index % expected.count] }
            if complete { return }
            if configuration.progress && BenchClock.now() - lastReport > 1_000_000_000 {
                lastReport = BenchClock.now()
                progress("draining: \(totals.pending) unanswered, \(totals.notDurable) not durable")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every answered edit is delivered to every client of its grid, except to write-only ones:
    /// what each grid's clients should have received, by grid index.
    private func expectedDeliveries(_ states: [BenchClientState]) -> [Int] {
        var expected = Array(repeating: 0, count: max(1, configuration.grids))
        guard configuration.hello.events else { return expected }
        for (index, state) in states.enumerated() { expected[index % expected.count] += state.accepted + state.conflicts }
        return expected
    }

    private func totals(_ clients: [BenchClient]) -> (sent: Int, answered: Int, received: Int, pending: Int, notDurable: Int) {
        clients.reduce(into: (0, 0, 0, 0, 0)) { sum, client in
            client.state.withLock { state in
                sum.0 += state.sent
                sum.1 += state.accepted + state.conflicts
                sum.2 += state.received
                sum.3 += state.pendingCount
                sum.4 += state.notDurable
            }
        }
    }

    private func report(_ clients: [BenchClient], grid: String, start: UInt64, usage: [ProcessUsage]) -> LoadReport {
        var ack = LatencyStats(), same = LatencyStats(), cross = LatencyStats(), durable = LatencyStats()
        var sent = 0, accepted = 0, conflicts = 0, errors = 0, received = 0, unanswered = 0, notDurable = 0, loggedIn = 0
        var lastDelivery = start, lastAnswer = start
        var failures: [String] = []
        let states = clients.map { $0.state.withLock { $0 } }
        let expected = expectedDeliveries(states)
        var fingerprints = Array(repeating: Set<String>(), count: expected.count)
        var lost = 0
        for (index, state) in states.enumerated() {
            lost += max(0, expected[index % expected.count] - state.received)
            fingerprints[index % expected.count].insert("\(state.received)/\(state.digest)")
            ack.add(state.ack)
            same.add(state.sameServer)
            cross.add(state.crossServer)
            durable.add(state.durableLatency)
            sent += state.sent
            accepted += state.accepted
            conflicts += state.conflicts
            errors += state.errors
            received += state.received
            unanswered += state.pendingCount
            notDurable += state.notDurable
            if state.welcomed { loggedIn += 1 }
            if let failure = state.failure { failures.append("\(failure)") }
            lastDelivery = max(lastDelivery, state.lastDelivery)
            lastAnswer = max(lastAnswer, state.lastAnswer)
        }
        let answered = accepted + conflicts
        let deliverySeconds = max(0.001, Double(lastDelivery - start) / 1e9)
        let answerSeconds = max(0.001, Double(lastAnswer - start) / 1e9)
        let duration = Double(configuration.duration.components.seconds) + Double(configuration.duration.components.attoseconds) / 1e18
        var report = LoadReport(
            grid: grid, servers: configuration.servers, clients: configuration.clients, senders: configuration.senders,
            rate: configuration.rate, durationSeconds: duration, hotCells: configuration.hotCells, loggedIn: loggedIn,
            failures: failures, sent: sent, accepted: accepted, conflicts: conflicts, errors: errors,
            editsPerSecond: Double(answered) / answerSeconds, acceptedPerSecond: Double(accepted) / answerSeconds,
            deliveries: received, deliveriesPerSecond: Double(received) / deliverySeconds, lost: lost, unanswered: unanswered,
            notDurable: notDurable, clientsAgree: fingerprints.allSatisfy { $0.count <= 1 }, ack: ack.summary, deliverySameServer: same.summary,
            deliveryCrossServer: cross.summary, durable: durable.summary, processes: usage
        )
        report.cellsPerEdit = max(1, configuration.multiCells)
        return report
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data("grid-bench: \(line)\n".utf8))
    }
}

/// A bench failure, with what to do about it.
public struct BenchError: Error, CustomStringConvertible, Sendable {
    public let code: String
    public let message: String

    public init(_ message: String, code: String = "bench_failed") {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
