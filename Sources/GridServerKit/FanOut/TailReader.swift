import Logging
import NIOCore
import RedisClient

/// Tails many grids on one connection: one blocking XREAD over the log and ephemeral streams of
/// every grid it holds, so a server's tail connections are a fixed number, whatever the number
/// of grids with sessions. With no grid it holds no lease and sends nothing.
///
/// A grid added while the read is blocked would wait for the block to time out before its
/// first entries are read; so the reader is woken with `CLIENT UNBLOCK`, sent on a shared
/// connection, and reads again with the new grid included. Nothing is missed either way: each
/// grid's positions were fixed before its first session subscribed.
actor TailReader {
    private struct Tailed {
        let hub: GridHub
        var positions: TailPositions
    }

    private var grids: [String: Tailed] = [:]
    /// Stream key → its grid and whether it is the log (else the ephemeral stream).
    private var streams: [String: (grid: String, isLog: Bool)] = [:]
    /// The grids in the order of `encodedKeys`, the stream keys of the XREAD already in RESP form:
    /// they change only when a grid comes or goes, and the command is sent for every delivery.
    private var order: [String] = []
    private var encodedKeys: ByteBuffer?
    /// The connection's `CLIENT ID` while an XREAD is blocked on it: what `add` unblocks.
    private var blockedClient: Int64?
    private let redis: RedisClient
    private let block: Duration
    private let blockMilliseconds: String
    private let metrics: ServerMetrics?
    private let logger: Logger
    /// Failed reads since the last good one; the next good one resumes every grid first.
    private var failures = 0
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(redis: RedisClient, block: Duration = .seconds(1), metrics: ServerMetrics?, logger: Logger) {
        self.redis = redis
        self.block = block
        self.blockMilliseconds = String(block.components.seconds * 1000 + block.components.attoseconds / 1_000_000_000_000_000)
        self.metrics = metrics
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    var count: Int { grids.count }

    /// Starts reading `hub`'s grid from `positions`; replaces an older hub of the same grid.
    func add(_ hub: GridHub, at positions: TailPositions) {
        let keys = hub.keys
        grids[hub.grid] = Tailed(hub: hub, positions: positions)
        streams[keys.log] = (hub.grid, true)
        streams[keys.ephemeral] = (hub.grid, false)
        encodedKeys = nil
        wake.yield()
        if let client = blockedClient {
            blockedClient = nil
            let redis = self.redis
            Task { _ = try? await redis.command(["CLIENT", "UNBLOCK", String(client)]) }
        }
    }

    /// Stops reading `hub`'s grid, unless a newer hub took its place; takes effect with the next read.
    func remove(_ hub: GridHub) {
        guard let tailed = grids[hub.grid], tailed.hub === hub else { return }
        grids[hub.grid] = nil
        streams[hub.keys.log] = nil
        streams[hub.keys.ephemeral] = nil
        encodedKeys = nil
    }

    /// Reads until cancelled: leases a connection while it holds grids, and waits without one
    /// while it holds none.
    func run() async {
        var wakeups = self.wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            if grids.isEmpty {
                guard await wakeups.next() != nil else { break }
                continue
            }
            do {
                // On a cluster a reader holds grids of one slot (`GridTails`): lease on its master.
                try await redis.withDedicatedConnection(forKey: grids.values.first?.hub.keys.log) { connection in
                    await self.read(on: connection)
                }
            } catch {
                // Only a client that is shut down, or a cancelled wait for a lease: the server is stopping.
                logger.debug("grid tails stopped", metadata: ["error": "\(error)"])
                break
            }
        }
    }

    /// A failed XREAD here means Redis is lost, not slow: the client keeps waiting for a late
    /// reply as long as Redis answers a probe, so only a broken connection or a failed probe
    /// ends the grids' sessions. Returns once the reader holds no grid.
    private func read(on connection: RedisEventLoopConnection) async {
        var client: Int64?
        while !Task.isCancelled && !grids.isEmpty {
            do {
                if failures > 0 {
                    try await resumeAll()
                    logger.info("grid tails reconnected", metadata: ["grids": "\(grids.count)"])
                    failures = 0
                }
                if client == nil { client = try await connection.command(["CLIENT", "ID"], timeout: redis.configuration.commandTimeout).int }
                let reading = grids
                let command = xread()
                blockedClient = client
                let reply = try await connection.command(encoded: command, timeout: block + .seconds(4))
                blockedClient = nil
                await deliver(reply, read: reading)
            } catch let error as RedisError where error.code == .serverError && RedisClient.isRedirection(error.message) {
                // A cluster moved (or is moving) the slot: nothing is lost, and the positions
                // stay. Lease again where the map says it lives now.
                blockedClient = nil
                await redis.refreshSlotMap()
                try? await Task.sleep(for: .milliseconds(20))
                return
            } catch {
                blockedClient = nil
                client = nil
                if Task.isCancelled { break }
                failures += 1
                metrics?.redisErrors.increment()
                if failures == 1 {
                    logger.warning("grid tails lost Redis; ending these grids' sessions", metadata: ["grids": "\(grids.count)", "error": "\(error)"])
                }
                for tailed in grids.values { await tailed.hub.tailLost(error) }
                try? await Task.sleep(for: .milliseconds(min(1000, 50 * failures)))
                if redis.configuration.isCluster {
                    // The slot's master may have failed over or moved: lease again where the map says.
                    await redis.refreshSlotMap()
                    return
                }
            }
        }
    }

    /// `XREAD COUNT 1000 BLOCK <block> STREAMS <every grid's two keys> <their positions>`.
    private func xread() -> ByteBuffer {
        let keys: ByteBuffer
        if let encodedKeys {
            keys = encodedKeys
        } else {
            order = Array(grids.keys)
            var buffer = ByteBufferAllocator().buffer(capacity: 64 * order.count)
            for grid in order {
                guard let tailed = grids[grid] else { continue }
                RESPReader.encodeArgument(tailed.hub.keys.log.utf8, into: &buffer)
                RESPReader.encodeArgument(tailed.hub.keys.ephemeral.utf8, into: &buffer)
            }
            encodedKeys = buffer
            keys = buffer
        }
        var command = ByteBufferAllocator().buffer(capacity: keys.readableBytes * 2 + 64)
        RESPReader.encodeHeader(arguments: 6 + 4 * order.count, into: &command)
        for argument in ["XREAD", "COUNT", "1000", "BLOCK", blockMilliseconds, "STREAMS"] {
            RESPReader.encodeArgument(argument.utf8, into: &command)
        }
        command.writeImmutableBuffer(keys)
        for grid in order {
            let positions = grids[grid]?.positions ?? TailPositions(log: "$", ephemeral: "$")
            RESPReader.encodeArgument(positions.log.utf8, into: &command)
            RESPReader.encodeArgument(positions.ephemeral.utf8, into: &command)
        }
        return command
    }

    /// Moves each grid's positions past what was read before handing it over, so a hub added or
    /// removed while a delivery awaits changes nothing already read. A grid whose hub was
    /// replaced since the read keeps the new hub's positions and gets nothing from this read.
    private func deliver(_ reply: RedisValue, read: [String: Tailed]) async {
        guard let replies = reply.array else { return }
        var batches: [String: (hub: GridHub, log: [RedisValue], ephemeral: [RedisValue])] = [:]
        for stream in replies {
            guard let parts = stream.array, parts.count == 2, let name = parts[0].string, let entries = parts[1].array,
                let (grid, isLog) = streams[name], var tailed = grids[grid], tailed.hub === read[grid]?.hub,
                let newest = entries.last?.array?.first?.string
            else { continue }
            if isLog { tailed.positions.log = newest } else { tailed.positions.ephemeral = newest }
            grids[grid] = tailed
            var batch = batches[grid] ?? (tailed.hub, [], [])
            if isLog { batch.log = entries } else { batch.ephemeral = entries }
            batches[grid] = batch
        }
        for batch in batches.values { await batch.hub.deliver(log: batch.log, ephemeral: batch.ephemeral) }
    }

    /// After an outage each grid's tail restarts from its streams as they are now
    /// (`GridHub.resume`).
    private func resumeAll() async throws {
        for (grid, tailed) in grids {
            let positions = try await tailed.hub.resume()
            // Read again: a newer hub may have taken the grid's place meanwhile.
            if var current = grids[grid], current.hub === tailed.hub {
                current.positions = positions
                grids[grid] = current
            }
        }
    }
}
