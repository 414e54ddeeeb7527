import CMariaDB

/// Owns one libmariadb connection (`MYSQL *`) and the statements prepared on it.
///
/// `@unchecked Sendable`: a `MYSQL *` must never be used by two threads at once, but it may move
/// between threads. The pool guarantees that: a handle is either in the pool's lock-protected idle
/// list, where nobody touches it, or leased to exactly one closure running on one thread of the
/// client's thread pool. Taking it out of and putting it back into the idle list under the lock
/// orders all accesses from one lease before those of the next.
final class MySQLConnectionHandle: @unchecked Sendable {
    /// Prepared statements kept per connection; the least recently used is closed beyond this so
    /// ad-hoc SQL cannot exhaust the server's `max_prepared_stmt_count`.
    static let statementCacheCapacity = 128

    let id: Int
    var idleSince: ContinuousClock.Instant = .now
    /// The error that made this connection unusable; set once, then every call rethrows it and
    /// the pool discards the handle when the lease ends.
    private(set) var brokenBy: MySQLError?
    private var mysql: UnsafeMutablePointer<MYSQL>?
    private var statements: [String: MySQLStatement] = [:]
    private var useCounter: UInt64 = 0

    /// `mysql_server_init` is not thread-safe and `mysql_init` would call it implicitly on first
    /// use, so it runs exactly once, before any `mysql_init`, via Swift's thread-safe lazy static.
    private static let libraryInitialized: Bool = mysql_server_init(0, nil, nil) == 0

    private init(id: Int, mysql: UnsafeMutablePointer<MYSQL>) {
        self.id = id
        self.mysql = mysql
    }

    deinit {
        close()
    }

    /// Opens a connection; blocks for up to the connect timeout, so only call it on a pool thread.
    static func connect(configuration: MySQLConfiguration, id: Int) throws -> MySQLConnectionHandle {
        guard libraryInitialized, let mysql = mysql_init(nil) else {
            throw MySQLError(code: .connectionFailed, message: "could not initialise the MariaDB client library")
        }
        var connected = false
        defer {
            if !connected { mysql_close(mysql) }
        }

        var connectTimeout = MySQLConfiguration.timeoutSeconds(configuration.connectTimeout)
        var ioTimeout = MySQLConfiguration.timeoutSeconds(configuration.readTimeout)
        var reportTruncation: my_bool = 1
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        mysql_options(mysql, MYSQL_REPORT_DATA_TRUNCATION, &reportTruncation)
        mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4")

        let database = configuration.database
        if configuration.createDatabaseIfMissing {
            guard MySQLConfiguration.isValidDatabaseName(database) else {
                throw MySQLError(
                    code: .invalidConfiguration,
                    message: "database name must match ^[A-Za-z0-9_]{1,64}$ to be created"
                )
            }
        }
        // With createDatabaseIfMissing the database is selected after connecting, once it is
        // known to exist.
        let initialDatabase: String? = configuration.createDatabaseIfMissing ? nil : database
        guard
            mysql_real_connect(
                mysql, configuration.host, configuration.user, configuration.password, initialDatabase,
                UInt32(clamping: configuration.port), nil, 0
            ) != nil
        else {
            throw connectError(mysql)
        }

        if configuration.createDatabaseIfMissing, mysql_select_db(mysql, database) != 0 {
            let unknownDatabase: UInt32 = 1049  // ER_BAD_DB_ERROR
            guard mysql_errno(mysql) == unknownDatabase else { throw connectError(mysql) }
            // The name passed isValidDatabaseName above, so it cannot break out of the backquotes.
            let create = "CREATE DATABASE IF NOT EXISTS `\(database)` CHARACTER SET utf8mb4"
            guard realQuery(mysql, create) == 0, mysql_select_db(mysql, database) == 0 else {
                throw connectError(mysql)
            }
        }
        connected = true
        return MySQLConnectionHandle(id: id, mysql: mysql)
    }

    /// Whether the server reports an open transaction on this session.
    var isInTransaction: Bool {
        guard let mysql, brokenBy == nil else { return false }
        return mysql.pointee.server_status & UInt32(SERVER_STATUS_IN_TRANS) != 0
    }

    func execute(_ sql: String, _ parameters: [MySQLValue], cache: Bool = true) throws -> MySQLExecResult {
        do {
            return try withStatement(sql, cache: cache) { try $0.execute(parameters) }
        } catch let error as MySQLError where error.errno == 1295 && parameters.isEmpty {
            // ER_UNSUPPORTED_PS: a few statements (compound statements, for example) cannot be
            // prepared. Without parameters there is no value to splice, so the text protocol is safe.
            return try executeText(sql)
        }
    }

    func query(_ sql: String, _ parameters: [MySQLValue]) throws -> [MySQLRow] {
        try withStatement(sql, cache: true) { try $0.query(parameters) }
    }

    /// Runs fixed SQL containing no values (transaction control) over the text protocol.
    @discardableResult
    func executeText(_ sql: String) throws -> MySQLExecResult {
        let mysql = try usableHandle(for: sql)
        if Self.realQuery(mysql, sql) != 0 {
            throw noteFailure(Self.lastError(mysql))
        }
        if let result = mysql_store_result(mysql) {
            mysql_free_result(result)
        } else if mysql_errno(mysql) != 0 {
            throw noteFailure(Self.lastError(mysql))
        }
        return MySQLExecResult(affectedRows: UInt64(mysql_affected_rows(mysql)), lastInsertID: UInt64(mysql_insert_id(mysql)))
    }

    func ping() throws {
        let mysql = try usableHandle()
        if mysql_ping(mysql) != 0 {
            throw noteFailure(Self.lastError(mysql))
        }
    }

    /// Closes the statements first (they belong to the connection), then the connection.
    /// Idempotent.
    func close() {
        for statement in statements.values {
            statement.close()
        }
        statements.removeAll()
        if let mysql {
            mysql_close(mysql)
            self.mysql = nil
        }
    }

    private func withStatement<R>(_ sql: String, cache: Bool, _ body: (MySQLStatement) throws -> R) throws -> R {
        let mysql = try usableHandle(for: sql)
        let statement: MySQLStatement
        do {
            statement = try cache ? cachedStatement(sql, mysql: mysql) : MySQLStatement(mysql: mysql, sql: sql)
        } catch let error as MySQLError {
            throw noteFailure(error)
        }
        defer {
            if !cache { statement.close() }
        }
        do {
            return try body(statement)
        } catch let error as MySQLError {
            if error.code == .protocolError, cache {
                // The statement's client-side state is unknown; never reuse it.
                statements[sql] = nil
                statement.close()
            }
            throw noteFailure(error)
        }
    }

    private func cachedStatement(_ sql: String, mysql: UnsafeMutablePointer<MYSQL>) throws -> MySQLStatement {
        useCounter += 1
        if let statement = statements[sql] {
            statement.lastUsed = useCounter
            return statement
        }
        if statements.count >= Self.statementCacheCapacity,
            let oldest = statements.values.min(by: { $0.lastUsed < $1.lastUsed })
        {
            statements[oldest.sql] = nil
            oldest.close()
        }
        let statement = try MySQLStatement(mysql: mysql, sql: sql)
        statement.lastUsed = useCounter
        statements[sql] = statement
        return statement
    }

    private func usableHandle(for sql: String? = nil) throws -> UnsafeMutablePointer<MYSQL> {
        if let brokenBy { throw brokenBy }
        if let sql, sql.isEmpty {
            throw MySQLError(code: .invalidRequest, message: "SQL text is empty")
        }
        guard let mysql else {
            throw MySQLError(code: .closed, message: "connection has been closed")
        }
        return mysql
    }

    /// Remembers errors after which the connection cannot be trusted, and passes the error on.
    private func noteFailure(_ error: MySQLError) -> MySQLError {
        if brokenBy == nil, error.isConnectionError || error.code == .protocolError {
            brokenBy = error
        }
        return error
    }

    private static func realQuery(_ mysql: UnsafeMutablePointer<MYSQL>, _ sql: String) -> Int32 {
        var text = sql
        return text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                mysql_real_query(mysql, chars.baseAddress, UInt(chars.count))
            }
        }
    }

    private static func lastError(_ mysql: UnsafeMutablePointer<MYSQL>) -> MySQLError {
        MySQLError.classify(errno: mysql_errno(mysql), message: String(cString: mysql_error(mysql)))
    }

    /// Any failure while establishing the session counts as `connectionFailed`, keeping the
    /// server's errno and message (access denied, unknown database...).
    private static func connectError(_ mysql: UnsafeMutablePointer<MYSQL>) -> MySQLError {
        MySQLError(code: .connectionFailed, message: String(cString: mysql_error(mysql)), errno: mysql_errno(mysql))
    }
}
