import Foundation
import Logging
import MySQLClient
import Testing

/// Runs against the private MariaDB (`scripts/services up`, MYSQL_URL). Serialized because the
/// restart test kills that server.
@Suite(.serialized)
struct MySQLClientTests {
    private struct Boom: Error {}

    @Test func hostileTextIsStoredVerbatim() async throws {
        let table = MySQLTestSupport.uniqueName("hostile")
        let large = String(repeating: "aé€😀", count: 6554)  // 10 bytes each: just over 64 KiB
        let values = [
            "it's \"quoted\" with a \\ backslash and a `backquote`",
            "'; DROP TABLE x; --",
            "Robert'); DROP TABLE \(table);--",
            "\u{01}\u{07}\u{08}\t\r\n\u{0b}\u{0c}\u{1a}\u{1f}\u{7f}",
            "\u{1b}]52;c;SGVsbG8=\u{07}\u{1b}[2J\u{1b}[H",
            "emoji 👩‍💻🔥🇯🇵 and déjà vu, 漢字",
            "%s %d ? ?? $1 :name",
            "",
            "  padded  ",
            large,
        ]
        #expect(large.utf8.count >= 65536)

        try await MySQLTestSupport.withClient { client in
            try await client.execute(
                "CREATE TABLE \(table) (id INT PRIMARY KEY, body MEDIUMTEXT NOT NULL) CHARACTER SET utf8mb4"
            )
            for (index, value) in values.enumerated() {
                try await client.execute("INSERT INTO \(table) (id, body) VALUES (?, ?)", [.int(Int64(index)), .text(value)])
            }
            let rows = try await client.query("SELECT id, body, LENGTH(body) AS bytes FROM \(table) ORDER BY id")
            #expect(rows.count == values.count)
            for (row, value) in zip(rows, values) {
                #expect(row["body"] == .text(value))
                #expect(row["bytes"].int == Int64(value.utf8.count))
            }
            // Values used as parameters in WHERE match exactly and inject nothing.
            for (index, value) in values.enumerated() {
                let found = try await client.query("SELECT id FROM \(table) WHERE body = ?", [.text(value)])
                #expect(found.map { $0["id"] } == [.int(Int64(index))])
            }
            let echoed = try await client.query("SELECT ? AS v", [.text(large)])
            #expect(echoed.first?["v"].string == large)
            #expect(try await client.query("SELECT COUNT(*) AS n FROM \(table)").first?["n"] == .int(Int64(values.count)))
            try await client.execute("DROP TABLE \(table)")
        }
    }

    @Test func nullIntDoubleAndBytesKeepTheirTypes() async throws {
        let table = MySQLTestSupport.uniqueName("types")
        try await MySQLTestSupport.withClient { client in
            try await client.execute(
                """
                CREATE TABLE \(table) (
                    id INT AUTO_INCREMENT PRIMARY KEY, n BIGINT NULL, d DOUBLE NULL, s VARCHAR(20) NULL,
                    b VARBINARY(16) NULL, u BIGINT UNSIGNED NULL, dec_col DECIMAL(10,2) NULL
                )
                """
            )
            let first = try await client.execute(
                "INSERT INTO \(table) (n, d, s, b, u, dec_col) VALUES (?, ?, ?, ?, ?, ?)",
                [.null, .null, .null, .null, .null, .null]
            )
            #expect(first.affectedRows == 1)
            #expect(first.lastInsertID > 0)
            let second = try await client.execute(
                "INSERT INTO \(table) (n, d, s, b, u, dec_col) VALUES (?, ?, ?, ?, ?, ?)",
                [.int(Int64.min), .double(-2.5e-3), "42", .bytes([0, 1, 0xfe, 0xff]), .int(Int64.max), .text("12.34")]
            )
            #expect(second.lastInsertID == first.lastInsertID + 1)
            try await client.execute(
                "INSERT INTO \(table) (n, d, u) VALUES (?, ?, 18446744073709551615)", [.int(Int64.max), .double(3.25)]
            )

            let rows = try await client.query("SELECT n, d, s, b, u, dec_col FROM \(table) ORDER BY id")
            #expect(rows.count == 3)
            #expect(rows[0].values == [.null, .null, .null, .null, .null, .null])
            #expect(rows[0]["n"].int == nil)
            #expect(rows[1]["n"] == .int(Int64.min))
            #expect(rows[1]["d"] == .double(-2.5e-3))
            #expect(rows[1]["s"] == .text("42"))
            #expect(rows[1]["s"].int == 42)
            #expect(rows[1]["b"] == .bytes([0, 1, 0xfe, 0xff]))
            #expect(rows[1]["u"] == .int(Int64.max))
            #expect(rows[1]["dec_col"] == .text("12.34"))
            #expect(rows[2]["n"] == .int(Int64.max))
            #expect(rows[2]["d"] == .double(3.25))
            #expect(rows[2]["u"] == .text("18446744073709551615"))
            #expect(rows[2]["missing"] == .null)
            #expect(rows[2][99] == .null)

            let formatted = try await client.query(
                "SELECT CAST('2024-01-02 03:04:05' AS DATETIME) AS dt, CAST(? AS DECIMAL(6,2)) AS dec_value, "
                    + "CAST(? AS UNSIGNED) AS big, CAST(? AS CHAR) AS c",
                [.text("1.5"), .int(7), .bytes(Array("bytes".utf8))]
            )
            #expect(formatted.first?["dt"] == .text("2024-01-02 03:04:05"))
            #expect(formatted.first?["dec_value"] == .text("1.50"))
            #expect(formatted.first?["big"] == .int(7))
            #expect(formatted.first?["c"].string == "bytes")

            let literals = try await client.query("SELECT 7 AS i, 1.5e0 AS f, NULL AS z, 'x' AS t, ? AS p", [42])
            #expect(literals.first?.columns == ["i", "f", "z", "t", "p"])
            #expect(literals.first?.values == [.int(7), .double(1.5), .null, .text("x"), .int(42)])
            try await client.execute("DROP TABLE \(table)")
        }
    }

    @Test func tenRowResultKeepsOrderAndColumns() async throws {
        let table = MySQLTestSupport.uniqueName("rows")
        try await MySQLTestSupport.withClient { client in
            try await client.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, label VARCHAR(32) NOT NULL)")
            try await client.withConnection { connection in
                for id in 1...10 {
                    try connection.execute("INSERT INTO \(table) (id, label) VALUES (?, ?)", [.int(Int64(id)), .text("row \(id)")])
                }
            }
            let rows = try await client.query("SELECT id, label FROM \(table) ORDER BY id DESC")
            #expect(rows.count == 10)
            #expect(rows.map { $0["id"].int } == (1...10).reversed().map { Int64($0) })
            #expect(rows.map { $0[1].string } == (1...10).reversed().map { "row \($0)" })
            #expect(rows.allSatisfy { $0.columns == ["id", "label"] })
            #expect(try await client.query("SELECT id FROM \(table) WHERE id > ?", [100]).isEmpty)
            try await client.execute("DROP TABLE \(table)")
        }
    }

    @Test func transactionCommitsAndRollsBack() async throws {
        let table = MySQLTestSupport.uniqueName("tx")
        try await MySQLTestSupport.withClient { client in
            try await client.execute("CREATE TABLE \(table) (id INT PRIMARY KEY) ENGINE=InnoDB")
            try await client.withConnection { connection in
                let inserted = try connection.transaction { tx in
                    try tx.execute("INSERT INTO \(table) (id) VALUES (?)", [1])
                    try tx.execute("INSERT INTO \(table) (id) VALUES (?)", [2])
                    return 2
                }
                #expect(inserted == 2)

                #expect(throws: Boom.self) {
                    try connection.transaction { tx in
                        try tx.execute("INSERT INTO \(table) (id) VALUES (?)", [3])
                        throw Boom()
                    }
                }
                // A failing statement also rolls back what came before it.
                #expect {
                    try connection.transaction { tx in
                        try tx.execute("INSERT INTO \(table) (id) VALUES (?)", [4])
                        try tx.execute("INSERT INTO \(table) (id) VALUES (?)", [1])
                    }
                } throws: { error in
                    (error as? MySQLError)?.code == .duplicateKey
                }
                #expect {
                    try connection.transaction { tx in
                        try tx.transaction { _ in () }
                    }
                } throws: { error in
                    (error as? MySQLError)?.code == .invalidRequest
                }
            }
            // Other connections see only the committed rows.
            let ids = try await client.query("SELECT id FROM \(table) ORDER BY id").map { $0["id"] }
            #expect(ids == [.int(1), .int(2)])

            // A transaction left open by a closure is rolled back before the connection is reused.
            try await client.withConnection { connection in
                try connection.execute("START TRANSACTION")
                try connection.execute("INSERT INTO \(table) (id) VALUES (?)", [9])
            }
            #expect(try await client.query("SELECT COUNT(*) AS n FROM \(table) WHERE id = 9").first?["n"] == .int(0))
            try await client.execute("DROP TABLE \(table)")
        }
    }

    @Test func duplicateKeyMapsToItsOwnCode() async throws {
        let table = MySQLTestSupport.uniqueName("dup")
        try await MySQLTestSupport.withClient { client in
            try await client.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, email VARCHAR(64) UNIQUE)")
            try await client.execute("INSERT INTO \(table) VALUES (?, ?)", [1, "a@example.com"])
            for duplicate: [MySQLValue] in [[1, "b@example.com"], [2, "a@example.com"]] {
                do {
                    try await client.execute("INSERT INTO \(table) VALUES (?, ?)", duplicate)
                    Issue.record("duplicate insert succeeded")
                } catch let error as MySQLError {
                    #expect(error.code == .duplicateKey)
                    #expect(error.errno == 1062)
                    #expect(!error.isConnectionError)
                    #expect(error.message.contains("Duplicate entry"))
                }
            }
            // The connection that saw the error keeps working, with the same cached statement.
            try await client.withConnection { connection in
                #expect(throws: MySQLError.self) {
                    try connection.execute("INSERT INTO \(table) VALUES (?, ?)", [1, "c@example.com"])
                }
                try connection.execute("INSERT INTO \(table) VALUES (?, ?)", [3, "c@example.com"])
            }
            #expect(try await client.query("SELECT COUNT(*) AS n FROM \(table)").first?["n"] == .int(2))
            try await client.execute("DROP TABLE \(table)")
        }
    }

    @Test func serverAndUsageErrorsAreClassified() async throws {
        try await MySQLTestSupport.withClient { client in
            do {
                _ = try await client.query("SELEC 1")
                Issue.record("syntax error not reported")
            } catch let error as MySQLError {
                #expect(error.code == .serverError)
                #expect(error.errno == 1064)
                #expect(!error.isConnectionError)
            }
            await #expect {
                try await client.query("SELECT ?, ?", [1])
            } throws: { error in
                (error as? MySQLError)?.code == .invalidRequest
            }
            #expect(try await client.query("SELECT 1 AS one").first?["one"] == .int(1))
        }
    }

    @Test func migrationsApplyOnceAndAreIdempotent() async throws {
        var configuration = try MySQLTestSupport.configuration()
        // A database of its own: the shared one's schema_migrations belongs to the application.
        configuration.database = MySQLTestSupport.uniqueName("migrate")
        configuration.createDatabaseIfMissing = true
        let base = [
            MySQLMigration(version: 1, name: "create items", statements: [
                "CREATE TABLE items (id INT PRIMARY KEY, label VARCHAR(32) NOT NULL)",
            ]),
            MySQLMigration(version: 2, name: "seed items", statements: [
                "INSERT INTO items (id, label) VALUES (1, 'first')",
            ]),
        ]
        let database = configuration.database
        let dropDatabase: @Sendable (MySQLClient) async throws -> Void = { client in
            try await client.execute("DROP DATABASE IF EXISTS \(database)")
        }

        do {
            // Two "processes" start at once; the lock lets exactly one apply each version.
            async let first: Void = MySQLTestSupport.withClient(configuration) { try await $0.migrate(base) }
            async let second: Void = MySQLTestSupport.withClient(configuration) { try await $0.migrate(base.reversed()) }
            _ = try await (first, second)

            try await MySQLTestSupport.withClient(configuration) { client in
                try await client.migrate(base)
                try await client.migrate(base + [
                    MySQLMigration(version: 3, name: "add note", statements: [
                        "ALTER TABLE items ADD COLUMN note VARCHAR(32) NULL",
                        "UPDATE items SET note = 'migrated'",
                    ]),
                ])
                let versions = try await client.query("SELECT version, name FROM schema_migrations ORDER BY version")
                #expect(versions.map { $0["version"] } == [.int(1), .int(2), .int(3)])
                #expect(versions.map { $0["name"].string } == ["create items", "seed items", "add note"])
                let items = try await client.query("SELECT id, label, note FROM items")
                #expect(items.count == 1)
                #expect(items.first?["note"] == .text("migrated"))

                await #expect {
                    try await client.migrate([base[0], base[0]])
                } throws: { error in
                    (error as? MySQLError)?.code == .invalidRequest
                }
                try await dropDatabase(client)
            }
        } catch {
            try? await MySQLTestSupport.withClient(configuration) { try await dropDatabase($0) }
            throw error
        }
    }

    @Test func twentyConcurrentQueriesShareTheThreadPool() async throws {
        let results = try await MySQLTestSupport.withClient(try MySQLTestSupport.configuration(poolSize: 4)) { client in
            try await withThrowingTaskGroup(of: (Int, MySQLValue).self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let rows = try await client.query("SELECT ? AS n, SLEEP(0.05) AS s", [.int(Int64(index))])
                        return (index, rows.first?["n"] ?? .null)
                    }
                }
                var results: [Int: MySQLValue] = [:]
                for try await (index, value) in group {
                    results[index] = value
                }
                return results
            }
        }
        #expect(results.count == 20)
        for index in 0..<20 {
            #expect(results[index] == .int(Int64(index)))
        }
    }

    @Test func statementCacheClosesTheLeastRecentlyUsedBeyondItsCapacity() async throws {
        try await MySQLTestSupport.withClient(try MySQLTestSupport.configuration(poolSize: 1)) { client in
            try await client.withConnection { connection in
                let closedBefore = try connection.query("SHOW SESSION STATUS LIKE 'Com_stmt_close'").first?["Value"].int ?? -1
                for index in 0..<200 {
                    let rows = try connection.query("SELECT ? + \(index) AS n", [.int(1)])
                    #expect(rows.first?["n"].int == Int64(index + 1))
                }
                // The same text again reuses its statement.
                #expect(try connection.query("SELECT ? + 199 AS n", [.int(1)]).first?["n"] == .int(200))
                let closedAfter = try connection.query("SHOW SESSION STATUS LIKE 'Com_stmt_close'").first?["Value"].int ?? -1
                #expect(closedBefore >= 0)
                #expect(closedAfter - closedBefore >= 200 - 128 - 2)
            }
        }
    }

    @Test func failedConnectsAreConnectionErrorsWithoutThePassword() async throws {
        let (logger, logs) = MySQLCapturingLogHandler.logger()
        var refused = try MySQLTestSupport.configuration()
        refused.host = "127.0.0.1"
        refused.port = 1
        refused.password = "refused-secret-1"
        try await MySQLTestSupport.withClient(refused, logger: logger) { client in
            do {
                try await client.ping()
                Issue.record("connected to port 1")
            } catch let error as MySQLError {
                #expect(error.code == .connectionFailed)
                #expect(error.isConnectionError)
                #expect([2002, 2003].contains(error.errno))
                #expect(!error.message.contains("refused-secret-1"))
            }
        }

        var wrongPassword = try MySQLTestSupport.configuration()
        wrongPassword.password = "wrong-secret-2"
        try await MySQLTestSupport.withClient(wrongPassword, logger: logger) { client in
            do {
                try await client.ping()
                Issue.record("connected with a wrong password")
            } catch let error as MySQLError {
                #expect(error.code == .connectionFailed)
                #expect(error.errno == 1045)
                #expect(!"\(error)".contains("wrong-secret-2"))
            }
        }
        #expect(!logs.all.isEmpty)
        #expect(logs.all.allSatisfy { !$0.contains("refused-secret-1") && !$0.contains("wrong-secret-2") })
    }

    /// A MySQL password from the URL end to end: a throwaway user whose password needs
    /// percent-encoding, dropped afterwards.
    @Test func userAndPasswordFromTheURLLogIn() async throws {
        let user = MySQLTestSupport.uniqueName("cgu").prefix(32)
        let password = "p@ss:w/rd \(UUID().uuidString)"
        let base = try MySQLTestSupport.configuration()
        try await MySQLTestSupport.withClient { root in
            _ = try await root.execute("CREATE USER '\(user)'@'%' IDENTIFIED BY '\(password)'")
            _ = try await root.execute("GRANT ALL ON `\(base.database)`.* TO '\(user)'@'%'")
        }
        let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let (logger, logs) = MySQLCapturingLogHandler.logger()
        let configuration = try MySQLConfiguration(url: "mysql://\(user):\(encoded)@\(base.host):\(base.port)/\(base.database)")
        #expect(configuration.password == password)
        #expect(!configuration.redactedURL.contains(encoded) && !configuration.redactedURL.contains(password))
        let whoami = try await MySQLTestSupport.withClient(configuration, logger: logger) { client in
            try await client.query("SELECT CURRENT_USER() AS who")
        }
        #expect(whoami.first?["who"].string == "\(user)@%")
        try await MySQLTestSupport.withClient { root in
            _ = try await root.execute("DROP USER '\(user)'@'%'")
        }
        #expect(logs.all.allSatisfy { !$0.contains(password) && !$0.contains(encoded) })
    }

    @Test func shutdownClientRejectsWork() async throws {
        let client = MySQLClient(configuration: try MySQLTestSupport.configuration(), logger: Logger(label: "MySQLClientTests"))
        try await client.ping()
        await client.shutdown()
        await client.shutdown()
        await #expect {
            try await client.ping()
        } throws: { error in
            (error as? MySQLError)?.code == .closed
        }
    }

    @Test(.enabled(if: !MySQLTestSupport.skipRestart, "GRID_SKIP_RESTART=1"))
    func reconnectsAfterServerRestart() async throws {
        let table = MySQLTestSupport.uniqueName("restart")
        let (logger, logs) = MySQLCapturingLogHandler.logger()
        try await MySQLTestSupport.withClient(try MySQLTestSupport.configuration(poolSize: 2), logger: logger) { client in
            try await client.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, body TEXT) ENGINE=InnoDB")
            try await client.execute("INSERT INTO \(table) VALUES (?, ?)", [1, "before restart"])

            do {
                try await MySQLTestSupport.services("kill", "mysql")
                await #expect {
                    try await client.query("SELECT body FROM \(table) WHERE id = ?", [1])
                } throws: { error in
                    (error as? MySQLError)?.isConnectionError == true
                }
                try await MySQLTestSupport.services("start", "mysql")
            } catch {
                // Never leave the shared server down for the other suites, nor the table behind
                // (the first try may meet a connection from before the restart).
                try? await MySQLTestSupport.services("start", "mysql")
                for _ in 0..<2 {
                    if (try? await client.execute("DROP TABLE IF EXISTS \(table)")) != nil { break }
                }
                throw error
            }

            var rows: [MySQLRow]?
            var attempts = 0
            while rows == nil, attempts < 5 {
                attempts += 1
                do {
                    rows = try await client.query("SELECT body FROM \(table) WHERE id = ?", [1])
                } catch let error as MySQLError where error.isConnectionError {
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            #expect(rows?.first?["body"] == .text("before restart"))
            #expect(attempts <= 2, "took \(attempts) attempts")
            #expect(logs.all.contains { $0.contains("reconnected to MySQL") })
            try await client.execute("DROP TABLE \(table)")
        }
    }
}
