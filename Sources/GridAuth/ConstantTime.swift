/// Comparison whose running time does not depend on where two byte strings differ, so an
/// attacker timing the server's answers learns nothing about a valid signature.
public enum ConstantTime {
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        // The length of an HMAC-SHA256 is public, so leaving early on a length mismatch leaks nothing.
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
