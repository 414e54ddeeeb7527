import Foundation
import TestSupport
import MySQLClient
import NIOConcurrencyHelpers
import Logging
import GridAuth

#if canImport(Glibc)
import Glibc
#endif

/// Starts the real executables for system tests and cleans them up.
enum SystemHarness {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }
    static var redisURL: String { environment["REDIS_URL"] ?? "redis://127.0.0.1:16379" }
    static var mysqlURL: String { environment["MYSQL_URL"] ?? "mysql://root@127.0.0.1:13306/collabgrid" }

    static func repositoryRoot() -> URL { ServiceScripts.repositoryRoot() }

    static var binDirectory: URL {
        if let dir = environment["GRID_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        return repositoryRoot().appendingPathComponent(".build/debug")
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("collabgrid-\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A TCP port nobody listens on right now.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func mysqlClient(url: String = mysqlURL) throws -> MySQLClient {
        MySQLClient(configuration: try MySQLConfiguration(url: url), logger: Logger(label: "SystemTests"))
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}

/// A running grid-server process.
final class ServerProcess: Sendable {
    let id: String
    let port: Int
    let logFile: URL
    let spoolFile: URL
    private let process: Process
    /// How many lives of this server the log already holds.
    private let earlierStarts: Int

    let scheme: String
    /// Where clients and `/healthz` reach it: loopback, or a lab host's front address.
    let address: String

    /// Runs with the test token secret (`TestTokens`) unless `environment` says otherwise.
    /// `launcher` goes before the executable (`scripts/lab exec srv1`), and must exec it, so that
    /// the process's pid is the server's.
    init(
        id: String, directory: URL, port: Int? = nil, address: String = "127.0.0.1", launcher: [String] = [], extraArguments: [String] = [],
        environment: [String: String] = [:]
    ) throws {
        self.id = id
        self.address = address
        self.port = port ?? SystemHarness.freePort()
        self.logFile = directory.appendingPathComponent("\(id).log")
        self.spoolFile = directory.appendingPathComponent("spool/\(id).jsonl")
        // A restarted server appends to its log, so a failing run keeps every life of it.
        if !FileManager.default.fileExists(atPath: logFile.path) {
            _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        }
        let process = Process()
        let executable = SystemHarness.binDirectory.appendingPathComponent("grid-server")
        let arguments = [
            "--port", String(self.port), "--server-id", id, "--redis-url", SystemHarness.redisURL, "--mysql-url", SystemHarness.mysqlURL,
            "--spool-dir", directory.appendingPathComponent("spool").path,
        ] + extraArguments
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        earlierStarts = Self.starts(in: (try? String(contentsOf: logFile, encoding: .utf8)) ?? "")
        self.scheme = extraArguments.contains("--tls-cert") ? "wss" : "ws"
        process.environment = TestTokens.environment(token: nil, extra: environment).filter { !$0.value.isEmpty }
        let log = try FileHandle(forWritingTo: logFile)
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// With TLS by name: the client cannot send an IP address as the TLS server name.
    var url: String { scheme == "wss" ? "wss://localhost:\(port)/ws" : "ws://\(address):\(port)/ws" }
    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var exitCode: Int32 { process.terminationStatus }

    func waitUntilListening() async throws {
        let ready = try await SystemHarness.eventually(timeout: .seconds(60)) {
            Self.starts(in: log) > earlierStarts
        }
        if !ready { throw HarnessError(message: "server \(id) did not start; log:\n\(log)") }
    }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    private static func starts(in log: String) -> Int {
        log.components(separatedBy: "listening on").count - 1
    }

    /// The server's `/healthz` document.
    func healthz() throws -> [String: Any] {
        (try JSONSerialization.jsonObject(with: try get("/healthz"))) as? [String: Any] ?? [:]
    }

    /// The body of a plain HTTP GET on the server's port.
    func get(_ path: String) throws -> Data {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "--max-time", "5", "http://\(address):\(port)\(path)"]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return data
    }

    /// Session records waiting in this server's spool.
    var spoolDepth: Int {
        ((try? String(contentsOf: spoolFile, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func kill(signal: Int32 = SIGKILL) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    /// Freezes the process (SIGSTOP): connections to it hang instead of failing.
    func pause() { kill(signal: SIGSTOP) }
    func resume() { kill(signal: SIGCONT) }

    func stop() async {
        resume()
        kill(signal: SIGTERM)
        _ = try? await SystemHarness.eventually(timeout: .seconds(10)) { !self.process.isRunning }
        kill()
    }
}

/// A running `grid-tui --headless --events --script -`, fed line by line.
final class HeadlessClient: Sendable {
    let user: String
    private let process: Process
    private let input: FileHandle
    private let lines = NIOLockedValueBox<[String]>([])
    private let partial = NIOLockedValueBox<Data>(Data())
    let errorFile: URL

    /// Logs in with an editor token for `user` and `grid` made with the test secret, unless
    /// `token` is given: `.some(nil)` sends none, `.some(t)` sends `t`.
    init(
        user: String, grid: String, servers: [String], directory: URL, role: TokenClaims.Role = .editor, token: String?? = .none,
        extraArguments: [String] = []
    ) throws {
        self.user = user
        self.errorFile = directory.appendingPathComponent("\(user).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = SystemHarness.binDirectory.appendingPathComponent("grid-tui")
        process.arguments = ["--headless", "--events", "--user", user, "--grid", grid, "--script", "-"]
            + servers.flatMap { ["--server", $0] } + extraArguments
        let chosen: String? = switch token {
        case .none: TestTokens.make(user: user, grid: grid, role: role)
        case .some(let given): given
        }
        process.environment = TestTokens.environment(token: chosen)
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: errorFile)
        let lines = self.lines
        let partial = self.partial
        // A copy of everything printed, for reading after a failed run.
        let outputFile = directory.appendingPathComponent("\(user).stdout")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let copy = try FileHandle(forWritingTo: outputFile)
        // A thread of its own blocks in read(2) until the client exits: Foundation's
        // readabilityHandler was seen to stop being called under load after one 8 KiB chunk.
        let reader = stdout.fileHandleForReading
        let thread = Thread {
            var bytes = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = bytes.withUnsafeMutableBytes { Glibc.read(reader.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                let chunk = Data(bytes[0..<count])
                copy.write(chunk)
                let complete: [String] = partial.withLockedValue { buffer in
                    buffer.append(chunk)
                    var found: [String] = []
                    while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                        found.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                        buffer.removeSubrange(buffer.startIndex...newline)
                    }
                    return found
                }
                if !complete.isEmpty { lines.withLockedValue { $0 += complete } }
            }
        }
        thread.start()
        try process.run()
        self.process = process
        self.input = stdin.fileHandleForWriting
    }

    /// Writing to a client that has exited (a refused login) must fail this write, not kill
    /// the whole test process with SIGPIPE and leave its servers running.
    func send(_ script: String) {
        signal(SIGPIPE, SIG_IGN)
        try? input.write(contentsOf: Data(script.utf8))
    }

    var output: [String] { lines.withLockedValue { $0 } }
    var stderr: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }
    var isRunning: Bool { process.isRunning }
    var exitCode: Int32 { process.terminationStatus }

    /// Waits until a line equal to `marker` appears.
    func waitFor(_ marker: String, timeout: Duration = .seconds(60)) async throws {
        let seen = try await SystemHarness.eventually(timeout: timeout) { self.output.contains(marker) }
        if !seen {
            throw HarnessError(message: "\(user) never printed \(marker); stderr: \(stderr); last output: \(output.suffix(5))")
        }
    }

    /// JSON objects printed on stdout.
    var objects: [[String: Any]] {
        output.compactMap { line in
            guard line.hasPrefix("{"), let data = line.data(using: .utf8) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    /// Ends a client that will never finish by itself (one still trying to connect).
    func terminate() async {
        try? input.close()
        if process.isRunning { process.terminate() }
        _ = try? await SystemHarness.eventually(timeout: .seconds(10)) { !self.process.isRunning }
    }

    func finish() async throws {
        try? input.close()
        _ = try await SystemHarness.eventually(timeout: .seconds(20)) { !self.process.isRunning }
        if process.isRunning { process.terminate() }
    }
}

extension HeadlessClient {
    /// Returns once every client has seen every edit any of them made: all are answered first,
    /// then the first client makes one last edit (cell Z9) and each waits for it. Events arrive
    /// in log order, so a client that sees it has seen everything before it. Without this, a
    /// client that settles early dumps before the others' last events reach it.
    static func converge(_ clients: [HeadlessClient], timeout: Duration = .seconds(120)) async throws {
        let tag = "seen-\(UUID().uuidString.prefix(8).lowercased())"
        for client in clients { client.send("sync 90000\necho synced \(tag)\n") }
        for client in clients { try await client.waitFor("synced \(tag)", timeout: timeout) }
        clients[0].send("set Z9 \(tag)\n")
        for client in clients { client.send("wait Z9 \(tag) 90000\necho \(tag)\n") }
        for client in clients { try await client.waitFor(tag, timeout: timeout) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension SystemHarness {
    static func services(_ arguments: String...) async throws {
        try await ServiceScripts.run(services: arguments)
    }

    static func run(_ argv: [String], output: String? = nil, extraEnvironment: [String: String] = [:]) async throws -> Int32 {
        try await ServiceScripts.run(argv, output: output, extraEnvironment: extraEnvironment)
    }

    static var stateDirectory: URL {
        environment["GRID_STATE_DIR"].map { URL(fileURLWithPath: $0) } ?? repositoryRoot().appendingPathComponent(".state")
    }
}
