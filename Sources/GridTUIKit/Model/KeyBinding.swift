/// One row of the key table.
public struct KeyBinding: Hashable, Sendable {
    public let key: KeyPattern
    public let mode: KeyMode
    public let action: TUIAction
    public let description: String

    public init(_ key: KeyPattern, _ mode: KeyMode, _ action: TUIAction, _ description: String) {
        self.key = key
        self.mode = mode
        self.action = action
        self.description = description
    }
}
