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
        guard configuration.grids == 1 || configuration.senders == 0 else {
            throw BenchError("--grids needs --senders 0: deliveries are counted within one grid")
        }
        let run = String(UInt32.random(in: .min ... .max), radix: 16)
        let grid = configuration.grid ?? "bench-\(run)"
        let serverCount = configuration.servers.count
        let senderServer = (0..<configuration.senders).map { $0 % serverCount }
        let shared = RunShared(configuration: configuration, run: run, grid: grid, senderServer: senderServer)
        let clients = (0..<configuration.clients).map { index in
            BenchClient(
                index: index, serverIndex: index % serverCount, senderIndex: index < configuration.senders ? index : nil,
                url: configuration.servers[index % serverCount], shared: shared
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
            try await drain(clients)
            let end = BenchClock.now()
            let after = sampler.sample()
            let usage = sampler.usage(idle: idle, from: before, to: after, seconds: Double(end - start) / 1e9)
            shared.stop()
            try await group.waitForAll()
            var report = report(clients, grid: grid, start: start, usage: usage)
            report.stalled = configuration.stalled
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
            let live = clients.filter { $0.state.withLock { $0.failure == nil && !$0.closed } }
            // Write-only clients receive no events.
            let expected = configuration.hello.events ? totals.answered : 0
            let complete = totals.pending == 0 && totals.notDurable == 0
                && live.allSatisfy { $0.state.withLock { $0.received } >= expected }
            if complete { return }
            if configuration.progress && BenchClock.now() - lastReport > 1_000_000_000 {
                lastReport = BenchClock.now()
                progress("draining: \(totals.pending) unanswered, \(totals.notDurable) not durable")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
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
        var fingerprints: Set<String> = []
        let states = clients.map { $0.state.withLock { $0 } }
        for state in states {
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
            fingerprints.insert("\(state.received)/\(state.digest)")
        }
        let answered = accepted + conflicts
        // Every answered edit is delivered to every client, except to write-only ones.
        let expected = configuration.hello.events ? answered : 0
        let lost = states.reduce(0) { $0 + max(0, expected - $1.received) }
        let deliverySeconds = max(0.001, Double(lastDelivery - start) / 1e9)
        let answerSeconds = max(0.001, Double(lastAnswer - start) / 1e9)
        let duration = Double(configuration.duration.components.seconds) + Double(configuration.duration.components.attoseconds) / 1e18
        return LoadReport(
            grid: grid, servers: configuration.servers, clients: configuration.clients, senders: configuration.senders,
            rate: configuration.rate, durationSeconds: duration, hotCells: configuration.hotCells, loggedIn: loggedIn,
            failures: failures, sent: sent, accepted: accepted, conflicts: conflicts, errors: errors,
            editsPerSecond: Double(answered) / answerSeconds, acceptedPerSecond: Double(accepted) / answerSeconds,
            deliveries: received, deliveriesPerSecond: Double(received) / deliverySeconds, lost: lost, unanswered: unanswered,
            notDurable: notDurable, clientsAgree: fingerprints.count == 1, ack: ack.summary, deliverySameServer: same.summary,
            deliveryCrossServer: cross.summary, durable: durable.summary, processes: usage
        )
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
