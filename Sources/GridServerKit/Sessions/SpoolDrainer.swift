import Logging
import MySQLClient
import ServiceLifecycle

/// Moves spooled session records into MySQL once it answers again.
public struct SpoolDrainer: Service {
    let spool: Spool
    let mysql: MySQLClient
    let logger: Logger

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let records = spool.records()
            if !records.isEmpty {
                do {
                    try await mysql.withConnection { connection in
                        try connection.transaction { connection in
                            for record in records { try record.upsert(on: connection) }
                        }
                    }
                    try spool.remove(first: records.count)
                    logger.info("spool drained into MySQL", metadata: ["records": "\(records.count)"])
                } catch {
                    logger.debug("spool waiting for MySQL", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
