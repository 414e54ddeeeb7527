#if canImport(Glibc)
import Glibc
#endif

/// Monotonic nanoseconds shared by every client of one bench process, so a send time taken by
/// one client's task can be compared with a receive time taken by another's.
public enum BenchClock {
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}
