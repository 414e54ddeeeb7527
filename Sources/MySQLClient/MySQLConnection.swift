/// A database session leased to one `MySQLClient.withConnection` closure.
///
/// Not `Sendable`: it is only ever used on the pool thread that leased it, and it stops working
/// (throwing `.closed`) once the closure returns, so an escaped reference cannot reach a
/// connection that has since been handed to someone else.
public final class MySQLConnection {
    private let handle: MySQLConnectionHandle
    private var isLeased = true
    private var isInTransactionBlock = false

    init(handle: MySQLConnectionHandle) {
        self.handle = handle
    }

    /// Runs a statement that returns no rows (any rows it does return are discarded).
    @discardableResult
    public func execute(_ sql: String, _ params: [MySQLValue] = []) throws -> MySQLExecResult {
        try checkLeased()
        return try handle.execute(sql, params)
    }

    public func query(_ sql: String, _ params: [MySQLValue] = []) throws -> [MySQLRow] {
        try checkLeased()
        return try handle.query(sql, params)
    }

    public func ping() throws {
        try checkLeased()
        try handle.ping()
    }

    /// Runs `body` between START TRANSACTION and COMMIT; any error from `body` or from COMMIT
    /// rolls back and is rethrown. Transactions do not nest: MariaDB would silently commit the
    /// outer one, so a nested call throws `.invalidRequest` instead.
    public func transaction<T>(_ body: (MySQLConnection) throws -> T) throws -> T {
        try checkLeased()
        guard !isInTransactionBlock else {
            throw MySQLError(code: .invalidRequest, message: "transactions do not nest")
        }
        try handle.executeText("START TRANSACTION")
        isInTransactionBlock = true
        defer { isInTransactionBlock = false }
        do {
            let result = try body(self)
            try handle.executeText("COMMIT")
            return result
        } catch {
            // The original error matters more than a failed rollback; a broken connection rolls
            // back on the server by itself when it is discarded.
            _ = try? handle.executeText("ROLLBACK")
            throw error
        }
    }

    /// Statements run uncached, for one-off SQL such as migrations.
    @discardableResult
    func executeOnce(_ sql: String, _ params: [MySQLValue] = []) throws -> MySQLExecResult {
        try checkLeased()
        return try handle.execute(sql, params, cache: false)
    }

    func endLease() {
        isLeased = false
    }

    private func checkLeased() throws {
        guard isLeased else {
            throw MySQLError(code: .closed, message: "connection used after its withConnection closure returned")
        }
    }
}
