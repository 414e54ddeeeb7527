/// A finite Double as decimal digits, taken from Swift's shortest round-trip description.
/// Rounding on these digits (half away from zero) makes `ROUND(2.675, 2)` 2.68 and display
/// formatting independent of the platform's printf, so results are identical everywhere.
struct DecimalNumber: Sendable, Hashable {
    var negative: Bool
    /// Significant digits without leading or trailing zeros; empty means zero.
    var digits: [UInt8]
    /// Value = 0.d₀d₁d₂… × 10^pointPosition.
    var pointPosition: Int

    init(_ value: Double) {
        negative = value < 0
        digits = []
        pointPosition = 0
        guard value != 0, value.isFinite else { return }
        let text = "\(Swift.abs(value))"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerDigits = 0
        var seenPoint = false
        for ch in mantissa {
            if ch == "." {
                seenPoint = true
                continue
            }
            guard let d = ch.asciiValue.map({ $0 - 48 }) else { continue }
            digits.append(d)
            if !seenPoint { integerDigits += 1 }
        }
        pointPosition = integerDigits + exponent
        normalize()
    }

    private mutating func normalize() {
        while let first = digits.first, first == 0 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty {
            pointPosition = 0
            negative = false
        }
    }

    var isZero: Bool { digits.isEmpty }

    /// Decimal exponent of the leading digit (scientific notation exponent).
    var exponent: Int { pointPosition - 1 }

    enum Rounding {
        /// Half away from zero (ROUND, display).
        case halfUp
        /// Towards zero (ROUNDDOWN).
        case down
        /// Away from zero (ROUNDUP).
        case up
    }

    /// Keeps `count` leading digits.
    private func keeping(_ count: Int, _ mode: Rounding) -> DecimalNumber {
        var copy = self
        guard count < digits.count else { return copy }
        let roundUp: Bool
        switch mode {
        case .halfUp: roundUp = count >= 0 && digits[count] >= 5
        case .down: roundUp = false
        case .up: roundUp = true
        }
        guard count > 0 else {
            // Every digit drops; rounding up leaves a single 1 just above the cut.
            copy.digits = roundUp ? [1] : []
            copy.pointPosition = pointPosition - count + 1
            copy.normalize()
            return copy
        }
        copy.digits = Array(digits[0..<count])
        if roundUp {
            var i = count - 1
            while i >= 0 {
                if copy.digits[i] == 9 {
                    copy.digits[i] = 0
                    i -= 1
                } else {
                    copy.digits[i] += 1
                    break
                }
            }
            if i < 0 {
                copy.digits.insert(1, at: 0)
                copy.pointPosition += 1
            }
        }
        copy.normalize()
        return copy
    }

    func rounded(decimals: Int, _ mode: Rounding = .halfUp) -> DecimalNumber { keeping(pointPosition + decimals, mode) }

    func rounded(significant: Int) -> DecimalNumber { keeping(significant, .halfUp) }

    var hasFraction: Bool { digits.count > pointPosition }

    var doubleValue: Double {
        guard !digits.isEmpty else { return 0 }
        var text = negative ? "-0." : "0."
        for d in digits { text.append(Character(Unicode.Scalar(d + 48))) }
        text += "e\(pointPosition)"
        return Double(text) ?? 0
    }

    /// Plain notation with exactly `fraction` decimals when given, else as many as the digits need.
    func plain(fraction: Int? = nil) -> String {
        var integerPart = ""
        var fractionPart = ""
        if pointPosition <= 0 {
            integerPart = "0"
        } else {
            for i in 0..<pointPosition { integerPart.append(digit(i)) }
        }
        let available = Swift.max(0, digits.count - pointPosition)
        let places = fraction ?? available
        for i in 0..<places { fractionPart.append(digit(pointPosition + i)) }
        let sign = negative && !isZero ? "-" : ""
        return fractionPart.isEmpty ? sign + integerPart : sign + integerPart + "." + fractionPart
    }

    /// Scientific notation `d.dddE+XX` with as many digits as needed and at least two exponent digits.
    func scientific() -> String {
        guard !isZero else { return "0" }
        var text = negative ? "-" : ""
        text.append(digit(0))
        if digits.count > 1 {
            text.append(".")
            for i in 1..<digits.count { text.append(digit(i)) }
        }
        let e = exponent
        let magnitude = String(Swift.abs(e))
        text += (e < 0 ? "E-" : "E+") + (magnitude.count < 2 ? "0" + magnitude : magnitude)
        return text
    }

    private func digit(_ index: Int) -> Character {
        guard index >= 0, index < digits.count else { return "0" }
        return Character(Unicode.Scalar(digits[index] + 48))
    }
}
