import Foundation

/// Date functions over day serials. TODAY and NOW read the caller's clock, never the machine's.
enum DateFunctions {
    /// A date argument as a whole-day serial. As in LibreOffice, serials before 1899-12-30 are valid dates.
    private static func day(_ args: FunctionArguments, _ index: Int) throws(FormulaError) -> Int {
        let n = Foundation.floor(try args.number(index))
        guard n.magnitude <= Double(DateSerial.maximumSerial) else { throw .num }
        return Int(n)
    }

    private static func serial(_ value: Int) throws(FormulaError) -> Operand {
        guard value.magnitude <= DateSerial.maximumSerial else { throw .num }
        return .number(Double(value))
    }

    /// DATE(year, month, day); years 0–1899 are offsets from 1900 as in Excel; month and day may overflow.
    static func date(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        var year = try args.integer(0)
        let month = try args.integer(1)
        let day = try args.integer(2)
        guard (0...32767).contains(year), month.magnitude < 1_200_000, day.magnitude < 40_000_000 else { throw .num }
        if year < 1900 { year += 1900 }
        return try serial(DateSerial.serial(year: year, month: month, day: day))
    }

    static func year(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(DateSerial.civil(fromSerial: try day(args, 0)).year))
    }

    static func month(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(DateSerial.civil(fromSerial: try day(args, 0)).month))
    }

    static func dayOfMonth(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Double(DateSerial.civil(fromSerial: try day(args, 0)).day))
    }

    /// WEEKDAY(serial, [type]): 1 Sunday=1…Saturday=7, 2 Monday=1…Sunday=7, 3 Monday=0…Sunday=6, 11–17 Excel's variants.
    static func weekday(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let serial = try day(args, 0)
        let type = try args.integer(1, default: 1)
        // Serial 0 (1899-12-30) was a Saturday: (serial + 6) % 7 is 0 on Sundays.
        let sundayBased = (serial + 6) % 7
        switch type {
        case 1, 17: return .number(Double(sundayBased + 1))
        case 2, 11: return .number(Double((sundayBased + 6) % 7 + 1))
        case 3: return .number(Double((sundayBased + 6) % 7))
        case 12...16:
            let firstDay = type - 10 // 2 = Tuesday … 6 = Saturday, counting Sunday as 0
            return .number(Double((sundayBased - firstDay + 7) % 7 + 1))
        default: throw .num
        }
    }

    private static func addMonths(_ args: FunctionArguments) throws(FormulaError) -> (year: Int, month: Int, day: Int) {
        let start = DateSerial.civil(fromSerial: try day(args, 0))
        let months = try args.integer(1)
        guard months.magnitude < 120_000 else { throw .num }
        let index = start.year * 12 + start.month - 1 + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        return (year, index - year * 12 + 1, start.day)
    }

    static func edate(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let target = try addMonths(args)
        let day = Swift.min(target.day, DateSerial.daysInMonth(year: target.year, month: target.month))
        return try serial(DateSerial.serial(year: target.year, month: target.month, day: day))
    }

    static func eomonth(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        let target = try addMonths(args)
        return try serial(DateSerial.serial(year: target.year, month: target.month + 1, day: 0))
    }

    static func days(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(try args.number(0) - args.number(1))
    }

    static func today(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(Foundation.floor(DateSerial.serial(unixMilliseconds: args.clock)))
    }

    static func now(_ args: FunctionArguments) throws(FormulaError) -> Operand {
        .number(DateSerial.serial(unixMilliseconds: args.clock))
    }
}
