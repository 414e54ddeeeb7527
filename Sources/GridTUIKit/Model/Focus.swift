/// Which part of the screen the movement keys act on; `Tab` cycles through the visible ones.
public enum Focus: Hashable, Sendable {
    case grid, users, history
}
