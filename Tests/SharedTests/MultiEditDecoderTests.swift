import Foundation
import Testing
@testable import Shared

/// The hand decoder of `multi` messages reads exactly what the Codable form reads, and leaves
/// everything else to it.
@Suite("Multi-cell message decoder")
struct MultiEditDecoderTests {
    static func fast(_ frame: String) -> ClientMessage.Edit? {
        Array(frame.utf8).withUnsafeBufferPointer { MultiEditDecoder.decode($0) }
    }

    static func codable(_ frame: String) throws -> ClientMessage {
        try JSONDecoder().decode(ClientMessage.self, from: Data(frame.utf8))
    }

    static let readable = [
        #"{"type":"multi","op":"c-1","label":"paste","cells":[{"cell":"B2","value":"1","base":"0-0"},{"cell":"B3","base":"5-2"}]}"#,
        #"{ "cells" : [ { "base" : "7-0" , "value" : null , "cell" : "a1" } ] , "op" : "x" , "type" : "multi" , "resend" : true }"#,
        #"{"type":"multi","op":"c-2","group":"import-1","cells":[{"cell":"C1","value":"tab\there \"quoted\" \\ \/ \u00e9 \ud83d\ude00 line\nend","base":"1-0"}]}"#,
        #"{"type":"multi","op":"c-3","label":null,"group":null,"resend":null,"extra":{"a":[1,2,{"b":"}"}]},"cells":[{"cell":"D4","value":"é😀","base":"2-1","note":[true,null]}]}"#,
        #"{"type":"multi","op":"c-4","label":"sort","cells":[]}"#,
    ]

    @Test(arguments: readable)
    func readsWhatTheCodableFormReads(_ frame: String) throws {
        let edit = try #require(Self.fast(frame), "the fast path reads \(frame)")
        #expect(ClientMessage.edit(edit) == (try Self.codable(frame)))
        #expect(try WireCodec().decodeClientMessage(frame) == .edit(edit))
    }

    static let leftToCodable = [
        #"{"type":"multi","op":"c-1","label":"paste","cells":[{"cell":"B2","value":"1"}]}"#,
        #"{"type":"multi","op":"c-1","cells":[{"cell":"B2","base":"bad"}]}"#,
        #"{"type":"multi","op":"c-1","op":"c-2","cells":[]}"#,
        #"{"type":"multi","op":"c-1","cells":[{"cell":"B2","base":"0-0","old":"x"}]}"#,
        #"{"type":"multi","op":7,"cells":[]}"#,
        #"{"type":"multi","cells":[]}"#,
        #"{"type":"multi","op":"c-1","cells":[{"cell":"B2","value":5,"base":"0-0"}]}"#,
    ]

    @Test(arguments: leftToCodable)
    func leavesAnythingElseToTheCodableForm(_ frame: String) {
        #expect(Self.fast(frame) == nil)
    }

    @Test func readsWhatTheCodecWrites() throws {
        let edit = ClientMessage.Edit(
            multi: "r.1.2", cells: (0..<300).map { CellChange(cell: "A\($0 + 1)", value: $0 % 7 == 0 ? nil : "v/\($0)\"\n", base: Version(milliseconds: 5, sequence: 1)) },
            label: "bench", group: "123"
        )
        let frame = WireCodec().encode(ClientMessage.edit(edit))
        #expect(Self.fast(frame) == edit, "\(frame.prefix(200))")
        #expect((try? StrictJSONScanner().scan(Array(frame.utf8)))?.topLevelStrings["type"] == "multi", "the codec takes the fast path")
    }

    @Test func largeMultiMessagesWrittenByHandReadBackAsTheGenericFormDoes() throws {
        let cells = (0..<100).map { i in
            CellChange(
                cell: "B\(i + 1)", value: i % 5 == 0 ? nil : "x\"\\\t\u{1}é\(i)", base: i % 2 == 0 ? Version(milliseconds: 9, sequence: 2) : nil,
                old: i % 3 == 0 ? "was \(i)" : nil,
                winner: i % 4 == 0 ? CellState(value: i % 8 == 0 ? nil : "w", version: Version(milliseconds: 7, sequence: 0), user: "bob", at: 123) : nil
            )
        }
        let event = GridEvent(id: Version(milliseconds: 10, sequence: 1), kind: .multi, user: "ann", at: 55, cells: cells, label: "paste", count: 100, range: "B1:B100")
        let codec = WireCodec()
        let written = codec.encode(ServerMessage.event(event))
        #expect(written.hasSuffix("]}") && written.contains(#""type":"event""#))
        #expect(try codec.decodeServerMessage(written) == .event(event))
        let edit = ClientMessage.Edit(multi: "c-9", cells: cells.map { CellChange(cell: $0.cell, value: $0.value, base: $0.base ?? .zero) }, label: "paste", group: "g \"cells\":[],")
        let frame = codec.encode(ClientMessage.edit(edit))
        #expect(try codec.decodeClientMessage(frame) == .edit(edit))
        #expect(try Self.codable(frame) == .edit(edit))
    }

    @Test func anEventsCellsAreCutOutWhereverTheyStand() throws {
        let cells = #"[{"cell":"A1","old":"x","value":"y"},{"cell":"A2","winner":{"at":5,"user":"bob","value":null,"version":"3-0"}}]"#
        let expected = [CellChange(cell: "A1", value: "y", old: "x"), CellChange(cell: "A2", winner: CellState(value: nil, version: Version(milliseconds: 3, sequence: 0), user: "bob", at: 5))]
        for frame in [
            #"{"cells":\#(cells),"at":1,"id":"9-0","kind":"multi","type":"event"}"#,
            #"{"at":1, "cells" : \#(cells) , "id":"9-0","kind":"multi","type":"event"}"#,
            #"{"at":1,"id":"9-0","kind":"multi","type":"event" , "cells":\#(cells) }"#,
        ] {
            let split = try #require(Array(frame.utf8).withUnsafeBufferPointer { MultiEditDecoder.splitCells($0) }, "\(frame)")
            #expect(split.cells == expected)
            let rest = try JSONSerialization.jsonObject(with: Data(split.rest)) as? [String: Any]
            #expect(rest?.keys.sorted() == ["at", "id", "kind", "type"], "\(String(decoding: split.rest, as: UTF8.self))")
        }
    }

    @Test func aLargeBrokenServerFrameIsRefusedNotCutApart() {
        let cells = Array(repeating: #"{"cell":"A1","value":"xxxxxxxxxxxxxxxx"}"#, count: 200).joined(separator: ",")
        for frame in [
            #"{"type":"event","cells":[\#(cells)],"id":"1-0","at":1,"kind":"multi","x":"# + String(repeating: "[", count: 600),
            #"{"type":"event","cells":[\#(cells)],"id":"1-0","at":1,"kind":"multi"} trailing"#,
            #"{"type":"event","cells":[\#(cells)], "id":"1-0","at":1,"kind":"multi","id":"2-0""#,
        ] {
            #expect(throws: ProtocolError.self) { try WireCodec().decodeServerMessage(frame) }
        }
    }

    @Test func aCellWithoutItsBaseIsStillNamedByTheCodec() {
        #expect(throws: ProtocolError.self) { try WireCodec().decodeClientMessage(Self.leftToCodable[0]) }
    }
}
