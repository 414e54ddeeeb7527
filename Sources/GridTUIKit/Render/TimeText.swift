import Foundation

/// Clock times for the screen, computed directly from epoch milliseconds so that rendering a
/// page of history stays cheap.
public enum TimeText {
    /// `HH:MM:SS`.
    public static func clock(_ milliseconds: Int64, in zone: TimeZone) -> String {
        let (_, seconds) = local(milliseconds, zone)
        return two(seconds / 3600) + ":" + two(seconds / 60 % 60) + ":" + two(seconds % 60)
    }

    /// `YYYY-MM-DD HH:MM:SS`.
    public static func dateTime(_ milliseconds: Int64, in zone: TimeZone) -> String {
        let (days, _) = local(milliseconds, zone)
        let (year, month, day) = civil(fromDays: days)
        return "\(year)-\(two(month))-\(two(day)) " + clock(milliseconds, in: zone)
    }

    /// Days since 1970-01-01 and seconds into that day, in local time.
    private static func local(_ milliseconds: Int64, _ zone: TimeZone) -> (days: Int64, seconds: Int64) {
        let utcSeconds = milliseconds.dividedFloor(by: 1000)
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds))))
        let seconds = utcSeconds + offset
        let days = seconds.dividedFloor(by: 86_400)
        return (days, seconds - days * 86_400)
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.dividedFloor(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func two(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

extension Int64 {
    fileprivate func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
