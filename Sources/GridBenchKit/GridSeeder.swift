import Foundation
import MySQLClient
import RedisClient

/// Writes a grid with H history entries and N non-empty cells straight into MySQL and Redis, in
/// the layout the server itself leaves after persisting and trimming (see `EventWriter`,
/// `GridSchema`, `GridRebuilder`): every entry in MySQL's `ops`, the cells in both
/// stores, the watermark, and a short recent tail of the log in the Redis stream. History entry i
/// sets cell i mod N, so each cell's state is its last write.
public struct GridSeeder: Sendable {
    public let redis: RedisClient
    public let mysql: MySQLClient
    /// Newest entries also kept in the Redis stream, as after trimming.
    public var streamTail = 1000
    public var rowsPerStatement = 1000

    public init(redis: RedisClient, mysql: MySQLClient) {
        self.redis = redis
        self.mysql = mysql
    }

    public struct Plan: Sendable {
        public let grid: String
        public let cells: Int
        public let history: Int
        /// Versions are `<base + i>-0`, a millisecond apart, ending a minute ago.
        public let baseMilliseconds: UInt64

        public init(grid: String, cells: Int, history: Int, now: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) {
            self.grid = grid
            self.cells = cells
            self.history = history
            self.baseMilliseconds = now - 60_000 - UInt64(history)
        }

        public func cell(_ entry: Int) -> String {
            // 100 columns wide, as the issue's "1,000 x 100" grid; rows grow downwards.
            let index = entry % cells
            return "\(columnName(index % 100))\(index / 100 + 1)"
        }

        public func version(_ entry: Int) -> String { "\(baseMilliseconds + UInt64(entry))-0" }

        public func sortKey(_ entry: Int) -> String {
            let ms = String(baseMilliseconds + UInt64(entry))
            return String(repeating: "0", count: 20 - ms.count) + ms + String(repeating: "0", count: 19) + "0"
        }

        public func value(_ entry: Int) -> String { "v\(entry)" }

        /// The entry that last wrote cell number `index` (0 ..< cells).
        public func lastWrite(ofCell index: Int) -> Int {
            index + cells * ((history - 1 - index) / cells)
        }

        public func at(_ entry: Int) -> Int64 { Int64(baseMilliseconds) + Int64(entry) }

        /// MySQL's `ops` row of history entry `entry` (`EventWriter`'s layout).
        public func opRow(_ entry: Int) -> [MySQLValue] {
            let previous = entry - cells, seed = "seed-\(grid)"
            return [
                .text(grid), .int(at(entry)), .int(0), .text("set"), .text(cell(entry)), .text(value(entry)),
                previous >= 0 ? .text(value(previous)) : .null, .text(previous >= 0 ? version(previous) : "0-0"),
                .text("seed"), .text(seed), .text("seed"), .text("\(seed)-\(entry)"), .int(at(entry)),
            ]
        }

        /// MySQL's `cells` row of the cell that entry `entry` wrote last.
        public func cellRow(_ entry: Int) -> [MySQLValue] {
            [.text(grid), .text(cell(entry)), .text(value(entry)), .text(version(entry)), .text(sortKey(entry)), .text("seed"), .int(at(entry))]
        }

        public static func insertOps(rows: Int) -> String {
            """
            INSERT INTO ops (grid, id_ms, id_seq, kind, cell, value, old_value, base, user_name, session, server, op_id, at_ms)
            VALUES \(Array(repeating: "(?,?,?,?,?,?,?,?,?,?,?,?,?)", count: rows).joined(separator: ","))
            """
        }

        public static func insertCells(rows: Int) -> String {
            "INSERT INTO cells (grid, cell, value, version, ver_key, user_name, at_ms) VALUES \(Array(repeating: "(?,?,?,?,?,?,?)", count: rows).joined(separator: ","))"
        }

        /// The cells hash's record of the cell that entry `entry` wrote (`GridSchema.CellRecord`).
        public func cellRecord(_ entry: Int) -> String {
            [version(entry), String(at(entry)), "seed", "s", value(entry)].joined(separator: "\t")
        }

        /// The XADD of history entry `entry` to the grid's log, as the sequencer writes it.
        public func logEntry(_ entry: Int) -> [String] {
            let seed = "seed-\(grid)"
            var fields = ["XADD", "grid:{\(grid)}:log", version(entry), "k", "set", "c", cell(entry), "b", entry >= cells ? version(entry - cells) : "0-0",
                          "u", "seed", "s", seed, "srv", "seed", "op", "\(seed)-\(entry)", "t", String(at(entry)), "v", value(entry)]
            if entry >= cells { fields += ["old", value(entry - cells)] }
            return fields
        }

        /// What marks the grid persisted up to its last entry and ready: the server's own keys
        /// after a rebuild (`GridRebuilder`).
        public func readyCommands() -> [[String]] {
            let last = version(history - 1)
            return [
                ["SET", "grid:{\(grid)}:first", version(0)],
                ["SET", "grid:{\(grid)}:durable", last],
                ["XGROUP", "CREATE", "grid:{\(grid)}:log", "persist", last, "MKSTREAM"],
                ["SET", "grid:{\(grid)}:ready", "1"],
            ]
        }

        private func columnName(_ column: Int) -> String {
            var column = column + 1
            var name = ""
            while column > 0 {
                let remainder = (column - 1) % 26
                name = String(UnicodeScalar(UInt8(65 + remainder))) + name
                column = (column - 1) / 26
            }
            return name
        }
    }

    public func seed(_ plan: Plan) async throws {
        guard plan.cells >= 1, plan.history >= plan.cells else {
            throw BenchError("--history must be at least --cells (every cell is written by one history entry)")
        }
        try await seedMySQL(plan)
        try await seedRedis(plan)
    }

    private func seedMySQL(_ plan: Plan) async throws {
        let rowsPerStatement = self.rowsPerStatement
        for chunkStart in stride(from: 0, to: plan.history, by: rowsPerStatement * 20) {
            let chunkEnd = min(plan.history, chunkStart + rowsPerStatement * 20)
            try await mysql.withConnection { connection in
                try connection.transaction { connection in
                    for start in stride(from: chunkStart, to: chunkEnd, by: rowsPerStatement) {
                        let end = min(chunkEnd, start + rowsPerStatement)
                        var params: [MySQLValue] = []
                        params.reserveCapacity((end - start) * 13)
                        for entry in start..<end { params += plan.opRow(entry) }
                        try connection.execute(Plan.insertOps(rows: end - start), params)
                    }
                }
            }
        }
        for start in stride(from: 0, to: plan.cells, by: rowsPerStatement) {
            let end = min(plan.cells, start + rowsPerStatement)
            var params: [MySQLValue] = []
            for index in start..<end { params += plan.cellRow(plan.lastWrite(ofCell: index)) }
            _ = try await mysql.execute(Plan.insertCells(rows: end - start), params)
        }
        let last = plan.history - 1
        _ = try await mysql.execute(
            "INSERT INTO watermarks (grid, version, ver_key, updated_at) VALUES (?, ?, ?, ?)",
            [.text(plan.grid), .text(plan.version(last)), .text(plan.sortKey(last)), .int(Int64(Date().timeIntervalSince1970 * 1000))]
        )
    }

    private func seedRedis(_ plan: Plan) async throws {
        let grid = plan.grid
        let cells = "grid:{\(grid)}:cells"
        var commands: [[String]] = []
        var hset = ["HSET", cells]
        for index in 0..<plan.cells {
            let entry = plan.lastWrite(ofCell: index)
            hset += [plan.cell(entry), plan.cellRecord(entry)]
            if hset.count >= 2 + 2 * rowsPerStatement {
                commands.append(hset)
                hset = ["HSET", cells]
            }
        }
        if hset.count > 2 { commands.append(hset) }
        for entry in max(0, plan.history - streamTail)..<plan.history { commands.append(plan.logEntry(entry)) }
        commands += plan.readyCommands()
        commands.append(["ZADD", "grids:{lastused}", String(Int64(Date().timeIntervalSince1970 * 1000)), grid])
        for start in stride(from: 0, to: commands.count, by: 500) {
            let replies = try await redis.pipeline(Array(commands[start..<min(commands.count, start + 500)]))
            if let failed = replies.first(where: { $0.errorMessage != nil })?.errorMessage {
                throw BenchError("seeding Redis failed: \(failed)")
            }
        }
    }
}
