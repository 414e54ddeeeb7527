import Shared

/// Day serials on LibreOffice's and Excel's 1899-12-30 epoch (serial 1 = 1899-12-31, 46357 = 2026-12-01).
/// Excel's fictitious 1900-02-29 is not reproduced, as in LibreOffice; serials from 1900-03-01 agree with Excel.
enum DateSerial {
    private static let epochDays = daysFromCivil(year: 1899, month: 12, day: 30)

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        CivilCalendar.days(year: year, month: month, day: day)
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        CivilCalendar.date(fromDays: days)
    }

    /// Serial for a year/month/day where month and day may overflow (DATE(2026,14,0) is valid).
    static func serial(year: Int, month: Int, day: Int) -> Int {
        let monthIndex = year * 12 + (month - 1)
        let y = monthIndex >= 0 ? monthIndex / 12 : (monthIndex - 11) / 12
        let m = monthIndex - y * 12 + 1
        return daysFromCivil(year: y, month: m, day: 1) + day - 1 - epochDays
    }

    static func civil(fromSerial serial: Int) -> (year: Int, month: Int, day: Int) {
        civil(fromDays: serial + epochDays)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        serial(year: year, month: month + 1, day: 1) - serial(year: year, month: month, day: 1)
    }

    /// The serial (with time as fraction) of a clock given in milliseconds since the Unix epoch, UTC.
    static func serial(unixMilliseconds: Int64) -> Double {
        let dayMs: Int64 = 86_400_000
        var days = unixMilliseconds / dayMs
        var rest = unixMilliseconds % dayMs
        if rest < 0 {
            days -= 1
            rest += dayMs
        }
        return Double(Int(days) - epochDays) + Double(rest) / Double(dayMs)
    }

    /// Largest magnitude accepted by date functions (32767-12-31, LibreOffice's last year).
    static let maximumSerial = serial(year: 32767, month: 12, day: 31)
}
