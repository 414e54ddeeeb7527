extension MySQLClient {
    /// Named lock that serialises migrations across processes sharing the database.
    static let migrationLockName = "collabgrid_migrate"
    static let migrationLockTimeoutSeconds: Int64 = 30

    /// Applies, in version order, every migration not yet recorded in `schema_migrations`, each
    /// in its own transaction together with its record. Safe to call on every start and from
    /// several processes at once: the work happens under `GET_LOCK`, and the applied versions
    /// are read only after the lock is held.
    public func migrate(_ migrations: [MySQLMigration]) async throws {
        let ordered = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where previous.version == next.version {
            throw MySQLError(code: .invalidRequest, message: "migration version \(next.version) appears twice")
        }
        let logger = self.logger
        let lockName = Self.migrationLockName
        let lockTimeout = Self.migrationLockTimeoutSeconds
        // GET_LOCK sends nothing while it waits, so one wait longer than the read timeout would
        // look like a dead connection; wait in shorter slices up to the overall timeout instead.
        let slice = max(1, Int64(MySQLConfiguration.timeoutSeconds(configuration.readTimeout)) / 2)

        try await withConnection { connection in
            let deadline = ContinuousClock.now + .seconds(lockTimeout)
            while true {
                let taken = try connection.query("SELECT GET_LOCK(?, ?)", [.text(lockName), .int(slice)]).first?[0]
                if taken?.int == 1 { break }
                // 0 means the slice timed out; NULL means the server refused, so waiting is pointless.
                guard taken?.int == 0, ContinuousClock.now < deadline else {
                    throw MySQLError(
                        code: .serverError,
                        message: "could not take the migration lock '\(lockName)' within \(lockTimeout) s"
                    )
                }
            }
            // A lost connection releases the lock on the server by itself.
            defer { _ = try? connection.query("SELECT RELEASE_LOCK(?)", [.text(lockName)]) }

            try connection.executeOnce(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INT NOT NULL PRIMARY KEY,
                    name VARCHAR(255) NOT NULL,
                    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """
            )
            let applied = Set(
                try connection.query("SELECT version FROM schema_migrations").compactMap { $0["version"].int }
            )
            for migration in ordered where !applied.contains(Int64(migration.version)) {
                logger.info(
                    "applying MySQL migration",
                    metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"]
                )
                try connection.transaction { connection in
                    for statement in migration.statements {
                        try connection.executeOnce(statement)
                    }
                    try connection.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                        [.int(Int64(migration.version)), .text(migration.name)]
                    )
                }
            }
        }
    }
}
