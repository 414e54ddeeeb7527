import Shared

extension GridSchema {
    /// The cells of a multi-cell edit in one Redis string: the `m` field of a `multi` or
    /// `multi.conflict` log entry, and the tail of a lost multi edit's `OutcomeRecord`.
    ///
    /// Every token is length-prefixed (`<bytes>:<text>`), so values may hold tabs, newlines or
    /// anything else. A written cell is 3 tokens: cell, new state, old state; a moved cell of a
    /// lost edit is 7: cell, the losing state, its base, and the winner's version, time, user and
    /// state. A state is `s` + value, or `c` (cleared, or never written). The sequencer script
    /// writes the same layout.
    public enum PackedCells {
        public static func encodeWritten(_ cells: [CellChange]) -> String {
            var out = ""
            for change in cells { append(&out, [change.cell, state(change.value), state(change.old)]) }
            return out
        }

        public static func encodeMoved(_ cells: [CellChange]) -> String {
            var out = ""
            for change in cells {
                let winner = change.winner ?? CellState(value: nil, version: .zero, user: "", at: 0)
                append(&out, [
                    change.cell, state(change.value), (change.base ?? .zero).description, winner.version.description,
                    String(winner.at), winner.user, state(winner.value),
                ])
            }
            return out
        }

        public static func decodeWritten(_ text: String) -> [CellChange]? {
            guard let tokens = tokens(text), tokens.count % 3 == 0 else { return nil }
            return stride(from: 0, to: tokens.count, by: 3).map { index in
                CellChange(cell: tokens[index], value: value(tokens[index + 1]), old: value(tokens[index + 2]))
            }
        }

        public static func decodeMoved(_ text: some StringProtocol) -> [CellChange]? {
            guard let tokens = tokens(text), tokens.count % 7 == 0 else { return nil }
            var cells: [CellChange] = []
            cells.reserveCapacity(tokens.count / 7)
            for index in stride(from: 0, to: tokens.count, by: 7) {
                guard let base = Version(tokens[index + 2]), let version = Version(tokens[index + 3]) else { return nil }
                let winner = CellState(value: value(tokens[index + 6]), version: version, user: tokens[index + 5], at: Int64(tokens[index + 4]) ?? 0)
                cells.append(CellChange(cell: tokens[index], value: value(tokens[index + 1]), base: base, winner: winner))
            }
            return cells
        }

        /// A state token: `s` + the value, or `c` for none.
        static func state(_ value: String?) -> String { value.map { "s" + $0 } ?? "c" }

        private static func value(_ token: String) -> String? {
            token.first == "s" ? String(token.dropFirst()) : nil
        }

        private static func append(_ out: inout String, _ tokens: [String]) {
            for token in tokens {
                out += String(token.utf8.count)
                out += ":"
                out += token
            }
        }

        /// Splits length-prefixed tokens; nil if a length is missing or runs past the end.
        private static func tokens(_ text: some StringProtocol) -> [String]? {
            var tokens: [String] = []
            let bytes = Array(text.utf8)
            var index = 0
            while index < bytes.count {
                var length = 0
                var digits = 0
                while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                    let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
                    guard (0...9).contains(digit), digits < 10 else { return nil }
                    length = length * 10 + digit
                    digits += 1
                    index += 1
                }
                guard digits > 0, index < bytes.count, index + 1 + length <= bytes.count else { return nil }
                index += 1
                tokens.append(String(decoding: bytes[index..<(index + length)], as: UTF8.self))
                index += length
            }
            return tokens
        }
    }
}
