import Testing
@testable import Shared

@Suite("CellAddress")
struct CellAddressTests {
    @Test func parsesA1AsTopLeftCell() throws {
        let address = try #require(CellAddress("A1"))
        #expect(address.column == 0)
        #expect(address.row == 0)
        #expect(address.description == "A1")
    }

    @Test func parsesLowerCaseLettersCaseInsensitively() throws {
        let lower = try #require(CellAddress("a1"))
        #expect(lower == CellAddress("A1"))
        #expect(lower.description == "A1")
        #expect(CellAddress("xfd1048576") == CellAddress("XFD1048576"))
        #expect(CellAddress("aB12") == CellAddress("AB12"))
    }

    @Test func parsesLastSingleLetterColumn() throws {
        let z = try #require(CellAddress("Z1"))
        #expect(z.column == 25)
        #expect(z.row == 0)
    }

    @Test func parsesFirstTwoLetterColumn() throws {
        let aa = try #require(CellAddress("AA1"))
        #expect(aa.column == 26)
        #expect(aa.description == "AA1")
    }

    @Test func acceptsTheLastAddressableCell() throws {
        let last = try #require(CellAddress("XFD1048576"))
        #expect(last.column == CellAddress.maxColumns - 1)
        #expect(last.row == CellAddress.maxRows - 1)
        #expect(last.description == "XFD1048576")
    }

    @Test func acceptsEdgesOfEachAxis() {
        #expect(CellAddress("XFD1") != nil)
        #expect(CellAddress("A1048576") != nil)
    }

    @Test func acceptsSubstrings() throws {
        let line = "set B7 x"
        let word = line.split(separator: " ")[1]
        #expect(try #require(CellAddress(word)).description == "B7")
    }

    @Test(arguments: [
        "XFE1",  // one column past XFD
        "A1048577",  // one row past the last
        "A0",  // row zero
        "",
        "1A",
        "A",
        "1",
        "AAAA1",  // four letters
        "A01",  // leading zero
        "A001",
        "A 1",
        " A1",
        "A1 ",
        "A1\n",
        "A-1",
        "A+1",
        "A1.5",
        "A1B",
        "$A$1",
        "A12345678",  // eight digits
        "ZZZZ9",
        "É1",
        "Ａ1",  // full-width letter
        "A١",  // Arabic-Indic digit
    ])
    func rejectsMalformedOrOutOfRangeText(_ text: String) {
        #expect(CellAddress(text) == nil, "\(text.debugDescription) should be rejected")
    }

    @Test func rejectsRowZero() {
        #expect(CellAddress("A0") == nil)
        #expect(CellAddress("B0") == nil)
    }

    @Test(arguments: [
        (-1, 0), (0, -1), (CellAddress.maxColumns, 0), (0, CellAddress.maxRows), (Int.max, 0), (0, Int.min),
    ])
    func rejectsOutOfRangeCoordinates(column: Int, row: Int) {
        #expect(CellAddress(column: column, row: row) == nil)
    }

    @Test func acceptsInRangeCoordinates() throws {
        let address = try #require(CellAddress(column: 2, row: 11))
        #expect(address.description == "C12")
    }

    @Test(arguments: [
        (0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (77, "BZ"), (78, "CA"),
        (701, "ZZ"), (702, "AAA"), (703, "AAB"), (728, "ABA"), (16_383, "XFD"),
    ])
    func namesColumnsLikeSpreadsheets(column: Int, name: String) throws {
        #expect(CellAddress.columnName(column) == name)
        let parsed = try #require(CellAddress("\(name)1"))
        #expect(parsed.column == column)
        #expect(parsed.columnName == name)
    }

    @Test(arguments: [
        "A1", "B2", "Z9", "AA10", "AZ1", "BA1", "BZ99", "CA100", "ZZ1", "ZZ1048576", "AAA1", "AAZ17", "ABA2", "XFC3", "XFD1",
        "A1048576", "Q123456", "M1000000",
    ])
    func descriptionRoundTrips(_ text: String) throws {
        let address = try #require(CellAddress(text))
        #expect(address.description == text)
        #expect(CellAddress(address.description) == address)
        #expect(CellAddress(text.lowercased()) == address)
    }

    @Test func everyColumnRoundTripsThroughItsName() {
        var failures: [Int] = []
        for column in 0..<CellAddress.maxColumns {
            let name = CellAddress.columnName(column)
            if CellAddress("\(name)1")?.column != column { failures.append(column) }
        }
        #expect(failures.isEmpty, "columns whose name did not parse back: \(failures.prefix(10))")
    }

    @Test func coordinatesRoundTripThroughDescription() throws {
        let rows = [0, 1, 8, 9, 10, 99, 999_999, CellAddress.maxRows - 1]
        let columns = [0, 25, 26, 51, 52, 701, 702, 1_378, CellAddress.maxColumns - 1]
        for row in rows {
            for column in columns {
                let address = try #require(CellAddress(column: column, row: row))
                let parsed = try #require(CellAddress(address.description))
                #expect(parsed == address)
                #expect(parsed.column == column && parsed.row == row)
            }
        }
    }

    @Test func ordersRowMajor() throws {
        let a1 = try #require(CellAddress("A1"))
        let b1 = try #require(CellAddress("B1"))
        let a2 = try #require(CellAddress("A2"))
        let z1 = try #require(CellAddress("Z1"))
        let aa1 = try #require(CellAddress("AA1"))
        #expect(a1 < b1)
        #expect(b1 < a2)
        #expect(z1 < aa1)
        #expect(aa1 < a2)
        #expect(!(a1 < a1))
        #expect(a1 <= a1)
        #expect(a2 > b1)
    }

    @Test func sortsAddressesByRowThenColumn() {
        let addresses = ["B2", "A2", "AA1", "C1", "A10", "A1"].compactMap { CellAddress($0) }
        #expect(addresses.sorted().map(\.description) == ["A1", "C1", "AA1", "A2", "B2", "A10"])
    }

    @Test func equalAddressesHashEqually() {
        let set: Set<CellAddress> = [CellAddress("c3")!, CellAddress("C3")!, CellAddress(column: 2, row: 2)!]
        #expect(set.count == 1)
    }
}
