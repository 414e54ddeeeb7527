import Foundation
import Logging
import Synchronization

/// Times logins: from sending `hello` to having the whole `welcome` frame, on a fresh connection each time.
public struct LoginRun: Sendable {
    public var server: String
    public var grid: String
    public var logins = 5
    public var hello = HelloFactory()
    /// Each login opens a grid that does not exist yet, `<grid>-<attempt>`: the cost of a first login.
    public var newGrids = false
    let logger: Logger

    public init(server: String, grid: String, logger: Logger) {
        self.server = server
        self.grid = grid
        self.logger = logger
    }

    public func run() async throws -> LoginReport {
        var stats = LatencyStats()
        var times: [Double] = []
        var bytes = 0
        for attempt in 0..<logins {
            let frame = hello.frame(user: "login\(attempt)", grid: newGrids ? "\(grid)-\(attempt)" : grid)
            let start = BenchClock.now()
            let result = LockedBox<Result<(UInt64, Int), BenchError>?>(nil)
            let (ended, ending) = AsyncStream.makeStream(of: Void.self)
            let connection = try await BenchConnection.connect(
                url: server, maxMessageBytes: 1 << 30,
                onMessage: { message in
                    switch FrameScanner.scan(String(buffer: message)) {
                    case .welcome:
                        let elapsed = BenchClock.now() - start
                        result.withLock { $0 = $0 ?? .success((elapsed, message.readableBytes)) }
                        ending.finish()
                    case .error(let code, true, _):
                        result.withLock { $0 = $0 ?? .failure(BenchError("login refused: \(code)")) }
                        ending.finish()
                    default:
                        break
                    }
                    return true
                },
                onClose: { ending.finish() }
            )
            connection.send(frame)
            for await _ in ended {}
            connection.close()
            guard let outcome = result.withLock({ $0 }) else {
                throw BenchError("the server closed the connection before sending welcome")
            }
            let (elapsed, size) = try outcome.get()
            stats.record(nanoseconds: elapsed)
            times.append(Double(elapsed) / 1e6)
            bytes = size
        }
        return LoginReport(
            grid: newGrids ? "\(grid)-0 … \(grid)-\(logins - 1) (new grids)" : grid, server: server, logins: logins,
            welcome: stats.summary, welcomeBytes: bytes, millisecondsEach: times
        )
    }
}

public struct LoginReport: Codable, Sendable {
    public var grid: String
    public var server: String
    public var logins: Int
    public var welcome: LatencySummary
    public var welcomeBytes: Int
    public var millisecondsEach: [Double]
    public var cells: Int?
    public var history: Int?
    public var seedSeconds: Double?

    public var table: String {
        func f(_ value: Double) -> String { String(format: "%.1f", value) }
        return [
            "grid                        \(grid) on \(server)" + (cells.map { ", \($0) cells" } ?? "") + (history.map { ", \($0) history entries" } ?? ""),
            seedSeconds.map { "seeded in                   \(f($0)) s" },
            "welcome                     p50 \(f(welcome.p50)) ms  p99 \(f(welcome.p99)) ms  max \(f(welcome.max)) ms over \(logins) logins (\(welcomeBytes) bytes)",
            "each (ms)                   " + millisecondsEach.map(f).joined(separator: " "),
        ].compactMap { $0 }.joined(separator: "\n")
    }
}
