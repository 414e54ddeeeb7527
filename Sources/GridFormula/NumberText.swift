/// Deterministic number-to-text conversions shared by display and formulas.
enum NumberText {
    /// How a number becomes text inside a formula (`=1/3&""`): 15 significant digits, as LibreOffice.
    static func standard(_ value: Double) -> String {
        general(value, significant: 15)
    }

    /// The grid's "General" display: 10 significant digits, but whole numbers below 10^16 in full.
    static func display(_ value: Double) -> String {
        let full = DecimalNumber(value).rounded(significant: 15)
        if !full.hasFraction, full.exponent < 16 { return full.plain() }
        return general(value, significant: 10)
    }

    /// Plain notation for magnitudes from 1E-10 up to below 1E+16 (after rounding), scientific otherwise.
    static func general(_ value: Double, significant: Int) -> String {
        let number = DecimalNumber(value).rounded(significant: significant)
        guard !number.isZero else { return "0" }
        if number.exponent >= 16 || number.exponent < -10 { return number.scientific() }
        return number.plain()
    }
}
