import CMariaDB

/// One server-side prepared statement (`MYSQL_STMT *`), owned by the connection handle that
/// prepared it and used only on that handle's thread.
final class MySQLStatement {
    let sql: String
    let parameterCount: Int
    /// Recency stamp for the connection's least-recently-used statement cache.
    var lastUsed: UInt64 = 0
    private var statement: UnsafeMutablePointer<MYSQL_STMT>?

    init(mysql: UnsafeMutablePointer<MYSQL>, sql: String) throws {
        guard let statement = mysql_stmt_init(mysql) else {
            throw MySQLError.classify(errno: mysql_errno(mysql), message: String(cString: mysql_error(mysql)))
        }
        var text = sql
        let status = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                mysql_stmt_prepare(statement, chars.baseAddress, UInt(chars.count))
            }
        }
        if status != 0 {
            let error = Self.lastError(of: statement)
            mysql_stmt_close(statement)
            throw error
        }
        self.sql = sql
        self.statement = statement
        self.parameterCount = Int(mysql_stmt_param_count(statement))
    }

    deinit {
        close()
    }

    /// Frees the statement on the server (if the connection still works) and in the client.
    /// Must run before `mysql_close` of the owning connection.
    func close() {
        if let statement {
            mysql_stmt_close(statement)
            self.statement = nil
        }
    }

    func execute(_ parameters: [MySQLValue]) throws -> MySQLExecResult {
        let statement = try run(parameters)
        // A result set nobody asked for must still be drained, or the next command on this
        // connection fails with "Commands out of sync".
        if mysql_stmt_field_count(statement) > 0 {
            defer { mysql_stmt_free_result(statement) }
            if mysql_stmt_store_result(statement) != 0 {
                throw Self.lastError(of: statement)
            }
        }
        return MySQLExecResult(
            affectedRows: UInt64(mysql_stmt_affected_rows(statement)),
            lastInsertID: UInt64(mysql_stmt_insert_id(statement))
        )
    }

    func query(_ parameters: [MySQLValue]) throws -> [MySQLRow] {
        let statement = try run(parameters)
        let fieldCount = Int(mysql_stmt_field_count(statement))
        guard fieldCount > 0 else { return [] }

        guard let metadata = mysql_stmt_result_metadata(statement) else {
            throw Self.lastError(of: statement)
        }
        defer { mysql_free_result(metadata) }
        guard let fields = mysql_fetch_fields(metadata) else {
            throw MySQLError(code: .protocolError, message: "result set has no field metadata")
        }
        let results = MySQLResultBindings(fields: fields, count: fieldCount)

        defer { mysql_stmt_free_result(statement) }
        if mysql_stmt_store_result(statement) != 0 {
            throw Self.lastError(of: statement)
        }
        if mysql_stmt_bind_result(statement, results.binds) != 0 {
            throw Self.lastError(of: statement)
        }

        var rows: [MySQLRow] = []
        rows.reserveCapacity(Int(mysql_stmt_num_rows(statement)))
        while true {
            let status = mysql_stmt_fetch(statement)
            switch status {
            case 0, MYSQL_DATA_TRUNCATED:
                // Truncated columns are detected per column from their reported length.
                rows.append(MySQLRow(columns: results.columns, values: try results.currentRow(statement: statement)))
            case MYSQL_NO_DATA:
                return rows
            default:
                throw Self.lastError(of: statement)
            }
        }
    }

    private func run(_ parameters: [MySQLValue]) throws -> UnsafeMutablePointer<MYSQL_STMT> {
        guard let statement else {
            throw MySQLError(code: .closed, message: "prepared statement has been closed")
        }
        guard parameters.count == parameterCount else {
            throw MySQLError(
                code: .invalidRequest,
                message: "statement has \(parameterCount) placeholders but \(parameters.count) values were given"
            )
        }
        if parameterCount == 0 {
            if mysql_stmt_execute(statement) != 0 {
                throw Self.lastError(of: statement)
            }
            return statement
        }
        let bindings = MySQLParameterBindings(parameters)
        try withExtendedLifetime(bindings) {
            if mysql_stmt_bind_param(statement, bindings.binds) != 0 {
                throw Self.lastError(of: statement)
            }
            if mysql_stmt_execute(statement) != 0 {
                throw Self.lastError(of: statement)
            }
        }
        return statement
    }

    static func lastError(of statement: UnsafeMutablePointer<MYSQL_STMT>) -> MySQLError {
        let number = mysql_stmt_errno(statement)
        let message = mysql_stmt_error(statement).map { String(cString: $0) } ?? ""
        if number == 0 {
            return MySQLError(code: .protocolError, message: message.isEmpty ? "unknown statement error" : message)
        }
        return MySQLError.classify(errno: number, message: message)
    }
}
