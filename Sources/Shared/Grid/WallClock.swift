import Foundation

public enum WallClock {
    /// Wall-clock milliseconds since the Unix epoch: the timestamps of the protocol.
    public static func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}
