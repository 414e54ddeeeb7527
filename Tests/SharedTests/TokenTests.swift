import Foundation
import Testing
@testable import GridAuth

@Suite("Tokens")
struct TokenTests {
    static let secret = String(repeating: "a1", count: 32)
    static let otherSecret = String(repeating: "b2", count: 32)
    let now: Int64 = 1_800_000_000

    func keyring(_ secrets: String...) throws -> TokenKeyring { try TokenKeyring(secrets: secrets) }

    @Test func roundTripKeepsEveryClaim() throws {
        let keys = try keyring(Self.secret)
        let token = TokenSigner(keyring: keys).sign(user: "alice", grid: "q3", role: .viewer, ttlSeconds: 3600, now: now)
        let claims = try TokenVerifier(keyring: keys).verify(token, grid: "q3", now: now + 10)
        #expect(claims == TokenClaims(user: "alice", grid: "q3", role: .viewer, expires: now + 3600))
        #expect(token.hasPrefix("cg1."))
        #expect(token.split(separator: ".").count == 3)
    }

    @Test func expiredTokenIsRefusedAsExpired() throws {
        let keys = try keyring(Self.secret)
        let token = TokenSigner(keyring: keys).sign(user: "alice", grid: "q3", role: .editor, ttlSeconds: 60, now: now)
        #expect(throws: TokenError.self) { try TokenVerifier(keyring: keys).verify(token, now: now + 60) }
        do {
            _ = try TokenVerifier(keyring: keys).verify(token, now: now + 3600)
            Issue.record("an expired token was accepted")
        } catch {
            #expect(error.code == .expired)
            #expect(error.message == "the token expired 59 min ago")
        }
    }

    @Test func tokenSignedWithAnotherSecretIsABadSignature() throws {
        let forged = TokenSigner(keyring: try keyring(Self.otherSecret)).sign(user: "mallory", grid: "*", role: .admin, ttlSeconds: 60, now: now)
        #expect(verifyError(forged, keys: try keyring(Self.secret))?.code == .badSignature)
    }

    @Test func changedClaimsBreakTheSignature() throws {
        let keys = try keyring(Self.secret)
        let token = TokenSigner(keyring: keys).sign(user: "eve", grid: "q3", role: .viewer, ttlSeconds: 60, now: now)
        let parts = token.split(separator: ".").map(String.init)
        let promoted = Base64URL.encode(Array(#"{"exp":1800000060,"g":"q3","r":"admin","u":"eve"}"#.utf8))
        #expect(verifyError([parts[0], promoted, parts[2]].joined(separator: "."), keys: keys)?.code == .badSignature)
        var flipped = Array(parts[2].utf8)
        flipped[0] = flipped[0] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(verifyError([parts[0], parts[1], String(decoding: flipped, as: UTF8.self)].joined(separator: "."), keys: keys)?.code == .badSignature)
    }

    @Test func tokenForAnotherGridIsTheWrongGrid() throws {
        let keys = try keyring(Self.secret)
        let token = TokenSigner(keyring: keys).sign(user: "alice", grid: "q3", role: .editor, ttlSeconds: 60, now: now)
        let error = verifyError(token, grid: "q4", keys: keys)
        #expect(error?.code == .wrongGrid)
        #expect(error?.message == "the token opens grid 'q3', not 'q4'")
    }

    @Test func starTokenOpensEveryGrid() throws {
        let keys = try keyring(Self.secret)
        let token = TokenSigner(keyring: keys).sign(user: "ops", grid: "*", role: .admin, ttlSeconds: 60, now: now)
        for grid in ["q3", "budget-2027", "*"] {
            #expect(try TokenVerifier(keyring: keys).verify(token, grid: grid, now: now).role == .admin)
        }
    }

    @Test(arguments: [
        "", "cg1", "cg1..", "cg1.abc", "cg2.e30.AAAA", "cg1.e30.AAAA.extra", "cg1.!!!.AAAA", "cg1.e30.A", "Bearer cg1.e30.AAAA",
        String(repeating: "x", count: 5000),
    ])
    func malformedTokensAreMalformed(token: String) throws {
        #expect(verifyError(token, keys: try keyring(Self.secret))?.code == .malformed)
    }

    @Test func genuineSignatureOverUnreadableClaimsIsMalformed() throws {
        let keys = try keyring(Self.secret)
        let claimsPart = Base64URL.encode(Array(#"{"u":"x"}"#.utf8))
        let mac = TokenSigner(keyring: keys).macForTesting("cg1.\(claimsPart)")
        #expect(verifyError("cg1.\(claimsPart).\(mac)", keys: keys)?.code == .malformed)
    }

    @Test func rotationFirstSecretSignsEverySecretVerifies() throws {
        let old = TokenSigner(keyring: try keyring(Self.otherSecret)).sign(user: "bob", grid: "q3", role: .editor, ttlSeconds: 60, now: now)
        let rotated = try keyring(Self.secret, Self.otherSecret)
        let fresh = TokenSigner(keyring: rotated).sign(user: "bob", grid: "q3", role: .editor, ttlSeconds: 60, now: now)
        #expect(try TokenVerifier(keyring: rotated).verify(old, now: now).user == "bob")
        #expect(try TokenVerifier(keyring: try keyring(Self.secret)).verify(fresh, now: now).user == "bob")
        #expect(verifyError(fresh, keys: try keyring(Self.otherSecret))?.code == .badSignature)
    }

    @Test func shortOrMissingSecretsAreRefusedWithoutEchoingThem() {
        #expect(throws: TokenKeyringError.self) { try TokenKeyring(secrets: []) }
        do {
            _ = try TokenKeyring(secrets: [Self.secret, "hunter2"])
            Issue.record("a 7-byte secret was accepted")
        } catch {
            #expect(error.message.contains("token secret 2 is 7 bytes"))
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test func secretFileTakesOneSecretPerLineSkippingBlanksAndComments() {
        let file = "# current\n  \(Self.secret)  \n\n# previous, remove after 2026-12-01\n\(Self.otherSecret)\n"
        #expect(TokenKeyring.secrets(fromFile: file) == [Self.secret, Self.otherSecret])
    }

    @Test func constantTimeEqualityMatchesPlainEquality() {
        let a: [UInt8] = Array(0..<32)
        var lastDiffers = a
        lastDiffers[31] ^= 1
        var firstDiffers = a
        firstDiffers[0] ^= 0x80
        #expect(ConstantTime.equal(a, a))
        #expect(!ConstantTime.equal(a, lastDiffers))
        #expect(!ConstantTime.equal(a, firstDiffers))
        #expect(!ConstantTime.equal(a, Array(a.prefix(31))))
        #expect(ConstantTime.equal([], []))
    }

    @Test(arguments: [("90s", 90), ("30m", 1800), ("8h", 28800), ("7d", 604_800), ("45", 45)] as [(String, Int64)])
    func lifetimesParse(text: String, seconds: Int64) {
        #expect(TokenLifetime.seconds(text) == seconds)
    }

    @Test(arguments: ["", "h", "0h", "-5m", "8w", "1.5h", "+5", "400d", "99999999999999999999d"])
    func badLifetimesAreRefused(text: String) {
        #expect(TokenLifetime.seconds(text) == nil)
    }

    private func verifyError(_ token: String, grid: String? = nil, keys: TokenKeyring) -> TokenError? {
        do {
            _ = try TokenVerifier(keyring: keys).verify(token, grid: grid, now: now)
            return nil
        } catch {
            return error
        }
    }
}
