import Testing
@testable import GridClientCore
@testable import Shared

@Suite("wss:// addresses")
struct TLSAddressTests {
    @Test(arguments: ["wss://localhost:8443/ws", "wss://grid.example.com/ws", "wss://grid-1.internal:443/ws", "ws://127.0.0.1:8080/ws"])
    func namesAndPlainURLsAreFine(url: String) {
        #expect(GridClient.tlsAddressProblem(url) == nil)
    }

    @Test(arguments: ["wss://127.0.0.1:8443/ws", "wss://10.0.0.5/ws", "wss://[::1]:8443/ws"])
    func ipAddressesAreRefusedWithAWayOut(url: String) {
        let problem = GridClient.tlsAddressProblem(url)
        #expect(problem?.hasPrefix("wss:// needs the server's host name, not the IP address") == true)
        #expect(problem?.contains("wss://localhost:PORT/ws") == true)
    }

    @Test func connectionFailuresSayWhatToDo() {
        struct Upgrade: Error, CustomStringConvertible { var description: String { "WebSocket upgrade failed" } }
        struct Refused: Error, CustomStringConvertible { var description: String { "connect(descriptor:addr:size:): Connection refused (errno: 111)" } }
        #expect(GridClient.explain(Upgrade(), server: "ws://h:1/ws", loggedIn: false).hasSuffix("(if the server uses TLS, connect with wss:// instead of ws://)"))
        #expect(!GridClient.explain(Refused(), server: "ws://h:1/ws", loggedIn: false).contains("wss://"))
        #expect(!GridClient.explain(Upgrade(), server: "wss://h:1/ws", loggedIn: false).contains("connect with wss://"))
    }
}
