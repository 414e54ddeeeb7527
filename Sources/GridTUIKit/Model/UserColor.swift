/// Each user's colour: a stable hash of the name picks one of six, so a person has the same
/// colour on every screen and in every run (Swift's `hashValue` is seeded per process).
public enum UserColor {
    public static let palette: [TermColor] = [.red, .green, .yellow, .blue, .magenta, .cyan]

    public static func of(_ user: String) -> TermColor {
        // FNV-1a over the UTF-8 bytes.
        var hash: UInt32 = 2_166_136_261
        for byte in user.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return palette[Int(hash % UInt32(palette.count))]
    }
}
