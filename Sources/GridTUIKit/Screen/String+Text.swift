extension String {
    /// Padded with spaces on the right to `width` display columns.
    func padding(to width: Int) -> String {
        self + String(repeating: " ", count: max(0, width - DisplayWidth.of(self)))
    }

    /// Without leading and trailing spaces.
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    /// Centered in `width` display columns (text already fitting).
    func centered(in width: Int) -> String {
        let free = max(0, width - DisplayWidth.of(self))
        return String(repeating: " ", count: free / 2) + self + String(repeating: " ", count: free - free / 2)
    }
}
