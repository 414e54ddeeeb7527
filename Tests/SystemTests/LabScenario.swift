import Foundation
import TestSupport
import Testing

/// The lab of `scripts/lab up` (issue 14): grid-servers in network namespaces of their own, each
/// with a client side (front) and a backend side (back), on the lab's Redis Cluster and
/// MariaDB, which sit in hosts of their own on the back network. The tests run on the
/// controller (the root namespace), which is on both networks; `cut` and `heal` pull a host's
/// cable and put it back.
struct LabScenario {
    let clusterURL: String
    let mysqlURL: String
    private let hosts: [String: String]

    /// Servers give up on a silent Redis after a second's timeout and a 3 s probe, instead of
    /// the production 5 s and 30 s, so that a partition shows within the test's time.
    static let redisTimeouts = ["--redis-timeout-ms", "1000", "--redis-probe-timeout-ms", "3000"]

    init() throws {
        let folder = SystemHarness.stateDirectory.appendingPathComponent("lab")
        let services = Self.exports(folder.appendingPathComponent("services.env"))
        let lab = Self.exports(folder.appendingPathComponent("lab.env"))
        clusterURL = try #require(services["REDIS_CLUSTER_URL"], "the lab is not up (\(folder.path)/services.env has no REDIS_CLUSTER_URL): `scripts/lab up`")
        mysqlURL = try #require(services["MYSQL_URL"], "the lab's services.env has no MYSQL_URL")
        hosts = lab
        _ = try #require(lab["LAB_SRV1_FRONT"], "the lab is not up (\(folder.path)/lab.env): `scripts/lab up`")
    }

    /// `export KEY=VALUE` lines.
    private static func exports(_ file: URL) -> [String: String] {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let assignment = line.hasPrefix("export ") ? line.dropFirst("export ".count) : line
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            values[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        return values
    }

    /// A grid-server in lab host `host` (srv1, srv2, srv3), listening on its front address.
    func server(_ id: String, host: String, directory: URL, extraArguments: [String] = []) throws -> ServerProcess {
        let front = try #require(hosts["LAB_\(host.uppercased())_FRONT"], "lab host \(host) has no front address")
        return try ServerProcess(
            id: id, directory: directory, address: front, launcher: [Self.script.path, "exec", host],
            extraArguments: ["--host", "0.0.0.0", "--redis-url", clusterURL, "--mysql-url", mysqlURL] + Self.redisTimeouts + extraArguments
        )
    }

    /// Two listening servers, on srv1 and srv2.
    func servers(_ prefix: String, directory: URL) async throws -> (ServerProcess, ServerProcess) {
        let first = try server("\(prefix)-a", host: "srv1", directory: directory)
        let second = try server("\(prefix)-b", host: "srv2", directory: directory)
        do {
            try await first.waitUntilListening()
            try await second.waitUntilListening()
        } catch {
            first.kill()
            second.kill()
            throw error
        }
        return (first, second)
    }

    /// `scripts/lab ARGS`; its output.
    @discardableResult
    static func lab(_ arguments: String..., directory: URL) async throws -> String {
        try await ClusterScenario.shell((["scripts/lab"] + arguments).joined(separator: " "), directory: directory)
    }

    /// The same from a `defer`: puts a cut link back even when the test failed half-way.
    static func heal(_ host: String) {
        _ = ServiceScripts.runBlocking(["/bin/sh", "-c", "cd \"$0\" && exec scripts/lab heal \"$1\"", ServiceScripts.repositoryRoot().path, host])
    }

    static var script: URL { SystemHarness.repositoryRoot().appendingPathComponent("scripts/lab") }
}
