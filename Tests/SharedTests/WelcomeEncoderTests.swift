import TestSupport
import Testing
@testable import Shared

@Suite("Welcome encoder")
struct WelcomeEncoderTests {
    @Test func decodesToTheSameWelcomeAsTheGenericEncoder() throws {
        var generator = SplitMix64(state: 7)
        for round in 0..<50 {
            let welcome = Self.randomWelcome(&generator, cells: round * 3)
            let fast = WelcomeEncoder.encode(welcome)
            #expect(try WireCodec().decodeServerMessage(fast) == .welcome(welcome), "round \(round): \(fast)")
        }
    }

    @Test func escapesWhatJSONRequiresAndNothingElse() {
        var out: [UInt8] = []
        WelcomeEncoder.appendString("a\"b\\c\nd\re\tf\u{1}g\u{1B}[2Jé/😀", to: &out)
        #expect(String(decoding: out, as: UTF8.self) == #""a\"b\\c\nd\re\tf\u0001g\u001b[2Jé/😀""#)
    }

    @Test func anEmptyGridHasNoHistoryStart() throws {
        let welcome = ServerMessage.Welcome(
            session: "s", server: "grid-1", user: "alice", grid: "q3", version: .zero, cells: [:], contested: [:], users: [],
            historyStart: nil, durable: .zero
        )
        let text = WelcomeEncoder.encode(welcome)
        #expect(!text.contains("historyStart"))
        #expect(try WireCodec().decodeServerMessage(text) == .welcome(welcome))
    }

    private static func randomWelcome(_ generator: inout SplitMix64, cells: Int) -> ServerMessage.Welcome {
        let alphabet = Array("ab\"\\\n\t\u{0}\u{7f}é😀 ,:{}[]")
        func text(_ generator: inout SplitMix64) -> String {
            String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        func version(_ generator: inout SplitMix64) -> Version {
            Version(milliseconds: UInt64.random(in: 1...1_900_000_000_000, using: &generator), sequence: UInt64.random(in: 0...9, using: &generator))
        }
        var cellMap: [String: CellState] = [:]
        for index in 0..<cells {
            cellMap[CellAddress(column: index % 30, row: index / 30)!.description] = CellState(
                value: Bool.random(using: &generator) ? text(&generator) : nil, version: version(&generator), user: text(&generator),
                at: Int64.random(in: 0...1_900_000_000_000, using: &generator)
            )
        }
        let contested = Dictionary(uniqueKeysWithValues: cellMap.keys.prefix(cells / 4).map { ($0, version(&generator)) })
        let users = (0..<Int.random(in: 0...3, using: &generator)).map { index in
            UserPresence(session: "s\(index)", user: text(&generator), server: "grid-1", cursor: "B\(index + 1)", editing: nil, at: 5)
        }
        return ServerMessage.Welcome(
            session: text(&generator), server: "grid-1", user: text(&generator), grid: "q3", version: version(&generator),
            cells: cellMap, contested: contested, users: users, historyStart: Bool.random(using: &generator) ? version(&generator) : nil,
            durable: version(&generator)
        )
    }
}

