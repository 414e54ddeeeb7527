@testable import GridFiles
import Testing

@Suite struct ValueTextTests {
    @Test func numberFormatKinds() {
        #expect(NumberFormatKind(builtInID: 14) == .date)
        #expect(NumberFormatKind(builtInID: 21) == .time)
        #expect(NumberFormatKind(builtInID: 22) == .dateTime)
        #expect(NumberFormatKind(builtInID: 46) == .duration)
        #expect(NumberFormatKind(builtInID: 2) == .number)
        #expect(NumberFormatKind(formatCode: "YYYY-MM-DD") == .date)
        #expect(NumberFormatKind(formatCode: "mmm yy") == .date)
        #expect(NumberFormatKind(formatCode: "h:mm AM/PM") == .time)
        #expect(NumberFormatKind(formatCode: "mm:ss") == .time)
        #expect(NumberFormatKind(formatCode: "[$-409]d/m/yy h:mm;@") == .dateTime)
        #expect(NumberFormatKind(formatCode: "[h]:mm:ss") == .duration)
        #expect(NumberFormatKind(formatCode: "0.00E+00") == .number)
        #expect(NumberFormatKind(formatCode: "\"days\" 0;[Red]-0") == .number)
        #expect(NumberFormatKind(formatCode: "General") == .number)
        #expect(NumberFormatKind(formatCode: "#,##0.00\\ \"€\"") == .number)
    }

    @Test func dateTexts() {
        #expect(DateText.text(serial: 45296, kind: .date) == "2024-01-05")
        #expect(DateText.text(serial: 1, kind: .date) == "1899-12-31")
        #expect(DateText.text(serial: 61, kind: .date) == "1900-03-01")
        #expect(DateText.text(serial: 0, kind: .date) == nil)
        #expect(DateText.text(serial: 45296.99999999, kind: .dateTime) == "2024-01-06 00:00:00")
        #expect(DateText.text(serial: 0.75, kind: .time) == "18:00:00")
        #expect(DateText.text(serial: 1.5, kind: .time) == nil)
        #expect(DateText.text(serial: 3_000_000, kind: .date) == nil)
    }

    @Test func typedValues() {
        #expect(TypedValue(typed: "12%") == .number(0.12, style: .percent))
        #expect(TypedValue(typed: " 1e3 ") == .number(1000, style: .general))
        #expect(TypedValue(typed: "true") == .boolean(true))
        #expect(TypedValue(typed: "2024-02-30") == .text("2024-02-30", forced: false))
        #expect(TypedValue(typed: "2024-02-29") == .number(45351, style: .date))
        #expect(TypedValue(typed: "'TRUE") == .text("TRUE", forced: true))
        #expect(TypedValue.needsApostrophe("=x") && TypedValue.needsApostrophe("1.5") && TypedValue.needsApostrophe("'a"))
        #expect(!TypedValue.needsApostrophe("1.5 kg") && !TypedValue.needsApostrophe("#N/A"))
    }

    @Test func numberTexts() {
        #expect(NumberText.format(100) == "100")
        #expect(NumberText.format(-0.0) == "0")
        #expect(NumberText.format(0.1 + 0.2) == "0.30000000000000004")
        #expect(NumberText.format(1e-5) == "1e-05")
        #expect(NumberText.format(1e20) == "1e+20")
    }
}
