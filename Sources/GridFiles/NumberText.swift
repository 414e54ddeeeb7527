/// Numbers as text both CollabGrid and XLSX (`xsd:double`) read back to the same `Double`:
/// integers without a fraction, everything else in Swift's shortest round-trip form (`0.1`, `1e-05`).
enum NumberText {
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            // `Int(-0.0)` is 0, so negative zero prints as "0", as spreadsheets show it.
            return String(Int(value))
        }
        return value.description
    }
}
