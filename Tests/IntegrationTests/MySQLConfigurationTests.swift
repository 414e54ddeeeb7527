import MySQLClient
import Testing

/// URL parsing and redaction; no server needed.
@Suite struct MySQLConfigurationTests {
    @Test func parsesFullURL() throws {
        let config = try MySQLConfiguration(url: "mysql://app:s3cr%40t@db.example:3307/grid_1")
        #expect(config.user == "app")
        #expect(config.password == "s3cr@t")
        #expect(config.host == "db.example")
        #expect(config.port == 3307)
        #expect(config.database == "grid_1")
    }

    @Test func keepsDefaultsForMissingParts() throws {
        let config = try MySQLConfiguration(url: "mysql://root@127.0.0.1")
        #expect(config.password == nil)
        #expect(config.port == 3306)
        #expect(config.database == "collabgrid")
    }

    @Test func redactedURLNeverShowsThePassword() throws {
        let config = try MySQLConfiguration(url: "mysql://app:hunter2@localhost:13306/collabgrid")
        #expect(config.redactedURL == "mysql://app:***@localhost:13306/collabgrid")
        #expect(!config.redactedURL.contains("hunter2"))
    }

    @Test(arguments: [
        "postgres://root@localhost/x",
        "mysql://root@localhost:notaport/x",
        "mysql://root@localhost:70000/x",
        "mysql://root@/x",
        "mysql://root@localhost/bad-name",
        "mysql://root@localhost/x`; DROP DATABASE y; --",
        "mysql://root@localhost/\(String(repeating: "a", count: 65))",
    ])
    func rejectsInvalidURLs(url: String) {
        #expect {
            try MySQLConfiguration(url: url)
        } throws: { error in
            (error as? MySQLError)?.code == .invalidConfiguration
        }
    }

    @Test func invalidURLErrorDoesNotEchoThePassword() {
        do {
            _ = try MySQLConfiguration(url: "mysql://root:topsecret@localhost:99999/x")
            Issue.record("expected an error")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
