/// One schema change, applied once per database and recorded in `schema_migrations`.
///
/// MariaDB commits DDL implicitly, so a migration that fails half-way is not rolled back; write
/// statements that can run again (`CREATE TABLE IF NOT EXISTS`, `ADD COLUMN IF NOT EXISTS`).
public struct MySQLMigration: Sendable {
    public let version: Int
    public let name: String
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
