import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The server's one way to Redis, on one kind of connection (`RedisEventLoopConnection`):
/// - commands, pipelines and scripts share one pipelined connection per event loop, the
///   caller's own when it runs on one, so a session's edits reach Redis without a thread switch;
/// - blocking reads (XREAD / XREADGROUP BLOCK) lease a connection of their own with
///   `withDedicatedConnection`, at most `configuration.dedicatedConnectionLimit` at once;
/// - the heartbeat gets one on an event loop of its own (`makeIsolatedConnection`).
/// Connections open on first use and reopen after they break. A late reply is slow, not lost:
/// see `RedisLiveness`.
///
/// On a Redis Cluster (`RedisConfiguration.clusterSeeds`) every connection above is one per node:
/// a command, pipeline or script goes to the master of its key's slot (`RedisCommandKey`),
/// follows `MOVED` and `ASK`, and waits out `TRYAGAIN` and `CLUSTERDOWN` up to the command
/// timeout. A lost node, or a redirection, refreshes the slot map (`RedisClusterTopology`).
///
/// A `Service`: `run()` waits for the group's graceful shutdown, then closes every connection.
/// Calls work before `run()` starts (a server loads scripts and cleans up before its group runs).
public final class RedisClient: Service, Sendable {
    public let configuration: RedisConfiguration
    private let logger: Logger
    private let eventLoops: any EventLoopGroup
    /// One per node (the single Redis is node nil): on a cluster, a node is slow or lost by its
    /// own bytes and its own probe, so the traffic of healthy nodes cannot vouch for one that was
    /// cut off.
    private let livenesses = NIOLockedValueBox(Livenesses())
    private let registry = NIOLockedValueBox(Registry())
    /// The slot map; nil for a single Redis.
    private let topology: RedisClusterTopology?

    private struct SharedKey: Hashable {
        let loop: ObjectIdentifier
        /// nil on a single Redis.
        let node: RedisNodeAddress?
    }

    private struct Livenesses {
        var byNode: [RedisNodeAddress?: RedisLiveness] = [:]
        var isClosed = false
    }

    private struct Registry {
        /// One shared connection per event loop (and node, on a cluster).
        var shared: [SharedKey: RedisEventLoopConnection] = [:]
        /// Dedicated connections leased now.
        var leased: [ObjectIdentifier: RedisEventLoopConnection] = [:]
        /// Connections on loops their owners drive (the heartbeat's), closed at shutdown too.
        var isolated: [RedisEventLoopConnection] = []
        /// Leases waiting for room, first come first served.
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var cancelledWaiters: Set<Int> = []
        var lastWaiterID = 0
        var isClosed = false
    }

    /// `eventLoops`: where the connections run; the same group as the server's channels, so a
    /// session's Redis replies arrive on its own loop.
    public init(configuration: RedisConfiguration, logger: Logger, eventLoops: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        // A write to a socket the server already closed raises SIGPIPE, which would kill the
        // process instead of surfacing as connectionLost. Idempotent, so harmless if the
        // executable did it already.
        signal(SIGPIPE, SIG_IGN)
        self.configuration = configuration
        self.logger = logger
        self.eventLoops = eventLoops
        self.topology = configuration.isCluster ? RedisClusterTopology(seeds: configuration.clusterSeeds, logger: logger) : nil
    }

    /// Runs one command. An error reply throws `RedisError` with code `.serverError` and the
    /// server's text as the message.
    public func command(_ args: [String]) async throws -> RedisValue {
        guard let topology else { return try await self.sharedConnection().command(args, timeout: self.configuration.commandTimeout) }
        if args.first?.uppercased() == "SCRIPT" { return try await self.everyMaster(args, topology) }
        return try Self.single(await self.routed([args], slots: [RedisCommandKey.of(args).map { RedisSlot.of($0) }], topology) { $0 })
    }

    public func command(_ args: String...) async throws -> RedisValue {
        try await self.command(args)
    }

    /// Like `command(_:)` for arguments that are not text (serialized values, binary keys).
    public func command(bytes args: [[UInt8]]) async throws -> RedisValue {
        guard let topology else { return try await self.sharedConnection().command(bytes: args, timeout: self.configuration.commandTimeout) }
        return try Self.single(await self.routed([args], slots: [RedisCommandKey.slot(ofBytes: args)], topology) { $0.map { Array($0.utf8) } })
    }

    /// Sends all commands together on one connection, pipelined with every other caller's there.
    /// Error replies come back in place as `.error`; a lost connection throws. Wrapping the batch
    /// in MULTI ... EXEC makes it a transaction: nothing else runs between the batch's commands.
    /// For short commands only: a blocking one would hold up everyone sharing the connection
    /// (use `withDedicatedConnection`).
    /// On a cluster each command goes to the master of its own key's slot: a batch over several
    /// nodes goes as one batch per node, one after another in the order of each node's first
    /// command. A transaction must stay in one slot.
    public func pipeline(_ commands: [[String]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard let topology else { return try await self.sharedConnection().pipeline(commands, timeout: self.configuration.commandTimeout) }
        if commands[0].first?.uppercased() == "MULTI" { _ = try RedisCommandKey.slot(ofBatch: commands) }
        return try await self.routed(commands, slots: commands.map { RedisCommandKey.of($0).map { RedisSlot.of($0) } }, topology) { $0 }
    }

    public func pipeline(bytes commands: [[[UInt8]]]) async throws -> [RedisValue] {
        guard !commands.isEmpty else { return [] }
        guard let topology else { return try await self.sharedConnection().pipeline(bytes: commands, timeout: self.configuration.commandTimeout) }
        return try await self.routed(commands, slots: commands.map(RedisCommandKey.slot(ofBytes:)), topology) { $0.map { Array($0.utf8) } }
    }

    /// The same as `pipeline(_:)`: every short command is multiplexed on the caller's loop's
    /// connection. Kept for the callers that name the shape.
    public func multiplexed(_ commands: [[String]]) async throws -> [RedisValue] {
        try await self.pipeline(commands)
    }

    /// The shared connection on `eventLoop`, for callers that issue commands without waiting
    /// (`RedisEventLoopConnection.send`) and need their order kept.
    /// On a cluster, `key` names the node: its slot's master as the client knows it now. A reply
    /// on it may still be a redirection (`RedisClusterReply`); `isRedirection` tells, and the
    /// call goes again through `command` or `pipeline`, which follow it.
    public func multiplexedConnection(on eventLoop: any EventLoop, forKey key: String? = nil) throws -> RedisEventLoopConnection {
        try self.sharedConnection(on: eventLoop, node: self.topology?.node(forSlot: key.map { RedisSlot.of($0) }))
    }

    /// On a cluster, learns the slot map again (coalesced with any refresh under way); for callers
    /// on connections of their own (a tail, the heartbeat) whose node was lost or moved. Nothing on
    /// a single Redis.
    public func refreshSlotMap() async {
        if let topology { await self.refresh(topology) }
    }

    /// Waits until `configuration.waitReplicas` replicas have what this event loop's connection
    /// to `key`'s node wrote so far (`WAIT`); for a call that went the routed way, outside
    /// `RedisEventLoopConnection.send(_:timeout:waitForReplicas:)`. Throws when fewer confirm in time.
    public func waitForReplicas(forKey key: String) async throws {
        let replicas = self.configuration.waitReplicas
        guard replicas > 0 else { return }
        let timeout = self.configuration.waitReplicasTimeout
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let count = try await self.sharedConnection(node: self.node(forKey: key))
            .command(["WAIT", String(replicas), String(milliseconds)], timeout: self.configuration.commandTimeout).int ?? 0
        guard count >= Int64(replicas) else {
            throw RedisError(code: .timeout, message: "\(count) of \(replicas) replicas confirmed within \(timeout)")
        }
    }

    /// Whether an error reply means "not here, not now": the command did not run, and running it
    /// again through `command` or `pipeline` reaches the right node.
    public static func isRedirection(_ text: String) -> Bool { RedisClusterReply(error: text) != nil }

    /// Leases a connection of its own for `body`, for commands that wait server-side (XREAD
    /// BLOCK, XREADGROUP BLOCK) without holding up anyone else or any thread. The connection is
    /// closed when `body` returns; cancelling the task drops it at once, which ends a blocked read.
    /// At most `configuration.dedicatedConnectionLimit` leases run at once; more wait for one
    /// to end. Throws `.closed` once the client is shut down.
    /// On a cluster, `key` names the node (its slot's master now).
    public func withDedicatedConnection<T>(
        isolation: isolated (any Actor)? = #isolation,
        forKey key: String? = nil,
        _ body: (RedisEventLoopConnection) async throws -> T
    ) async throws -> T {
        let connection = try await self.leaseDedicated(node: self.node(forKey: key))
        defer { self.release(connection) }
        return try await body(connection)
    }

    /// A connection on a loop the caller drives itself, outside the shared ones: the heartbeat's,
    /// which must keep renewing while every shared loop is busy. A late reply fails its call at
    /// once (no probe), and its replies count as signs that Redis is alive. `shutdown()` closes it.
    public func makeIsolatedConnection(on eventLoop: any EventLoop, forKey key: String? = nil) throws -> RedisEventLoopConnection {
        let node = self.node(forKey: key)
        return try self.registry.withLockedValue { registry in
            guard !registry.isClosed else { throw Self.closedError }
            let made = self.makeConnection(on: eventLoop, role: .plain, node: node)
            // The heartbeat replaces its connection after each cluster failover: keep only the live ones.
            registry.isolated.removeAll(where: \.isClosed)
            registry.isolated.append(made)
            return made
        }
    }

    /// Replies that came later than the command timeout while Redis still answered (so the
    /// call went on waiting instead of failing).
    public var slowReplies: Int { self.livenesses.withLockedValue { $0.byNode.values.reduce(0) { $0 + $1.slowReplies } } }

    /// Probes Redis did not answer: each failed the late call and dropped its connection.
    public var failedProbes: Int { self.livenesses.withLockedValue { $0.byNode.values.reduce(0) { $0 + $1.failedProbes } } }

    /// Waits for the service group's graceful shutdown (or cancellation), then closes everything.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.shutdown()
    }

    /// Closes every connection; calls in flight fail, later ones throw `.closed`. Idempotent.
    public func shutdown() async {
        let (connections, waiters) = self.registry.withLockedValue { registry -> ([RedisEventLoopConnection], [CheckedContinuation<Void, any Error>]) in
            guard !registry.isClosed else { return ([], []) }
            registry.isClosed = true
            defer {
                registry.shared = [:]
                registry.leased = [:]
                registry.isolated = []
                registry.waiters = []
            }
            return (Array(registry.shared.values) + Array(registry.leased.values) + registry.isolated, registry.waiters.map(\.continuation))
        }
        for waiter in waiters { waiter.resume(throwing: Self.closedError) }
        for connection in connections { connection.close() }
        let livenesses = self.livenesses.withLockedValue { state in
            state.isClosed = true
            return Array(state.byNode.values)
        }
        for liveness in livenesses { liveness.close() }
        self.logger.info("Redis client shut down", metadata: ["redis.url": "\(self.configuration.redactedURL)"])
    }

    private static let closedError = RedisError(code: .closed, message: "Redis client is shut down")

    private func makeConnection(on eventLoop: any EventLoop, role: RedisEventLoopConnection.Role, node: RedisNodeAddress? = nil) -> RedisEventLoopConnection {
        RedisEventLoopConnection(
            configuration: node.map(self.configuration.node) ?? self.configuration, eventLoop: eventLoop, liveness: self.liveness(of: node),
            role: role, logger: self.logger
        )
    }

    private func liveness(of node: RedisNodeAddress?) -> RedisLiveness {
        self.livenesses.withLockedValue { state in
            if let known = state.byNode[node] { return known }
            let made = RedisLiveness(
                configuration: node.map(self.configuration.node) ?? self.configuration, eventLoops: self.eventLoops, logger: self.logger
            )
            // After shutdown it answers "lost" at once, and opens no probe.
            if state.isClosed { made.close() } else { state.byNode[node] = made }
            return made
        }
    }

    private func node(forKey key: String?) -> RedisNodeAddress? {
        self.topology?.node(forSlot: key.map { RedisSlot.of($0) })
    }

    /// The caller's own loop's connection when it runs on one of ours, else any loop's.
    private func sharedConnection(on eventLoop: (any EventLoop)? = nil, node: RedisNodeAddress? = nil) throws -> RedisEventLoopConnection {
        let eventLoop = eventLoop ?? self.eventLoops.any()
        return try self.registry.withLockedValue { registry in
            guard !registry.isClosed else { throw Self.closedError }
            let key = SharedKey(loop: ObjectIdentifier(eventLoop), node: node)
            if let existing = registry.shared[key] { return existing }
            let made = self.makeConnection(on: eventLoop, role: .shared, node: node)
            registry.shared[key] = made
            return made
        }
    }

    private static func single(_ replies: [RedisValue]) throws -> RedisValue {
        guard let reply = replies.first else { throw RedisError(code: .protocolError, message: "no reply") }
        if case .error(let text) = reply { throw RedisError(code: .serverError, message: text) }
        return reply
    }

    /// Sends each command to the master of its slot (`slots`, nil for a command without a key,
    /// which goes with the batch it sits in) and follows the cluster's answers: `MOVED` patches
    /// the map (and refreshes it) and goes again, `ASK` goes once to the named node with `ASKING`,
    /// `TRYAGAIN` and `CLUSTERDOWN` wait and go again, until the command timeout. Only the
    /// commands that were redirected go again, since the others ran; a transaction (MULTI first)
    /// goes whole to one node, and again whole, since Redis refused all of it. A lost node
    /// refreshes the map and throws: the caller decides whether to send again.
    private func routed<Command: Sendable>(
        _ commands: [Command], slots: [Int?], _ topology: RedisClusterTopology, asking: ([String]) -> Command
    ) async throws -> [RedisValue] {
        if !topology.isLoaded { await self.refresh(topology) }
        let deadline = ContinuousClock.now + self.configuration.commandTimeout
        let transaction = (commands.first as? [String])?.first?.uppercased() == "MULTI"
        let transactionSlot = slots.compactMap { $0 }.first
        var replies = [RedisValue?](repeating: nil, count: commands.count)
        var pending = Array(commands.indices)
        var askTargets: [Int: RedisNodeAddress] = [:]
        var pause = Duration.milliseconds(10)
        while true {
            // One batch per destination, in the order of each one's first command.
            var batches: [(node: RedisNodeAddress, asked: Bool, indices: [Int])] = []
            var previous: RedisNodeAddress?
            for index in pending {
                let ask = askTargets[index]
                let slot = transaction ? transactionSlot : slots[index]
                let node = ask ?? (slot == nil ? previous : nil) ?? topology.node(forSlot: slot)
                previous = node
                if let at = batches.firstIndex(where: { $0.node == node && $0.asked == (ask != nil) }) {
                    batches[at].indices.append(index)
                } else {
                    batches.append((node, ask != nil, [index]))
                }
            }
            askTargets = [:]
            var again: [Int] = []
            var wait = false
            for batch in batches {
                let batchCommands = batch.indices.map { commands[$0] }
                let sent = batch.asked ? batchCommands.flatMap { [asking(["ASKING"]), $0] } : batchCommands
                let answers: [RedisValue]
                do {
                    answers = try await self.send(sent, on: self.sharedConnection(node: batch.node))
                } catch let error as RedisError where error.code == .connectionFailed || error.code == .connectionLost {
                    await self.refresh(topology)
                    throw error
                }
                let got = batch.asked ? stride(from: 1, to: answers.count, by: 2).map { answers[$0] } : answers
                for (index, reply) in zip(batch.indices, got) {
                    replies[index] = reply
                    guard case .error(let text) = reply, let redirect = RedisClusterReply(error: text) else { continue }
                    again.append(index)
                    switch redirect {
                    case .moved(let movedSlot, let target):
                        topology.moved(slot: movedSlot, to: target)
                        Task { await self.refresh(topology) }
                    case .ask(_, let target):
                        askTargets[index] = target
                    case .tryAgain, .clusterDown:
                        wait = true
                    }
                }
            }
            if transaction, !again.isEmpty || replies.last??.errorMessage?.hasPrefix("EXECABORT") == true {
                let target = askTargets.values.first
                again = Array(commands.indices)
                askTargets = target.map { target in Dictionary(uniqueKeysWithValues: again.map { ($0, target) }) } ?? [:]
                if target == nil { wait = true }
            }
            if again.isEmpty || ContinuousClock.now >= deadline { return replies.map { $0 ?? .null } }
            pending = again.sorted()
            if wait {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
                await self.refresh(topology)
            }
        }
    }

    private func send<Command>(_ commands: [Command], on connection: RedisEventLoopConnection) async throws -> [RedisValue] {
        if let text = commands as? [[String]] { return try await connection.pipeline(text, timeout: self.configuration.commandTimeout) }
        if let bytes = commands as? [[[UInt8]]] { return try await connection.pipeline(bytes: bytes, timeout: self.configuration.commandTimeout) }
        throw RedisError(code: .protocolError, message: "unsupported command type")
    }

    /// `SCRIPT LOAD` and its kind must reach every master: a script runs where its keys are.
    private func everyMaster(_ args: [String], _ topology: RedisClusterTopology) async throws -> RedisValue {
        if !topology.isLoaded { await self.refresh(topology) }
        var first: RedisValue?
        for node in topology.masters {
            let reply = try await self.sharedConnection(node: node).command(args, timeout: self.configuration.commandTimeout)
            first = first ?? reply
        }
        return first ?? .null
    }

    private func refresh(_ topology: RedisClusterTopology) async {
        await topology.refresh { [self] node, command in
            try await self.sharedConnection(node: node).command(command, timeout: self.configuration.connectTimeout)
        }
    }

    private func leaseDedicated(node: RedisNodeAddress? = nil) async throws -> RedisEventLoopConnection {
        var warned = false
        while true {
            let leased = try self.registry.withLockedValue { registry -> RedisEventLoopConnection? in
                guard !registry.isClosed else { throw Self.closedError }
                guard registry.leased.count < self.configuration.dedicatedConnectionLimit else { return nil }
                let made = self.makeConnection(on: self.eventLoops.next(), role: .dedicated, node: node)
                registry.leased[ObjectIdentifier(made)] = made
                return made
            }
            if let leased { return leased }
            if !warned {
                warned = true
                self.logger.warning(
                    "every dedicated Redis connection is leased; waiting for one",
                    metadata: ["redis.dedicated.limit": "\(self.configuration.dedicatedConnectionLimit)"]
                )
            }
            try await self.waitForRoom()
        }
    }

    private func waitForRoom() async throws {
        let id = self.registry.withLockedValue { registry in
            registry.lastWaiterID += 1
            return registry.lastWaiterID
        }
        // A cancel that came after the wait ended leaves its mark: clear it.
        defer { _ = self.registry.withLockedValue { $0.cancelledWaiters.remove(id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let refusal: (any Error)? = self.registry.withLockedValue { registry in
                    if registry.isClosed { return Self.closedError }
                    if registry.cancelledWaiters.remove(id) != nil { return CancellationError() }
                    registry.waiters.append((id, continuation))
                    return nil
                }
                if let refusal { continuation.resume(throwing: refusal) }
            }
        } onCancel: {
            let waiter = self.registry.withLockedValue { registry -> CheckedContinuation<Void, any Error>? in
                guard let index = registry.waiters.firstIndex(where: { $0.id == id }) else {
                    registry.cancelledWaiters.insert(id)
                    return nil
                }
                return registry.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func release(_ connection: RedisEventLoopConnection) {
        connection.close()
        let next = self.registry.withLockedValue { registry -> CheckedContinuation<Void, any Error>? in
            registry.leased[ObjectIdentifier(connection)] = nil
            return registry.waiters.isEmpty ? nil : registry.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
