/// `*` (any run), `?` (any one character) and `~` (escapes the next character), matched case-insensitively
/// against the whole text, as LibreOffice does with wildcards enabled (its setting for xlsx files).
struct WildcardPattern: Sendable, Hashable {
    private enum Element: Sendable, Hashable {
        case literal(Character)
        case any
        case anyRun
    }

    private let elements: [Element]
    let hasWildcards: Bool

    init(_ pattern: String) {
        var elements: [Element] = []
        var wildcards = false
        var escaped = false
        for ch in ValueComparison.foldCase(pattern) {
            if escaped {
                elements.append(.literal(ch))
                escaped = false
                continue
            }
            switch ch {
            case "~": escaped = true
            case "*":
                wildcards = true
                elements.append(.anyRun)
            case "?":
                wildcards = true
                elements.append(.any)
            default: elements.append(.literal(ch))
            }
        }
        if escaped { elements.append(.literal("~")) }
        self.elements = elements
        self.hasWildcards = wildcards || pattern.contains("~")
    }

    /// Iterative matching with single backtrack point for the last `*`: linear in practice, never recursive.
    func matches(_ text: String) -> Bool {
        let chars = Array(ValueComparison.foldCase(text))
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < chars.count {
            if p < elements.count {
                switch elements[p] {
                case .anyRun:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .any:
                    p += 1
                    t += 1
                    continue
                case .literal(let c) where c == chars[t]:
                    p += 1
                    t += 1
                    continue
                case .literal:
                    break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < elements.count, elements[p] == .anyRun { p += 1 }
        return p == elements.count
    }

    /// First match starting at or after `from` (character offsets), for SEARCH. Returns the start offset.
    func firstMatch(in text: String, from: Int) -> Int? {
        let chars = Array(text)
        guard from <= chars.count else { return nil }
        // A pattern used for searching matches a prefix of the remainder, so a trailing `*` is implied.
        let prefixPattern = WildcardPattern(elements: elements + [.anyRun])
        for start in from...chars.count where prefixPattern.matches(String(chars[start...])) {
            if elements.isEmpty || start < chars.count || elements.allSatisfy({ $0 == .anyRun }) {
                return start
            }
        }
        return nil
    }

    private init(elements: [Element]) {
        self.elements = elements
        self.hasWildcards = true
    }
}
