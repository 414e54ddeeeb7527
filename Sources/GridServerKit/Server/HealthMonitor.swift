import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// Checks Redis, MySQL, the persister's lag and the spool once a second, so that `/healthz` and
/// every client's status bar show the same state without each asking the backends.
public final class HealthMonitor: Service {
    let checks: HealthChecks
    private let current = Mutex<HealthReport?>(nil)

    init(checks: HealthChecks) {
        self.checks = checks
    }

    var report: HealthReport? { current.withLock { $0 } }

    var health: ServerHealth? {
        report.map {
            ServerHealth(redis: $0.redis == "ok", mysql: $0.mysql == "ok", persisterLagMilliseconds: $0.persisterLagMilliseconds, spoolDepth: $0.spoolDepth)
        }
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let report = await HealthReport.check(checks)
            current.withLock { $0 = report }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
