/// Redis Cluster's rule for where a key lives: CRC16 (XMODEM) of its hash tag, modulo 16,384.
/// The hash tag is the text between the first `{` and the first `}` after it, when that text is
/// not empty; otherwise the whole key. Every key of one grid shares `{grid}`, so a grid is one slot.
public enum RedisSlot {
    public static let count = 16384

    public static func of(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { of(bytes: $0) }
    }

    public static func of(bytes key: some Collection<UInt8>) -> Int {
        Int(crc16(hashTag(key)) % UInt16(count))
    }

    static func hashTag<Key: Collection<UInt8>>(_ key: Key) -> Key.SubSequence {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let rest = key[key.index(after: open)...]
        guard let close = rest.firstIndex(of: UInt8(ascii: "}")), close != rest.startIndex else { return key[...] }
        return rest[..<close]
    }

    static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int((crc >> 8) ^ UInt16(byte))]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
