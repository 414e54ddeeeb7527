import Shared
/// Day serials ↔ the ISO text CollabGrid types dates as (`yyyy-mm-dd`, `hh:mm:ss`,
/// `yyyy-mm-dd hh:mm:ss`), on the 1899-12-30 epoch CollabGrid and LibreOffice use (serial 1 is
/// 1899-12-31; from 1900-03-01 on, serials agree with Excel, which counts a 1900-02-29 that never was).
enum DateText {
    /// Days between the 1904 and the 1900 date systems' day zero.
    static let offset1904 = 1462.0
    /// 9999-12-31, the last date both Excel and four-digit ISO years can hold.
    static let maximumSerial = 2_958_465.0

    /// The text for `serial` shown with a format of `kind`, or nil to keep the number: outside
    /// 1899-12-31…9999-12-31, or a time of day that is not within one day.
    static func text(serial: Double, kind: NumberFormatKind) -> String? {
        let seconds = (serial * 86_400).rounded()
        guard serial.isFinite, seconds >= 0 else { return nil }
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds) - days * 86_400
        switch kind {
        case .number, .duration:
            return nil
        case .time:
            guard serial < 1 else { return nil }
            return clock(secondOfDay == 0 && days == 1 ? 0 : secondOfDay)
        case .date, .dateTime:
            guard days >= 1, Double(days) <= maximumSerial else { return nil }
            // A date format on a serial with a time keeps the time, so the value is not cut short.
            if kind == .date && secondOfDay == 0 { return date(days) }
            return date(days) + " " + clock(secondOfDay)
        }
    }

    static func date(_ serial: Int) -> String {
        let (year, month, day) = civil(fromDays: serial + epochDays)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    static func clock(_ secondOfDay: Int) -> String {
        pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    static func serial(year: Int, month: Int, day: Int) -> Int {
        daysFromCivil(year: year, month: month, day: day) - epochDays
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let epochDays = daysFromCivil(year: 1899, month: 12, day: 30)

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01, proleptic Gregorian (Howard Hinnant's algorithm, as GridFormula's DateSerial).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        CivilCalendar.days(year: year, month: month, day: day)
    }

    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let date = CivilCalendar.date(fromDays: days)
        return (date.year, date.month, date.day)
    }
}
