/// What user and grid names may look like: short, printable, and safe in keys, logs and screens.
public enum NameRules {
    public static func isValidUser(_ name: String, maxBytes: Int = 32) -> Bool { isValid(name, maxLength: maxBytes) }
    public static func isValidGrid(_ name: String, maxBytes: Int = 64) -> Bool { isValid(name, maxLength: maxBytes) }

    private static func isValid(_ name: String, maxLength: Int) -> Bool {
        let bytes = Array(name.utf8)
        guard maxLength >= 1, (1...maxLength).contains(bytes.count), isAlphanumeric(bytes[0]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
