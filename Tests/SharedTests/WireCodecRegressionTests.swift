import Foundation
import Testing
@testable import Shared

/// Replays every input in Tests/Fuzz/regressions (what the fuzzer of scripts/fuzz found, and the
/// frames that once decoded wrongly) through the decoder, with the fuzzer's own checks.
@Suite("WireCodec regressions")
struct WireCodecRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz/regressions")

    static var inputs: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func thereAreRegressionInputs() {
        #expect(Self.inputs.count >= 8, "Tests/Fuzz/regressions should hold the known cases")
    }

    @Test(arguments: inputs)
    func decodesToAMessageOrAFrameLevelError(_ file: URL) throws {
        let bytes = Array(try Data(contentsOf: file))
        let codec = WireCodec()
        do {
            let message = try codec.decodeClientMessage(bytes: bytes)
            #expect(try codec.decodeClientMessage(codec.encode(message)) == message, "round trip of \(file.lastPathComponent)")
        } catch {
            #expect([.badFrame, .unknownType, .badField].contains(error.code), "\(file.lastPathComponent): \(error)")
            #expect(!error.message.isEmpty)
        }
        _ = try? codec.decodeServerMessage(String(decoding: bytes, as: UTF8.self))
    }

    /// The inputs saved by hand record what each should now give.
    @Test(arguments: [
        ("fractional-protocol.json", ErrorCode.badField), ("huge-exponent.json", .badField), ("int64-overflow.json", .badField),
        ("negative-fraction.json", .badField), ("duplicate-op.json", .badField), ("lone-surrogate.json", .badFrame),
        ("deep-nesting.json", .badFrame), ("invalid-utf8.json", .badFrame),
    ])
    func knownInputsGiveTheirCode(_ name: String, _ code: ErrorCode) throws {
        let bytes = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        #expect(throws: ProtocolError.self) { _ = try WireCodec().decodeClientMessage(bytes: bytes) }
        do {
            _ = try WireCodec().decodeClientMessage(bytes: bytes)
        } catch {
            #expect(error.code == code, "\(name): \(error)")
        }
    }
}
