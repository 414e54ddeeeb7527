/// A token lifetime as people write it: `90s`, `30m`, `8h`, `7d` (a bare number is seconds).
public enum TokenLifetime {
    /// Longest lifetime accepted; longer-lived tokens are better replaced by rotation.
    public static let maximumSeconds: Int64 = 366 * 86400

    public static func seconds(_ text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let (digits, unit) = units[last].map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits), count > 0 else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow, total <= maximumSeconds else { return nil }
        return total
    }
}
