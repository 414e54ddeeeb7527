import GridFormula
import Shared
import Testing

private func a(_ name: String) -> CellAddress { CellAddress(name)! }

struct SheetTests {
    @Test func typedCells() {
        var sheet = FormulaSheet()
        sheet.load([a("A1"): "5", a("A2"): " -2.5 ", a("A3"): "1e3", a("A4"): "12%", a("A5"): "true",
                    a("A6"): "2026-12-01", a("A7"): "'42", a("A8"): "hello", a("A9"): "=A6+1"], clock: 0)
        #expect(sheet.value(a("A1")) == .number(5))
        #expect(sheet.value(a("A2")) == .number(-2.5))
        #expect(sheet.value(a("A3")) == .number(1000))
        #expect(sheet.value(a("A4")) == .number(0.12))
        #expect(sheet.value(a("A5")) == .boolean(true))
        #expect(sheet.value(a("A6")) == .number(46357))
        #expect(sheet.value(a("A7")) == .text("42"))
        #expect(sheet.displayText(a("A7")) == "42")
        #expect(sheet.displayText(a("A6")) == "2026-12-01")
        #expect(sheet.displayText(a("A4")) == "12%")
        #expect(sheet.displayText(a("A5")) == "TRUE")
        #expect(sheet.value(a("A9")) == .number(46358))
        #expect(sheet.isNumeric(a("A1")) && !sheet.isNumeric(a("A8")))
        #expect(sheet.isFormula(a("A9")) && !sheet.isFormula(a("A1")))
        #expect(sheet.raw(a("A7")) == "'42")
        #expect(sheet.displayText(a("B1")) == "")
    }

    @Test func generalDisplay() {
        var sheet = FormulaSheet()
        sheet.load([a("A1"): "=1/3", a("A2"): "=0.1+0.2", a("A3"): "=2^60", a("A4"): "=123456789012",
                    a("A5"): "=1/0", a("A6"): "=1E-20", a("A7"): "=-1/7"], clock: 0)
        #expect(sheet.displayText(a("A1")) == "0.3333333333")
        #expect(sheet.displayText(a("A2")) == "0.3")
        #expect(sheet.displayText(a("A3")) == "1.152921505E+18")
        #expect(sheet.displayText(a("A4")) == "123456789012")
        #expect(sheet.displayText(a("A5")) == "#DIV/0!")
        #expect(sheet.displayText(a("A6")) == "1E-20")
        #expect(sheet.displayText(a("A7")) == "-0.1428571429")
    }

    @Test func cycles() {
        var sheet = FormulaSheet()
        sheet.load([a("A1"): "=A1+1", a("B1"): "=B2", a("B2"): "=B1", a("C1"): "=B1+1", a("D1"): "=IFERROR(B1,7)"], clock: 0)
        #expect(sheet.value(a("A1")) == .error(.cycle))
        #expect(sheet.value(a("B1")) == .error(.cycle))
        #expect(sheet.value(a("B2")) == .error(.cycle))
        #expect(sheet.value(a("C1")) == .error(.cycle))
        #expect(sheet.value(a("D1")) == .number(7))
        let changed = sheet.set(a("B2"), raw: "4")
        #expect(sheet.value(a("B1")) == .number(4))
        #expect(sheet.value(a("C1")) == .number(5))
        #expect(changed == [a("B1"), a("B2"), a("C1"), a("D1")])
        #expect(sheet.dependents(of: [a("A1")]) == [a("A1")])
    }

    @Test func longCycleThenBroken() {
        var cells: [CellAddress: String] = [:]
        for r in 1...1_000 { cells[a("A\(r)")] = "=A\(r == 1000 ? 1 : r + 1)+1" }
        var sheet = FormulaSheet()
        sheet.load(cells, clock: 0)
        #expect(sheet.value(a("A500")) == .error(.cycle))
        sheet.set(a("A1000"), raw: "1")
        #expect(sheet.value(a("A1")) == .number(1000))
    }

    @Test func errorPropagation() {
        var sheet = FormulaSheet()
        sheet.load([a("A1"): "=1/0", a("A2"): "=NA()", a("B1"): "=A1+A2", a("B2"): "=A2+A1", a("B3"): "=SUM(A1:A2)",
                    a("B4"): "=ISERROR(A1)", a("B5"): "=IFNA(A2,1)", a("B6"): "=\"x\"&A1"], clock: 0)
        #expect(sheet.value(a("B1")) == .error(.div0))
        #expect(sheet.value(a("B2")) == .error(.na))
        #expect(sheet.value(a("B3")) == .error(.div0))
        #expect(sheet.value(a("B4")) == .boolean(true))
        #expect(sheet.value(a("B5")) == .number(1))
        #expect(sheet.value(a("B6")) == .error(.div0))
    }

    @Test func incrementalRecalculationTouchesOnlyDependents() {
        var cells: [CellAddress: String] = [a("A1"): "1", a("B1"): "2"]
        for r in 1...100 { cells[a("C\(r)")] = "=A1*\(r)" }
        for r in 1...100 { cells[a("D\(r)")] = "=B1*\(r)" }
        var sheet = FormulaSheet()
        sheet.load(cells, clock: 0)
        #expect(sheet.evaluationCount == 200)
        let changed = sheet.set(a("A1"), raw: "3")
        #expect(sheet.evaluationCount == 300)
        #expect(changed.count == 101)
        #expect(sheet.value(a("C7")) == .number(21))
        let unchanged = sheet.set(a("A1"), raw: "3")
        #expect(unchanged == [a("A1")])
        let batch = sheet.set([a("A1"): "1", a("B1"): nil])
        #expect(batch.count == 202)
        #expect(sheet.value(a("D5")) == .number(0))
    }

    @Test func wholeColumnsAndRowsFollowEdits() {
        var sheet = FormulaSheet()
        sheet.load([a("A1"): "1", a("B1"): "=SUM(A:A)", a("C1"): "=COUNT(5:5)", a("D1"): "=SUM(A1:A100000)"], clock: 0)
        #expect(sheet.value(a("B1")) == .number(1))
        sheet.set(a("A1048576"), raw: "10")
        #expect(sheet.value(a("B1")) == .number(11))
        #expect(sheet.value(a("D1")) == .number(1))
        let changed = sheet.set(a("XFD5"), raw: "3")
        #expect(changed == [a("XFD5"), a("C1")])
        sheet.set(a("A50000"), raw: "=5")
        #expect(sheet.value(a("B1")) == .number(16))
        #expect(sheet.value(a("D1")) == .number(6))
        sheet.set(a("A1"), raw: nil)
        #expect(sheet.value(a("B1")) == .number(15))
        #expect(sheet.dependents(of: [a("A77")]) == [a("B1"), a("D1")])
    }

    @Test func clockDrivesTodayAndNow() {
        var sheet = FormulaSheet()
        // 2026-12-01T18:00:00Z
        let clock: Int64 = 1_796_148_000_000
        sheet.load([a("A1"): "=TODAY()", a("A2"): "=NOW()", a("A3"): "=A1+1", a("A4"): "5"], clock: clock)
        #expect(sheet.value(a("A1")) == .number(46357))
        #expect(sheet.value(a("A2")) == .number(46357.75))
        let changed = sheet.setClock(clock + 86_400_000)
        #expect(changed == [a("A1"), a("A2"), a("A3")])
        #expect(sheet.value(a("A3")) == .number(46359))
        #expect(sheet.setClock(clock + 86_400_000) == [])
    }

    @Test func determinismAcrossInsertionOrders() {
        var cells: [CellAddress: String] = [:]
        for r in 1...100 {
            cells[a("A\(r)")] = String(Double(r) * 0.1)
            cells[a("B\(r)")] = "=SUM(A$1:A\(r))/3"
            cells[a("C\(r)")] = "=TEXTJOIN(\",\",TRUE,A\(r):B\(r))&VLOOKUP(\(r),A:B,2)"
        }
        var first = FormulaSheet()
        first.load(cells, clock: 1)
        var second = FormulaSheet()
        second.load([:], clock: 1)
        for (cell, raw) in cells.sorted(by: { $0.key > $1.key }) { second.set(cell, raw: raw) }
        for cell in cells.keys {
            #expect(first.displayText(cell) == second.displayText(cell))
            #expect(first.value(cell) == second.value(cell))
        }
    }

    @Test func deepChainDoesNotOverflow() {
        var cells: [CellAddress: String] = [a("A1"): "0"]
        for r in 2...100_000 { cells[a("A\(r)")] = "=A\(r - 1)+1" }
        var sheet = FormulaSheet()
        sheet.load(cells, clock: 0)
        #expect(sheet.value(a("A100000")) == .number(99_999))
        sheet.set(a("A1"), raw: "1")
        #expect(sheet.value(a("A100000")) == .number(100_000))
        #expect(sheet.dependents(of: [a("A99999")]) == [a("A100000")])
    }
}
