import GridAuth
import Shared
import Testing

@testable import GridServerKit

/// Multi-cell edits without I/O: their Redis records, and the checks an edit passes first.
@Suite("Multi-cell edits")
struct MultiEditRecordTests {
    static let hostile = ["", "tab\there", "line\nbreak", "12:34", "3:abc", "\\t", "日本語 🎉", "\u{1b}[2J"]

    @Test func writtenCellsSurviveTheirPackedRecordWhateverTheyHold() {
        let cells = Self.hostile.enumerated().map { CellChange(cell: "B\($0.offset + 1)", value: $0.element, old: $0.offset % 2 == 0 ? nil : "old\t\($0.offset)") }
            + [CellChange(cell: "C1", value: nil, old: "was")]
        let packed = GridSchema.PackedCells.encodeWritten(cells)
        #expect(GridSchema.PackedCells.decodeWritten(packed) == cells)
    }

    @Test func movedCellsSurviveTheirPackedRecordAndTheOutcomeRecord() {
        let moved = [
            CellChange(cell: "A2", value: "yours:\n1", base: Version(milliseconds: 5, sequence: 1), winner: CellState(value: "t\th", version: Version(milliseconds: 9, sequence: 2), user: "bob", at: 9)),
            CellChange(cell: "Z9", value: nil, base: .zero, winner: CellState(value: nil, version: Version(milliseconds: 10, sequence: 0), user: "carol", at: 11)),
        ]
        #expect(GridSchema.PackedCells.decodeMoved(GridSchema.PackedCells.encodeMoved(moved)) == moved)
        let outcome = SequencerOutcome.multiConflict(version: Version(milliseconds: 12, sequence: 0), moved: moved)
        #expect(GridSchema.OutcomeRecord.decode(GridSchema.OutcomeRecord.encode(outcome)) == outcome)
    }

    @Test func aBrokenPackedRecordDecodesToNothingRatherThanToWrongCells() {
        for broken in ["2:A1", "2:A11:s", "x:A1", "2:A12:sv", "99:A1", ":"] {
            #expect(GridSchema.PackedCells.decodeWritten(broken) == nil, "\(broken)")
        }
    }

    @Test func aMultiLogEntryRoundTripsThroughItsFields() {
        let event = GridEvent(
            id: Version(milliseconds: 7, sequence: 0), kind: .multi, user: "alice", session: "s1", server: "grid-1", op: "c1-3", at: 7,
            cells: [CellChange(cell: "B2", value: "1", old: "0"), CellChange(cell: "B3", value: nil)], label: "paste", count: 2,
            group: "import-1", range: "B2:B3"
        )
        var fields: [String: String] = [:]
        let flat = GridSchema.LogRecord.fields(event)
        for index in stride(from: 0, to: flat.count, by: 2) { fields[flat[index]] = flat[index + 1] }
        #expect(GridSchema.LogRecord.decode(id: event.id, fields: fields) == event)
    }

    let validation = EditValidation(limits: ServerConfiguration.Limits())

    func multi(_ cells: [CellChange], label: String = "paste", group: String? = nil) -> ClientMessage.Edit {
        ClientMessage.Edit(multi: "c1-9", cells: cells, label: label, group: group)
    }

    func refusal(_ edit: ClientMessage.Edit, role: TokenClaims.Role = .editor) -> EditValidation.Refusal? {
        if case .failure(let refusal) = validation.validate(edit, role: role) { return refusal }
        return nil
    }

    @Test func aValidMultiEditGivesCanonicalCellsInTheOrderSent() throws {
        let valid = try validation.validate(multi([CellChange(cell: "c3", value: "x", base: .zero), CellChange(cell: "a1", base: .zero)]), role: .editor).get()
        #expect(valid.cells.map(\.cell) == ["C3", "A1"])
        #expect(valid.cell.description == "C3")
        #expect(valid.cells.map(\.value) == ["x", nil])
    }

    @Test func everyCellIsCheckedAndTheRefusalNamesTheOp() {
        let limit = ServerConfiguration.Limits().maxMultiCells
        let many = (1...(limit + 1)).map { CellChange(cell: "A\($0)", value: "v", base: .zero) }
        #expect(refusal(multi(many))?.error.code == .tooManyCells)
        #expect(refusal(multi([]))?.error.code == .tooManyCells)
        #expect(refusal(multi([CellChange(cell: "A1", base: .zero), CellChange(cell: "a1", base: .zero)]))?.error.message.contains("A1 appears twice") == true)
        #expect(refusal(multi([CellChange(cell: "A1", base: .zero), CellChange(cell: "XFE1", base: .zero)]))?.error.code == .badCell)
        let big = String(repeating: "x", count: ServerConfiguration.Limits().maxValueBytes + 1)
        #expect(refusal(multi([CellChange(cell: "A1", value: big, base: .zero)]))?.error.code == .valueTooLarge)
        for label in ["", "Paste", "paste!", String(repeating: "a", count: 17)] {
            #expect(refusal(multi([CellChange(cell: "A1", base: .zero)], label: label))?.error.code == .badField, "\(label)")
        }
        #expect(refusal(multi([CellChange(cell: "A1", base: .zero)], group: ""))?.error.code == .badField)
        #expect(refusal(multi([CellChange(cell: "A1", base: .zero)]), role: .viewer)?.error.code == .readOnly)
        #expect(refusal(multi(many))?.op == "c1-9")
    }

    @Test func aBucketOfCellsRefusesAnEditLargerThanWhatIsLeftAndTakesNothing() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(ratePerSecond: 1000, burst: 10_000, now: start)
        let first = bucket.take(8000, now: start)
        let tooMany = bucket.take(3000, now: start)
        let left = bucket.available(now: start)
        let refilled = bucket.take(3000, now: start + .seconds(1))
        #expect(first && !tooMany && left == 2000 && refilled)
    }
}
