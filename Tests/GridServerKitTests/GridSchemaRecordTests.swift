import RedisClient
import Shared
import Testing

@testable import GridServerKit

@Suite("GridSchema records")
struct GridSchemaRecordTests {
    @Test func everyKeyOfAGridCarriesItsHashTagAndTheOthersTagsOfTheirOwn() {
        let schema = GridSchema(grid: "q3")
        let keys = [
            schema.log, schema.cells, schema.ops, schema.opsByVersion, schema.legacyOps, schema.contested, schema.presence,
            schema.ephemeral, schema.durable, schema.first, schema.persisterLease, schema.ready, schema.rebuildLock,
        ]
        #expect(Set(keys).count == keys.count)
        for key in keys { #expect(Self.hashTag(key) == "q3", "\(key)") }
        #expect(Self.hashTag(GridSchema.grids) != nil)
        #expect(Self.hashTag(GridSchema.heartbeat(server: "grid-1")) == "grid-1")
    }

    @Test func opScoresOrderVersionsAndTheTrimBoundNeverTakesALaterOpOfTheSameMillisecond() {
        #expect(GridSchema.opScore(Version(milliseconds: 1795947259510, sequence: 7)) == "1795947259510007")
        #expect(GridSchema.opScore(Version(milliseconds: 5, sequence: 1234)) == "5999")
        #expect(Double(GridSchema.opScore(Version(milliseconds: 8_000_000_000_000, sequence: 999)))! == 8_000_000_000_000_999)
        #expect(GridSchema.opTrimBound(Version(milliseconds: 5, sequence: 3)) == "5003")
        #expect(GridSchema.opTrimBound(Version(milliseconds: 5, sequence: 999)) == "(5999")
    }

    /// The part of a key Redis Cluster hashes: between the first `{` and the next `}`.
    static func hashTag(_ key: String) -> String? {
        guard let open = key.firstIndex(of: "{"), let close = key[open...].firstIndex(of: "}"), key.index(after: open) < close else { return nil }
        return String(key[key.index(after: open)..<close])
    }

    @Test func aCellRecordRoundTripsSetAndClearedCells() {
        let set = CellState(value: "a\tb\nc 日本", version: Version(milliseconds: 1795947251802, sequence: 3), user: "alice", at: 1795947251801)
        let cleared = CellState(value: nil, version: Version(milliseconds: 7, sequence: 0), user: "bob", at: 5)
        let empty = CellState(value: "", version: Version(milliseconds: 8, sequence: 1), user: "carol", at: 6)
        for state in [set, cleared, empty] {
            #expect(GridSchema.CellRecord.decode(GridSchema.CellRecord.encode(state)) == state)
        }
        #expect(GridSchema.CellRecord.encode(set) == "1795947251802-3\t1795947251801\talice\ts\ta\tb\nc 日本")
    }

    @Test func aCellRecordInTheScriptsLayoutDecodes() {
        // As the sequencer script writes it: id, at, user, flag, value.
        let state = GridSchema.CellRecord.decode("1795947251802-0\t1795947251800\talice\ts\t120")
        #expect(state == CellState(value: "120", version: Version(milliseconds: 1795947251802, sequence: 0), user: "alice", at: 1795947251800))
        #expect(GridSchema.CellRecord.decode("1795947251802-0\t1\talice\tc\t")?.value == nil)
        #expect(GridSchema.CellRecord.decode("not a record") == nil)
        #expect(GridSchema.CellRecord.decode("x-y\t1\ta\ts\tv") == nil)
    }

    @Test func anOutcomeRecordRoundTripsBothOutcomes() {
        let accepted = SequencerOutcome.accepted(Version(milliseconds: 1795947258415, sequence: 0))
        let lost = SequencerOutcome.conflict(
            version: Version(milliseconds: 1795947259510, sequence: 2),
            winner: CellState(value: "150\twith tab", version: Version(milliseconds: 1795947257308, sequence: 0), user: "bob", at: 1795947257307)
        )
        let lostToClear = SequencerOutcome.conflict(
            version: Version(milliseconds: 9, sequence: 0), winner: CellState(value: nil, version: Version(milliseconds: 8, sequence: 0), user: "c", at: 1)
        )
        for outcome in [accepted, lost, lostToClear] {
            #expect(GridSchema.OutcomeRecord.decode(GridSchema.OutcomeRecord.encode(outcome)) == outcome)
        }
        #expect(GridSchema.OutcomeRecord.encode(accepted) == "a\t1795947258415-0")
        #expect(GridSchema.OutcomeRecord.encode(lost) == "c\t1795947259510-2\t1795947257308-0\t1795947257307\tbob\ts\t150\twith tab")
        #expect(lost.version == Version(milliseconds: 1795947259510, sequence: 2))
    }

    @Test func aMalformedOutcomeRecordIsRejected() {
        for record in ["", "a", "a\tnope", "x\t1-0", "c\t1-0\t2-0", "a\t1-0\textra"] {
            #expect(GridSchema.OutcomeRecord.decode(record) == nil, "\(record)")
        }
    }

    @Test func aLogRecordRoundTripsEveryKindOfEvent() {
        let id = Version(milliseconds: 1795947251802, sequence: 0)
        var conflict = GridEvent(
            id: id, kind: .conflict, cell: "C3", value: "mine", base: .zero, user: "alice", session: "s1", server: "grid-1", op: "o-1", at: 1795947251800
        )
        conflict.winner = CellState(value: "theirs", version: Version(milliseconds: 1, sequence: 0), user: "bob", at: 2)
        var lostToClear = conflict
        lostToClear.winner = CellState(value: nil, version: Version(milliseconds: 1, sequence: 0), user: "bob", at: 2)
        let events = [
            GridEvent(id: id, kind: .set, cell: "A1", value: "v", old: "w", base: .zero, user: "u", session: "s", server: "x", op: "o", at: 5),
            GridEvent(id: id, kind: .clear, cell: "A1", base: id, user: "u", session: "s", server: "x", op: "o2", at: 6),
            conflict, lostToClear,
            GridEvent(id: id, kind: .sessionError, user: "u", session: "s", server: "x", at: 7, error: "Redis unavailable: gone"),
        ]
        for event in events {
            let flat = GridSchema.LogRecord.fields(event)
            let entry = RedisValue.array([.bulk(Array(id.description.utf8)), .array(flat.map { .bulk(Array($0.utf8)) })])
            #expect(GridSchema.LogRecord.decode(entry) == event)
        }
    }

    @Test func sessionFieldsDecodeAsTheirEvent() {
        let fields = GridSchema.LogRecord.sessionFields(kind: .sessionOpen, session: "s", user: "alice", server: "grid-1", at: 42)
        var pairs: [String: String] = [:]
        for index in stride(from: 0, to: fields.count, by: 2) { pairs[fields[index]] = fields[index + 1] }
        let event = GridSchema.LogRecord.decode(id: Version(milliseconds: 50, sequence: 0), fields: pairs)
        #expect(event == GridEvent(id: Version(milliseconds: 50, sequence: 0), kind: .sessionOpen, user: "alice", session: "s", server: "grid-1", at: 42))
    }
}
