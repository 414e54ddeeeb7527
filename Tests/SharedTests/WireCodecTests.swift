import Foundation
import Testing
@testable import Shared

/// Values that must survive encoding untouched: JSON metacharacters, control and terminal escape
/// sequences, astral-plane and CJK text.
private let trickyStrings: [String] = [
    "plain",
    "",
    "say \"hi\"",
    "back\\slash \\\" \\n",
    "line1\nline2\r\n\ttabbed",
    "\u{1b}]52;c;AAAA\u{7}",
    "\u{1b}[2J",
    "👩‍👩‍👧‍👦 🎉",
    "表格协作 セル 셀",
    "nul\u{0}inside",
    "a/b</script>",
    "\u{2028}\u{2029}\u{7f}\u{85}",
    "{\"type\":\"ack\"}",
    String(repeating: "x", count: 5_000),
]

private let v1 = Version(milliseconds: 1_700_000_000_000, sequence: 0)
private let v2 = Version(milliseconds: 1_700_000_000_001, sequence: 7)
private let v3 = Version(milliseconds: 1_700_000_000_002, sequence: 0)

private let clientFixtures: [ClientMessage] = {
    var messages: [ClientMessage] = [
        .hello(.init(user: "ann", grid: "budget")),
        .hello(.init(protocol: 99, user: "bob", grid: "g-1", token: "s3cr\"et", client: "grid-tui/1.0")),
        .edit(.init(.set, op: "c1-1", cell: "A1", value: nil, base: .zero)),
        .edit(.init(.clear, op: "c1-2", cell: "XFD1048576", base: v1)),
        .edit(.init(.resolve, op: "c1-3", cell: "B2", base: v2)),
        .presence(.init(cursor: nil, editing: nil)),
        .presence(.init(cursor: "C3", editing: "C3")),
        .history(.init(limit: 10)),
        .history(.init(id: "h1", before: v2, after: v1, limit: 1000)),
        .ping(.init(t: 0)),
        .ping(.init(t: -1)),
        .ping(.init(t: Int64.max)),
    ]
    for (index, text) in trickyStrings.enumerated() {
        messages.append(.edit(.init(.set, op: "op-\(index)", cell: "A\(index + 1)", value: text, base: v1)))
        messages.append(.hello(.init(user: text, grid: text, token: text, client: text)))
        messages.append(.presence(.init(cursor: text, editing: text)))
        messages.append(.history(.init(id: text, limit: index)))
    }
    return messages
}()

private let sampleCell = CellState(value: "42", version: v1, user: "ann", at: 1_700_000_000_000)
private let clearedCell = CellState(value: nil, version: v2, user: "bob", at: 1_700_000_000_001)
private let sampleUser = UserPresence(session: "s1", user: "ann", server: "srv-a", cursor: "A1", editing: "A1", at: 17)
private let idleUser = UserPresence(session: "s2", user: "bob", server: "srv-b", at: 18)

private let sampleEvents: [GridEvent] = [
    GridEvent(id: v1, kind: .set, cell: "A1", value: "42", old: nil, base: .zero, user: "ann", session: "s1", server: "srv-a", op: "c1-1", at: 1),
    GridEvent(id: v2, kind: .clear, cell: "A1", old: "42", base: v1, user: "bob", op: "c2-1", at: 2),
    GridEvent(id: v3, kind: .conflict, cell: "A1", value: "mine", base: v1, user: "cat", op: "c3-1", at: 3, winner: clearedCell),
    GridEvent(id: v3.next, kind: .resolve, cell: "A1", user: "cat", at: 4),
    GridEvent(id: v3.next.next, kind: .sessionOpen, user: "dan", session: "s4", server: "srv-a", at: 5),
    GridEvent(id: v3.next.next.next, kind: .sessionClose, user: "dan", session: "s4", server: "srv-a", at: 6),
    GridEvent(id: Version(milliseconds: 9, sequence: 9), kind: .sessionError, session: "s5", at: 7, error: "redis went away"),
    GridEvent(id: Version(milliseconds: 10, sequence: 0), kind: "future.kind", at: 8),
]

private let serverFixtures: [ServerMessage] = {
    var messages: [ServerMessage] = [
        .welcome(.init(
            session: "s1", server: "srv-a", user: "ann", grid: "budget", version: v3,
            cells: ["A1": sampleCell, "B2": clearedCell], contested: ["A1": v3], users: [sampleUser, idleUser],
            historyStart: v1, durable: v2
        )),
        .welcome(.init(
            protocol: 2, session: "s", server: "x", user: "u", grid: "g", version: .zero, cells: [:], contested: [:], users: [],
            historyStart: nil, durable: .zero
        )),
        .ack(.init(op: "c1-1", cell: "A1", version: v1)),
        .conflict(.init(op: "c1-2", cell: "A1", version: v3, yours: nil, base: v1, theirs: clearedCell)),
        .conflict(.init(op: "c1-3", cell: "A1", version: v3, yours: "mine", base: .zero, theirs: sampleCell)),
        .presence(.init(user: sampleUser)),
        .presence(.init(user: idleUser)),
        .presence(.init(left: "s2")),
        .presence(.init()),
        .durable(.init(version: v2)),
        .durable(.init(version: .zero)),
        .history(.init(id: nil, entries: [], more: false)),
        .history(.init(id: "h1", entries: sampleEvents, more: true)),
        .error(.init(code: .badFrame, message: "the frame is not valid JSON")),
        .error(.init(code: .slowConsumer, message: "too slow", fatal: true, op: nil)),
        .error(.init(code: .editFailed, message: "failed", fatal: false, op: "c1-9")),
        .error(.init(code: "some_future_code", message: "?", fatal: true)),
        .pong(.init(t: 1_700_000_000_000)),
    ]
    messages += sampleEvents.map { .event($0) }
    for (index, text) in trickyStrings.enumerated() {
        let cell = CellState(value: text, version: v1, user: text, at: Int64(index))
        messages.append(.event(GridEvent(
            id: Version(milliseconds: UInt64(index) + 100, sequence: 0), kind: .set, cell: "A1", value: text, old: text,
            base: .zero, user: text, session: text, server: text, op: text, at: 0, winner: cell, error: text
        )))
        messages.append(.welcome(.init(
            session: text, server: text, user: text, grid: text, version: v1, cells: [text: cell], contested: [text: v1],
            users: [UserPresence(session: text, user: text, server: text, cursor: text, editing: text, at: 1)], historyStart: nil,
            durable: v1
        )))
        messages.append(.conflict(.init(op: text, cell: "B1", version: v2, yours: text, base: v1, theirs: cell)))
        messages.append(.error(.init(code: ErrorCode(text), message: text, op: text)))
        messages.append(.presence(.init(left: text)))
    }
    return messages
}()

private func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

private func clientErrorCode(_ text: String) -> ErrorCode? {
    do {
        _ = try WireCodec().decodeClientMessage(text)
        return nil
    } catch {
        return error.code
    }
}

private func serverErrorCode(_ text: String) -> ErrorCode? {
    do {
        _ = try WireCodec().decodeServerMessage(text)
        return nil
    } catch {
        return error.code
    }
}

/// A tiny deterministic generator (xorshift64*), so fuzz runs are reproducible.
private struct XorShift64 {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func bytes(count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}

private let frameLevelCodes: Set<ErrorCode> = [.badFrame, .unknownType, .badField]

@Suite("WireCodec")
struct WireCodecTests {
    let codec = WireCodec()

    // MARK: Round trips

    @Test func clientFixturesCoverEveryCase() {
        let names = Set(clientFixtures.map(\.typeName))
        #expect(names == ["hello", "set", "clear", "resolve", "presence", "history", "ping"])
    }

    @Test func serverFixturesCoverEveryCase() {
        let names = Set(serverFixtures.map(\.typeName))
        #expect(names == ["welcome", "ack", "conflict", "event", "presence", "durable", "history", "error", "pong"])
    }

    @Test(arguments: clientFixtures)
    func clientMessageRoundTrips(_ message: ClientMessage) throws {
        let text = codec.encode(message)
        let decoded = try codec.decodeClientMessage(text)
        #expect(decoded == message)
    }

    @Test(arguments: serverFixtures)
    func serverMessageRoundTrips(_ message: ServerMessage) throws {
        let text = codec.encode(message)
        let decoded = try codec.decodeServerMessage(text)
        #expect(decoded == message)
    }

    @Test(arguments: clientFixtures)
    func clientFrameTypeIsTheCaseName(_ message: ClientMessage) throws {
        let object = try jsonObject(codec.encode(message))
        #expect(object["type"] as? String == message.typeName)
    }

    @Test(arguments: serverFixtures)
    func serverFrameTypeIsTheCaseName(_ message: ServerMessage) throws {
        let object = try jsonObject(codec.encode(message))
        #expect(object["type"] as? String == message.typeName)
    }

    @Test func clientTypeNamesMatchCases() {
        #expect(ClientMessage.hello(.init(user: "u", grid: "g")).typeName == "hello")
        for kind in EditKind.allCases {
            #expect(ClientMessage.edit(.init(kind, op: "o", cell: "A1", base: .zero)).typeName == kind.rawValue)
        }
        #expect(ClientMessage.presence(.init(cursor: nil, editing: nil)).typeName == "presence")
        #expect(ClientMessage.history(.init(limit: 1)).typeName == "history")
        #expect(ClientMessage.ping(.init(t: 1)).typeName == "ping")
    }

    @Test func payloadFieldsSitBesideTypeAtTopLevel() throws {
        let text = codec.encode(ClientMessage.edit(.init(.set, op: "c-1", cell: "A1", value: "x", base: v1)))
        let object = try jsonObject(text)
        #expect(object["op"] as? String == "c-1")
        #expect(object["cell"] as? String == "A1")
        #expect(object["value"] as? String == "x")
        #expect(object["base"] as? String == v1.description)
        #expect(Set(object.keys) == ["type", "op", "cell", "value", "base"])
    }

    @Test func versionsAreEncodedAsStrings() throws {
        let object = try jsonObject(codec.encode(ServerMessage.ack(.init(op: "o", cell: "A1", version: v2))))
        #expect(object["version"] as? String == "1700000000001-7")
    }

    @Test func helloDefaultsToCurrentProtocol() throws {
        let object = try jsonObject(codec.encode(ClientMessage.hello(.init(user: "u", grid: "g"))))
        #expect(object["protocol"] as? Int == ProtocolVersion.current)
        #expect(ProtocolVersion.current == 1)
    }

    @Test func encodedFramesAreSingleLineWithoutRawControlCharacters() {
        let frames = clientFixtures.map { codec.encode($0) } + serverFixtures.map { codec.encode($0) }
        for frame in frames {
            let raw = frame.unicodeScalars.filter { $0.value < 0x20 }
            #expect(raw.isEmpty, "raw control characters in \(frame.prefix(80).debugDescription)")
        }
    }

    @Test func encodingIsDeterministic() {
        for message in serverFixtures {
            #expect(codec.encode(message) == codec.encode(message))
        }
    }

    @Test func decodesHandWrittenFrames() throws {
        #expect(try codec.decodeClientMessage(#"{"type":"set","op":"o1","cell":"A1","value":"v","base":"5"}"#)
            == .edit(.init(.set, op: "o1", cell: "A1", value: "v", base: Version(milliseconds: 5, sequence: 0))))
        #expect(try codec.decodeClientMessage(#"{"type":"hello","protocol":1,"user":"u","grid":"g"}"#)
            == .hello(.init(protocol: 1, user: "u", grid: "g", features: nil)), "an older client states no features")
        #expect(try codec.decodeServerMessage(#"{"type":"durable","version":"3-1"}"#)
            == .durable(.init(version: Version(milliseconds: 3, sequence: 1))))
    }

    @Test func ignoresUnknownMembers() throws {
        #expect(try codec.decodeClientMessage(#"{"type":"ping","t":5,"extra":{"nested":[1,2]}}"#) == .ping(.init(t: 5)))
    }

    @Test func acceptsNullForOptionalFields() throws {
        let message = try codec.decodeClientMessage(#"{"type":"set","op":"o","cell":"A1","value":null,"base":"0-0"}"#)
        #expect(message == .edit(.init(.set, op: "o", cell: "A1", value: nil, base: .zero)))
    }

    // MARK: Rejections

    @Test(arguments: ["", "hello", "{", "}", "{\"type\":\"ping\",\"t\":1", "{'type':'ping'}", "\u{1b}[2J", "NaN"])
    func rejectsNonJSONAsBadFrame(_ text: String) {
        #expect(clientErrorCode(text) == .badFrame)
        #expect(serverErrorCode(text) == .badFrame)
    }

    @Test(arguments: ["[]", "[{\"type\":\"ping\",\"t\":1}]", "42", "-1.5", "\"ping\"", "true", "null"])
    func rejectsNonObjectJSONAsBadFrame(_ text: String) {
        #expect(clientErrorCode(text) == .badFrame)
        #expect(serverErrorCode(text) == .badFrame)
    }

    @Test(arguments: ["{}", "{\"t\":1}", "{\"TYPE\":\"ping\",\"t\":1}"])
    func rejectsMissingTypeAsBadFrame(_ text: String) {
        #expect(clientErrorCode(text) == .badFrame)
        #expect(serverErrorCode(text) == .badFrame)
    }

    @Test(arguments: ["{\"type\":\"nope\"}", "{\"type\":\"\"}", "{\"type\":\"SET\",\"op\":\"o\",\"cell\":\"A1\",\"base\":\"0-0\"}", "{\"type\":\"set \"}"])
    func rejectsUnknownTypeAsUnknownType(_ text: String) {
        #expect(clientErrorCode(text) == .unknownType)
        #expect(serverErrorCode(text) == .unknownType)
    }

    @Test func rejectsTheOtherSidesTypesAsUnknown() {
        #expect(clientErrorCode(#"{"type":"welcome"}"#) == .unknownType)
        #expect(clientErrorCode(#"{"type":"ack","op":"o","cell":"A1","version":"1-0"}"#) == .unknownType)
        #expect(serverErrorCode(#"{"type":"hello","protocol":1,"user":"u","grid":"g"}"#) == .unknownType)
        #expect(serverErrorCode(#"{"type":"set","op":"o","cell":"A1","base":"0-0"}"#) == .unknownType)
    }

    @Test func unknownTypeMessageQuotesAtMostFortyCharacters() throws {
        let name = String(repeating: "z", count: 500)
        do {
            _ = try codec.decodeClientMessage(#"{"type":"\#(name)"}"#)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == .unknownType)
            #expect(error.message.contains(String(repeating: "z", count: 40)))
            #expect(!error.message.contains(String(repeating: "z", count: 41)))
        }
    }

    @Test(arguments: [
        #"{"type":"set","cell":"A1","base":"0-0"}"#,
        #"{"type":"set","op":"o","base":"0-0"}"#,
        #"{"type":"set","op":"o","cell":"A1"}"#,
        #"{"type":"clear","op":"o","cell":"A1"}"#,
        #"{"type":"resolve"}"#,
        #"{"type":"hello","user":"u","grid":"g"}"#,
        #"{"type":"hello","protocol":1,"grid":"g"}"#,
        #"{"type":"hello","protocol":1,"user":"u"}"#,
        #"{"type":"history"}"#,
        #"{"type":"ping"}"#,
    ])
    func rejectsMissingClientFieldAsBadField(_ text: String) {
        #expect(clientErrorCode(text) == .badField)
    }

    @Test(arguments: [
        #"{"type":"ack","op":"o","cell":"A1"}"#,
        #"{"type":"durable"}"#,
        #"{"type":"error","code":"bad_frame","message":"m"}"#,
        #"{"type":"history","more":false}"#,
        #"{"type":"event","kind":"set","at":1}"#,
        #"{"type":"conflict","op":"o","cell":"A1","version":"2-0","base":"1-0"}"#,
        #"{"type":"welcome","protocol":1,"session":"s","server":"x","user":"u","grid":"g","version":"1-0","cells":{},"contested":{},"users":[]}"#,
        #"{"type":"pong"}"#,
    ])
    func rejectsMissingServerFieldAsBadField(_ text: String) {
        #expect(serverErrorCode(text) == .badField)
    }

    @Test(arguments: [
        #"{"type":"hello","protocol":"1","user":"u","grid":"g"}"#,
        #"{"type":"hello","protocol":1,"user":7,"grid":"g"}"#,
        #"{"type":"set","op":"o","cell":5,"base":"0-0"}"#,
        #"{"type":"set","op":"o","cell":"A1","base":"not-a-version"}"#,
        #"{"type":"set","op":"o","cell":"A1","base":5}"#,
        #"{"type":"set","op":"o","cell":"A1","base":"1-2-3"}"#,
        #"{"type":"set","op":"o","cell":"A1","value":42,"base":"0-0"}"#,
        #"{"type":"set","op":null,"cell":"A1","base":"0-0"}"#,
        #"{"type":"set","op":["o"],"cell":"A1","base":"0-0"}"#,
        #"{"type":"ping","t":"now"}"#,
        #"{"type":"history","limit":"10"}"#,
        #"{"type":"history","limit":10,"after":"x"}"#,
        #"{"type":"presence","cursor":1}"#,
    ])
    func rejectsWrongClientFieldTypeAsBadField(_ text: String) {
        #expect(clientErrorCode(text) == .badField)
    }

    @Test(arguments: [
        #"{"type":"hello","protocol":1.5,"user":"u","grid":"g"}"#,
        #"{"type":"ping","t":1e400}"#,
        #"{"type":"ping","t":99999999999999999999}"#,
        #"{"type":"history","limit":-0.5}"#,
    ])
    func rejectsUnrepresentableNumbersAsBadField(_ text: String) {
        #expect(clientErrorCode(text) == .badField)
    }

    @Test(arguments: [
        (#"{"type":"ping","t":1.5}"#, "'t'"),
        (#"{"type":"history","limit":1e-3}"#, "'limit'"),
        (#"{"type":"hello","protocol":9223372036854775808,"user":"u","grid":"g"}"#, "'protocol'"),
    ])
    func unrepresentableNumberMessageNamesTheField(_ text: String, _ name: String) {
        do {
            _ = try codec.decodeClientMessage(text)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == .badField)
            #expect(error.message.contains(name), "\(error.message)")
        }
    }

    @Test(arguments: [
        #"{"type":"set","op":"a","op":"b","cell":"A1","value":"v","base":"0-0"}"#,
        #"{"type":"ping","type":"hello","t":1}"#,
        #"{"type":"ping","t":1,"\u0074":2}"#,
        #"{"type":"ping","t":1,"x":{"k":1,"k":2}}"#,
    ])
    func rejectsDuplicateMembersAsBadField(_ text: String) {
        #expect(clientErrorCode(text) == .badField)
    }

    @Test func duplicateMemberMessageNamesTheMember() {
        do {
            _ = try codec.decodeClientMessage(#"{"type":"set","op":"a","cell":"A1","cell":"B2","value":"v","base":"0-0"}"#)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.message.contains("'cell' appears more than once"))
        }
    }

    @Test(arguments: [
        [0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D] as [UInt8],  // {"type":"\xFF"}
        Array(#"{"type":"set","op":"o","cell":"A1","base":"0-0","value":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
        Array(#"{"type":"ping","t":1,"x":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),  // an encoded surrogate
        Array(#"{"type":"ping","t":1,"x":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),  // overlong '/'
    ])
    func rejectsInvalidUTF8AsBadFrame(_ bytes: [UInt8]) {
        do {
            _ = try codec.decodeClientMessage(bytes: bytes)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == .badFrame)
            #expect(error.message.contains("UTF-8"))
        }
    }

    @Test(arguments: [
        #"{"type":"ping","t":1,"x":"\ud800"}"#,
        #"{"type":"ping","t":1,"x":"\udc00"}"#,
        "{\"type\":\"ping\",\"t\":1,\"x\":\"a\u{1}b\"}",
        #"{"type":"ping","t":01}"#,
        #"{"type":"ping","t":1,}"#,
        #"{"type":"ping","t":1} x"#,
        #"{"type":"ping","t":+1}"#,
    ])
    func rejectsWhatRFC8259RejectsAsBadFrame(_ text: String) {
        #expect(clientErrorCode(text) == .badFrame)
    }

    @Test func editOpIsFoundInTheStartOfAnOverSizeEdit() {
        let frame = codec.encode(ClientMessage.edit(.init(.set, op: "c1-9", cell: "A1", value: String(repeating: "v", count: 100_000), base: .zero)))
        #expect(codec.editOp(inPrefix: Array(frame.utf8.prefix(MessageAssembler.prefixBytes))) == "c1-9")
        #expect(codec.editOp(inPrefix: Array(#"{"type":"history","op":"x","limit":"#.utf8)) == nil, "only edits have an op")
        #expect(codec.editOp(inPrefix: Array(#"{"value":"xxxxxxxxxxxx"#.utf8)) == nil, "the op is past the cut")
        #expect(codec.editOp(inPrefix: Array(#"{"type":"set","op":""#.utf8) + Array(repeating: UInt8(ascii: "o"), count: 200) + Array(#"","value":"#.utf8)) == nil)
    }

    @Test func bytesAndTextDecodeAlike() throws {
        for message in clientFixtures {
            let text = codec.encode(message)
            #expect(try codec.decodeClientMessage(bytes: Array(text.utf8)) == message)
        }
    }

    @Test(arguments: [
        #"{"type":"ack","op":"o","cell":"A1","version":"v"}"#,
        #"{"type":"error","code":"bad_frame","message":"m","fatal":"yes"}"#,
        #"{"type":"durable","version":17}"#,
        #"{"type":"history","entries":{},"more":false}"#,
        #"{"type":"history","entries":[{"id":"x","kind":"set","at":1}],"more":false}"#,
        #"{"type":"welcome","protocol":1,"session":"s","server":"x","user":"u","grid":"g","version":"1-0","cells":{"A1":{"version":"bad","user":"u","at":1}},"contested":{},"users":[],"durable":"0-0"}"#,
    ])
    func rejectsWrongServerFieldTypeAsBadField(_ text: String) {
        #expect(serverErrorCode(text) == .badField)
    }

    @Test func badFieldMessageNamesTheField() {
        do {
            _ = try codec.decodeClientMessage(#"{"type":"set","op":"o","cell":5,"base":"0-0"}"#)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.message.contains("'cell'"))
        }
        do {
            _ = try codec.decodeClientMessage(#"{"type":"set","cell":"A1","base":"0-0"}"#)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.message.contains("'op'"))
        }
    }

    @Test func badFieldMessageNamesNestedPaths() {
        let text = #"{"type":"history","entries":[{"id":"1-0","kind":"set","at":1},{"id":"x","kind":"set","at":1}],"more":false}"#
        do {
            _ = try codec.decodeServerMessage(text)
            Issue.record("decoding should fail")
        } catch {
            #expect(error.code == .badField)
            #expect(error.message.contains("'entries.1.id'"))
        }
    }

    // MARK: Robustness

    @Test func randomBytesNeverCrashTheDecoder() {
        var random = XorShift64(seed: 0xC011_AB67_1D00_0001)
        for _ in 0..<200 {
            let bytes = random.bytes(count: random.next(below: 64))
            let text = String(decoding: bytes, as: UTF8.self)
            if let code = clientErrorCode(text) { #expect(frameLevelCodes.contains(code)) }
            if let code = serverErrorCode(text) { #expect(frameLevelCodes.contains(code)) }
        }
    }

    @Test func randomJSONishTextNeverCrashesTheDecoder() {
        let tokens = [
            "{", "}", "[", "]", ":", ",", "\"type\"", "\"set\"", "\"welcome\"", "\"op\"", "\"cell\"", "\"base\"", "\"0-0\"",
            "\"A1\"", "1", "-7", "1e999", "null", "true", "\"\\u0000\"", "\"\\ud800\"", " ", "\"cells\"", "\"entries\"",
        ]
        var random = XorShift64(seed: 42)
        for _ in 0..<200 {
            let text = (0..<random.next(below: 24)).map { _ in tokens[random.next(below: tokens.count)] }.joined()
            if let code = clientErrorCode(text) { #expect(frameLevelCodes.contains(code), "\(text)") }
            if let code = serverErrorCode(text) { #expect(frameLevelCodes.contains(code), "\(text)") }
        }
    }

    @Test func mutatedValidFramesNeverCrashTheDecoder() {
        let frames = clientFixtures.prefix(12).map { codec.encode($0) } + serverFixtures.prefix(18).map { codec.encode($0) }
        var random = XorShift64(seed: 7)
        for _ in 0..<200 {
            var bytes = Array(frames[random.next(below: frames.count)].utf8)
            for _ in 0..<(1 + random.next(below: 3)) where !bytes.isEmpty {
                let index = random.next(below: bytes.count)
                switch random.next(below: 3) {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: index)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if let code = clientErrorCode(text) { #expect(frameLevelCodes.contains(code)) }
            if let code = serverErrorCode(text) { #expect(frameLevelCodes.contains(code)) }
        }
    }

    @Test func deeplyNestedJSONIsRejectedNotFatal() {
        let text = "{\"type\":\"ping\",\"t\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(clientErrorCode(text) == .badFrame)
    }
}

@Suite("ErrorCode")
struct ErrorCodeTests {
    static let sessionEnding: [ErrorCode] = [
        .redisUnavailable, .mysqlUnavailable, .unsupportedProtocol, .badName, .loginTimeout, .serverShuttingDown, .slowConsumer,
        .tooManySessions,
    ]
    static let sessionKeeping: [ErrorCode] = [
        .badFrame, .unknownType, .badField, .badCell, .valueTooLarge, .frameTooLarge, .notLoggedIn, .alreadyLoggedIn,
        .historyUnavailable, .editFailed, .rateLimited, "auth_failed", "some_future_code", "",
    ]

    @Test func documentedCodesHaveStableWireNames() {
        #expect(Self.sessionEnding.map(\.rawValue) == [
            "redis_unavailable", "mysql_unavailable", "unsupported_protocol", "bad_name", "login_timeout", "server_shutting_down",
            "slow_consumer", "too_many_sessions",
        ])
        #expect(ErrorCode.rateLimited.rawValue == "rate_limited")
        #expect(ErrorCode.frameTooLarge.rawValue == "frame_too_large")
        #expect(ErrorCode.badFrame.rawValue == "bad_frame")
        #expect(ErrorCode.unknownType.rawValue == "unknown_type")
        #expect(ErrorCode.badField.rawValue == "bad_field")
        #expect(ErrorCode.badCell.rawValue == "bad_cell")
    }

    @Test(arguments: sessionEnding)
    func sessionEndingCodesEndTheSession(_ code: ErrorCode) {
        #expect(code.endsSession)
        #expect(ErrorCode(code.rawValue).endsSession)
    }

    @Test(arguments: sessionKeeping)
    func otherCodesKeepTheSession(_ code: ErrorCode) {
        #expect(!code.endsSession)
    }

    @Test(arguments: sessionEnding + sessionKeeping)
    func errorFrameFatalDefaultsFromEndsSession(_ code: ErrorCode) {
        #expect(ServerMessage.ErrorFrame(code: code, message: "m").fatal == code.endsSession)
        #expect(ServerMessage.ErrorFrame(ProtocolError(code, "m")).fatal == code.endsSession)
    }

    @Test func explicitFatalOverridesTheDefault() {
        #expect(ServerMessage.ErrorFrame(code: .badFrame, message: "m", fatal: true).fatal)
        #expect(!ServerMessage.ErrorFrame(code: .slowConsumer, message: "m", fatal: false).fatal)
    }

    @Test func errorFrameFromProtocolErrorKeepsCodeMessageAndOp() {
        let frame = ServerMessage.ErrorFrame(ProtocolError(.badCell, "no such cell"), op: "c-3")
        #expect(frame.code == .badCell)
        #expect(frame.message == "no such cell")
        #expect(frame.op == "c-3")
        #expect(!frame.fatal)
    }

    @Test func codesEncodeAsPlainStringsAndUnknownCodesSurvive() throws {
        let data = try JSONEncoder().encode([ErrorCode.badFrame, "brand_new"])
        #expect(String(decoding: data, as: UTF8.self) == #"["bad_frame","brand_new"]"#)
        #expect(try JSONDecoder().decode([ErrorCode].self, from: data) == [.badFrame, "brand_new"])
    }

    @Test func protocolErrorDescribesCodeAndMessage() {
        #expect(ProtocolError(.badField, "missing 'op'").description == "bad_field: missing 'op'")
    }
}
