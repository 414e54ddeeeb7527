import GridFormula
import Shared

/// Timing of the formula engine on a synthetic grid: 100,000 cells of which 20,000 are formulas
/// (range sums, VLOOKUP and INDEX/MATCH lookups, five chains 1,000 deep), then repeated edits of a
/// chain's root, which has 1,000 dependents.
public enum FormulaBenchmark {
    public static let chainLength = 1_000

    public static func scenario() -> [CellAddress: String] {
        var cells: [CellAddress: String] = [:]
        func put(_ column: Int, _ row: Int, _ text: String) {
            cells[CellAddress(column: column, row: row)!] = text
        }
        let dataRows = 39_998
        for r in 0..<dataRows { put(0, r, String(r + 1)) }
        for r in 0..<(dataRows - 1) { put(1, r, String((r + 1) * 2)) }
        for i in 0..<5_000 {
            let row = i + 1
            put(2, i, "=SUM(A\(row):A\(row + 99))")
            put(3, i, "=VLOOKUP(A\(i % 1_000 + 1),$A$1:$B$1000,2,FALSE)")
            put(4, i, "=INDEX($B$1:$B$1000,MATCH(A\(i % 1_000 + 1),$A$1:$A$1000,0))")
        }
        for chain in 0..<5 {
            let column = 5 + chain
            put(25, chain, String(chain))
            put(column, 0, "=Z\(chain + 1)+1")
            for r in 1..<chainLength {
                put(column, r, "=\(CellAddress.columnName(column))\(r)+1")
            }
        }
        return cells
    }

    /// Loads `loads` times (reporting the fastest, since the machine may be shared) and then edits.
    public static func run(loads: Int = 5, edits: Int = 500) -> FormulaBenchmarkReport {
        let cells = scenario()
        let clock = ContinuousClock()
        var sheet = FormulaSheet()
        var loadTime = Duration.seconds(3600)
        for _ in 0..<max(1, loads) {
            var fresh = FormulaSheet()
            loadTime = min(loadTime, clock.measure { fresh.load(cells, clock: 0) })
            sheet = fresh
        }
        let root = CellAddress(column: 25, row: 0)!
        var samples: [Duration] = []
        samples.reserveCapacity(edits)
        var dependents = 0
        for k in 0..<edits {
            let start = clock.now
            let changed = sheet.set(root, raw: String(k + 10))
            samples.append(clock.now - start)
            dependents = changed.count - 1
        }
        samples.sort()
        func ms(_ d: Duration) -> Double {
            Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        }
        let formulas = cells.values.filter { $0.hasPrefix("=") }.count
        return FormulaBenchmarkReport(
            cells: cells.count,
            formulas: formulas,
            loadMilliseconds: ms(loadTime),
            editDependents: dependents,
            editP50Milliseconds: ms(samples[samples.count / 2]),
            editP99Milliseconds: ms(samples[min(samples.count - 1, samples.count * 99 / 100)]),
            edits: edits)
    }
}

public struct FormulaBenchmarkReport: Sendable, Codable {
    public var cells: Int
    public var formulas: Int
    public var loadMilliseconds: Double
    public var editDependents: Int
    public var editP50Milliseconds: Double
    public var editP99Milliseconds: Double
    public var edits: Int

    public var summary: String {
        """
        load: \(cells) cells, \(formulas) formulas: \(Self.format(loadMilliseconds)) ms (fastest of repeated loads)
        edit with \(editDependents) dependents (\(edits) edits): p50 \(Self.format(editP50Milliseconds)) ms, \
        p99 \(Self.format(editP99Milliseconds)) ms
        """
    }

    private static func format(_ ms: Double) -> String {
        String((ms * 1000).rounded() / 1000)
    }
}
