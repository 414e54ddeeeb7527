import Shared
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

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let date = CivilCalendar.date(fromDays: Int(days))
        return (Int64(date.year), Int64(date.month), Int64(date.day))
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
