import Foundation
import Logging
import NIOCore
import Shared
import Synchronization

/// One bench connection: logs in, optionally sends edits on a schedule, and measures what it
/// receives. Deliberately lean: frames are classified by `FrameScanner`, no `ClientState`.
final class BenchClient: Sendable {
    let index: Int
    let serverIndex: Int
    let senderIndex: Int?
    let url: String
    let user: String
    let stalls: Bool
    let state = Mutex(BenchClientState())
    private let shared: RunShared

    init(index: Int, serverIndex: Int, senderIndex: Int?, url: String, shared: RunShared, stalls: Bool = false) {
        self.index = index
        self.stalls = stalls
        self.serverIndex = serverIndex
        self.senderIndex = senderIndex
        self.url = url
        self.user = "bench\(index)"
        self.shared = shared
    }

    /// Connects and runs until the run stops or the connection fails.
    func run(logger: Logger) async {
        let (closed, closing) = AsyncStream.makeStream(of: Void.self)
        do {
            let connection = try await BenchConnection.connect(
                url: url, maxMessageBytes: 1 << 28,
                onMessage: { message in
                    self.receive(String(buffer: message))
                    return !(self.stalls && self.state.withLock { $0.welcomed })
                },
                onClose: { closing.finish() }
            )
            defer { connection.close() }
            connection.send(shared.configuration.hello.frame(user: user, grid: shared.grid(for: index)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in closed {}
                }
                group.addTask {
                    try await self.shared.waitForStart()
                    if self.senderIndex != nil { try await self.send(connection) }
                    try await self.shared.waitForStop()
                }
                _ = try await group.next()
                group.cancelAll()
            }
        } catch {
            if !(error is CancellationError) {
                state.withLock { $0.failure = $0.failure ?? "\(error)" }
            }
        }
        let wasWelcomed = state.withLock { state in
            state.closed = true
            return state.welcomed
        }
        if !wasWelcomed { shared.loginEnded() }
    }

    // MARK: sending

    private func send(_ connection: BenchConnection) async throws {
        guard let sender = senderIndex else { return }
        let configuration = shared.configuration
        let perSender = configuration.rate / Double(shared.senderCount)
        let interval: UInt64 = perSender > 0 ? UInt64(1_000_000_000 / perSender) : 0
        let start = shared.startNanos
        let end = start + UInt64(configuration.duration.components.seconds) * 1_000_000_000
            + UInt64(configuration.duration.components.attoseconds / 1_000_000_000)
        // Spread the senders' phases so they do not all fire at the same instant.
        var due = start + (interval > 0 ? interval * UInt64(sender) / UInt64(max(1, shared.senderCount)) : 0)
        var sequence = 0
        var spreadRow = 0
        var generator = SystemRandomNumberGenerator()
        let codec = WireCodec()
        while true {
            let now = BenchClock.now()
            if now >= end || Task.isCancelled { break }
            if interval > 0 && now < due {
                try await Task.sleep(for: .nanoseconds(Int64(min(due - now, end - now))))
                continue
            }
            // Window full: wait for an answer rather than queueing without bound.
            let inFlight = state.withLock { $0.pendingCount }
            if inFlight >= configuration.maxInFlight {
                try await Task.sleep(for: .microseconds(500))
                continue
            }
            let cell: String
            let base: Version
            if configuration.multiCells > 0 {
                // One block of the sender's column per edit, the next block with none in flight.
                let size = configuration.multiCells
                let blocks = max(1, configuration.spreadRows / size)
                var chosen: Int?
                for _ in 0..<blocks {
                    let block = spreadRow % blocks
                    spreadRow = (spreadRow + 1) % blocks
                    let first = CellAddress(column: shared.column(ofSender: sender), row: block * size)!.description
                    if !state.withLock({ $0.inFlightCells.contains(first) }) { chosen = block; break }
                }
                guard let block = chosen else {
                    try await Task.sleep(for: .microseconds(500))
                    continue
                }
                sequence += 1
                let op = BenchOp(run: shared.run, sender: sender, sequence: sequence).text
                let sentAt = BenchClock.now()
                let cells = (0..<size).map { CellAddress(column: shared.column(ofSender: sender), row: block * size + $0)!.description }
                let changes = state.withLock { state in cells.map { CellChange(cell: $0, value: String(sentAt), base: state.versions[$0] ?? .zero) } }
                // The send time rides in `group`, the one free-text member a multi event repeats.
                let frame = codec.encode(ClientMessage.edit(.init(multi: op, cells: changes, label: "bench", group: String(sentAt))))
                state.withLock { state in
                    state.pending.append(.init(sentAt: sentAt, cell: cells[0], cells: size))
                    state.inFlightCells.insert(cells[0])
                    state.sent += 1
                }
                connection.send(frame)
                if interval > 0 { due += interval }
                continue
            }
            if configuration.hotCells > 0 {
                let row = Int.random(in: 0..<configuration.hotCells, using: &generator)
                cell = CellAddress(column: 0, row: row)!.description
                base = state.withLock { $0.versions[cell] ?? .zero }
            } else {
                // The sender's own column: the next row with no edit in flight, based on its ack.
                var chosen: (String, Version)?
                for _ in 0..<configuration.spreadRows {
                    let candidate = CellAddress(column: shared.column(ofSender: sender), row: spreadRow)!.description
                    spreadRow = (spreadRow + 1) % configuration.spreadRows
                    chosen = state.withLock { state in
                        state.inFlightCells.contains(candidate) ? nil : (candidate, state.versions[candidate] ?? .zero)
                    }
                    if chosen != nil { break }
                }
                guard let chosen else {
                    try await Task.sleep(for: .microseconds(500))
                    continue
                }
                (cell, base) = chosen
            }
            sequence += 1
            let op = BenchOp(run: shared.run, sender: sender, sequence: sequence).text
            let sentAt = BenchClock.now()
            let frame = codec.encode(ClientMessage.edit(.init(.set, op: op, cell: cell, value: String(sentAt), base: base)))
            state.withLock { state in
                state.pending.append(.init(sentAt: sentAt, cell: cell))
                state.inFlightCells.insert(cell)
                state.sent += 1
            }
            connection.send(frame)
            if interval > 0 { due += interval }
        }
    }

    // MARK: receiving

    private func receive(_ text: String) {
        let now = BenchClock.now()
        guard let frame = FrameScanner.scan(text) else { return }
        state.withLock { state in
            switch frame {
            case .welcome(let version, let server):
                if !state.welcomed { shared.loginEnded() }
                state.welcomed = true
                state.welcomeVersion = version
                state.server = server
            case .event(let id, let kind, let cell, let op, let value, let group):
                if let cell, kind == "set" || kind == "clear", id > (state.versions[cell] ?? .zero), shared.configuration.hotCells > 0 {
                    state.versions[cell] = id
                }
                guard let op, let parsed = BenchOp(op, run: shared.run) else { return }
                state.received += 1
                state.lastDelivery = now
                state.digest = (state.digest ^ id.milliseconds &* 0x100000001B3 ^ id.sequence) &* 1_099_511_628_211
                guard parsed.sender != senderIndex, let sentAt = (value ?? group).flatMap({ UInt64($0) }), now > sentAt else { return }
                if shared.senderServer[parsed.sender] == serverIndex {
                    state.sameServer.record(nanoseconds: now - sentAt)
                } else {
                    state.crossServer.record(nanoseconds: now - sentAt)
                }
            case .ack(_, let version):
                guard let sent = state.popPending() else { return }
                state.ack.record(nanoseconds: now - sent.sentAt)
                state.accepted += 1
                state.lastAnswer = now
                if shared.configuration.hotCells == 0 || version > (state.versions[sent.cell] ?? .zero) {
                    state.versions[sent.cell] = version
                }
                if sent.cells > 1, let first = CellAddress(sent.cell) {
                    for row in 1..<sent.cells { state.versions[CellAddress(column: first.column, row: first.row + row)!.description] = version }
                }
                state.awaitingDurable.append((version, sent.sentAt))
                state.checkDurable(now: now)
            case .conflict:
                guard let sent = state.popPending() else { return }
                state.ack.record(nanoseconds: now - sent.sentAt)
                state.conflicts += 1
                state.lastAnswer = now
            case .durable(let version):
                state.durable = max(state.durable, version)
                state.checkDurable(now: now)
            case .error(let code, let fatal, let op):
                state.errors += 1
                if op != nil, state.popPending() != nil { state.lastAnswer = now }
                if fatal { state.failure = state.failure ?? "server error \(code)" }
            case .other:
                break
            }
        }
    }
}

/// What one client measured; guarded by its `Mutex`.
struct BenchClientState: Sendable {
    struct Pending: Sendable {
        var sentAt: UInt64
        /// The cell, or a multi-cell edit's first cell (of `cells` down its column).
        var cell: String
        var cells = 1
    }

    var welcomed = false
    var welcomeVersion = Version.zero
    var server = ""
    var failure: String?
    var closed = false
    var sent = 0
    var accepted = 0
    var conflicts = 0
    var errors = 0
    /// Events of this run received, and an order-sensitive digest of their ids.
    var received = 0
    var digest: UInt64 = 14_695_981_039_346_656_037
    var lastDelivery: UInt64 = 0
    var lastAnswer: UInt64 = 0
    /// Answers come in request order, so the oldest pending edit is the one answered.
    var pending: [Pending] = []
    var pendingHead = 0
    var inFlightCells: Set<String> = []
    var versions: [String: Version] = [:]
    var durable = Version.zero
    var awaitingDurable: [(Version, UInt64)] = []
    var awaitingHead = 0
    var ack = LatencyStats()
    var sameServer = LatencyStats()
    var crossServer = LatencyStats()
    var durableLatency = LatencyStats()

    var pendingCount: Int { pending.count - pendingHead }
    var notDurable: Int { awaitingDurable.count - awaitingHead }

    mutating func popPending() -> Pending? {
        guard pendingHead < pending.count else { return nil }
        let first = pending[pendingHead]
        pendingHead += 1
        if pendingHead > 1024 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
        inFlightCells.remove(first.cell)
        return first
    }

    /// Acks arrive in increasing version order, so the covered ones are a prefix.
    mutating func checkDurable(now: UInt64) {
        while awaitingHead < awaitingDurable.count, awaitingDurable[awaitingHead].0 <= durable {
            durableLatency.record(nanoseconds: now - awaitingDurable[awaitingHead].1)
            awaitingHead += 1
        }
        if awaitingHead > 1024 && awaitingHead * 2 > awaitingDurable.count {
            awaitingDurable.removeFirst(awaitingHead)
            awaitingHead = 0
        }
    }
}
