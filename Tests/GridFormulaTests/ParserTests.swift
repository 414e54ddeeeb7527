@testable import GridFormula
import Shared
import Testing

struct ParserTests {
    func value(_ formula: String) -> FormulaValue {
        var sheet = FormulaSheet()
        sheet.load([CellAddress("Z1")!: formula], clock: 0)
        return sheet.value(CellAddress("Z1")!)
    }

    @Test func precedence() {
        #expect(value("=-2^2") == .number(4))
        #expect(value("=2^3^2") == .number(64))
        #expect(value("=1+2*3") == .number(7))
        #expect(value("=1+2&3") == .text("33"))
        #expect(value("=1&2=12") == .boolean(false))
        #expect(value("=-50%") == .number(-0.5))
        #expect(value("=2^-1") == .number(0.5))
        #expect(value("=10-4-3") == .number(3))
    }

    @Test func references() throws {
        let e = try FormulaParser.parse("$A$1+A$2+$B3+C4")
        guard case .binary(.add, .binary(.add, .binary(.add, .cell(let a), .cell(let b)), .cell(let c)), .cell(let d)) = e else {
            Issue.record("unexpected tree \(e)")
            return
        }
        #expect(a == CellReference(column: 0, row: 0, columnAbsolute: true, rowAbsolute: true))
        #expect(b == CellReference(column: 0, row: 1, columnAbsolute: false, rowAbsolute: true))
        #expect(c == CellReference(column: 1, row: 2, columnAbsolute: true, rowAbsolute: false))
        #expect(d == CellReference(column: 2, row: 3, columnAbsolute: false, rowAbsolute: false))
        guard case .range(let column) = try FormulaParser.parse("B:D"), case .range(let rows) = try FormulaParser.parse("2:5") else {
            Issue.record("whole column/row not parsed")
            return
        }
        #expect(column.shape == .columns && column.end.row == CellAddress.maxRows - 1)
        #expect(rows.shape == .rows && rows.end.column == CellAddress.maxColumns - 1)
    }

    @Test func syntaxErrorsAndNames() {
        for bad in ["=1+", "=SUM(1,2", "=(1", "=1)", "=\"abc", "=ABS(1,2)", "=", "=A1:", "=1 2", "=@"] {
            #expect(value(bad) == .error(.syntax), "\(bad)")
        }
        #expect(value("=XFE1") == .error(.name))
        #expect(value("=A1048577") == .error(.name))
        #expect(value("=NOSUCH(1)") == .error(.name))
        #expect(value("=foo") == .error(.name))
        #expect(value("=XFD1048576") == .number(0))
        #expect(value("=_xlfn.XOR(TRUE,FALSE)") == .boolean(true))
        #expect(value("=sum(1;2;3)") == .number(6))
    }

    @Test func deepNestingIsRefusedNotCrashing() {
        let deep = "=" + String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        #expect(value(deep) == .error(.syntax))
        #expect(value("=" + String(repeating: "(", count: 50) + "1" + String(repeating: ")", count: 50)) == .number(1))
    }

    @Test func referencesInText() {
        let ranges = FormulaSheet.references(in: "=SUM(A1:B2)+C3+SUM(D:D)+SUM(2:3)")
        #expect(ranges == [
            FormulaRange(start: CellAddress("A1")!, end: CellAddress("B2")!),
            FormulaRange(CellAddress("C3")!),
            FormulaRange(start: CellAddress("D1")!, end: CellAddress(column: 3, row: CellAddress.maxRows - 1)!),
            FormulaRange(start: CellAddress("A2")!, end: CellAddress(column: CellAddress.maxColumns - 1, row: 2)!),
        ])
        #expect(FormulaSheet.references(in: "=SUM(B2:A1") == [FormulaRange(start: CellAddress("A1")!, end: CellAddress("B2")!)])
        #expect(FormulaSheet.references(in: "A1") == [])
        #expect(FormulaSheet.references(in: "=\"A1") == [])
    }

    @Test func rewriterShiftsRelativeParts() {
        #expect(FormulaRewriter.shift("=A1+$B$2+C$3+$D4", columns: 1, rows: 2) == "=B3+$B$2+D$3+$D6")
        #expect(FormulaRewriter.shift("=SUM(A1:B2)*2", columns: 2, rows: 0) == "=SUM(C1:D2)*2")
        #expect(FormulaRewriter.shift("=SUM(A:B)+SUM(1:2)", columns: 1, rows: 1) == "=SUM(B:C)+SUM(2:3)")
        #expect(FormulaRewriter.shift("=A1+1", columns: -1, rows: 0) == "=#REF!+1")
        #expect(FormulaRewriter.shift("=SUM(A1:B2)", columns: 0, rows: -1) == "=SUM(#REF!)")
        #expect(FormulaRewriter.shift("=\"A1\"&A1", columns: 1, rows: 1) == "=\"A1\"&B2")
        #expect(FormulaRewriter.shift("plain A1", columns: 1, rows: 1) == "plain A1")
        #expect(FormulaRewriter.shift("=$A$1", columns: 5, rows: 5) == "=$A$1")
    }
}
