/// A one-line text editor as a value: the text and the caret, moved and edited by grapheme.
public struct LineEditor: Hashable, Sendable {
    public private(set) var characters: [Character]
    /// Caret position, 0…characters.count (before the character at that index).
    public private(set) var caret: Int

    public init(_ text: String = "") {
        self.characters = Array(text)
        self.caret = characters.count
    }

    public var text: String { String(characters) }

    public mutating func insert(_ character: Character) {
        characters.insert(character, at: caret)
        caret += 1
    }

    public mutating func moveLeft() { caret = max(0, caret - 1) }
    public mutating func moveRight() { caret = min(characters.count, caret + 1) }
    public mutating func moveToStart() { caret = 0 }
    public mutating func moveToEnd() { caret = characters.count }

    /// Deletes the character before the caret.
    public mutating func backspace() {
        guard caret > 0 else { return }
        characters.remove(at: caret - 1)
        caret -= 1
    }

    /// Deletes the character under the caret.
    public mutating func deleteForward() {
        guard caret < characters.count else { return }
        characters.remove(at: caret)
    }
}
