#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A wall-clock time in Kenya, to the second, such as a Daraja `TransactionDate`.
///
/// Kenya keeps East Africa Time, UTC+3, with no daylight saving time, so the conversion to and
/// from an instant is fixed arithmetic. Nothing here reads the host's time zone database or
/// its `TZ` setting. Years run from 1 to 9999, the range of the `YYYYMMDDHHmmss` form.
public struct KenyanDateTime: Sendable, Hashable, Comparable {
    /// Kenya's offset from UTC, in seconds.
    public static let utcOffsetSeconds = 3 * 3_600

    /// The year, 1 to 9999.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int
    /// The hour, 0 to 23.
    public let hour: Int
    /// The minute, 0 to 59.
    public let minute: Int
    /// The second, 0 to 59; leap seconds are not represented.
    public let second: Int

    /// Reads a time written as 14 digits, `YYYYMMDDHHmmss`, as Daraja does.
    ///
    /// - Returns: nil unless the text is exactly 14 ASCII digits naming a real date (leap years
    ///   included, year 0000 excluded) and a time from 00:00:00 to 23:59:59.
    public init?(compactDigits: some StringProtocol) {
        var text = String(compactDigits)
        guard let packed = text.withUTF8(Self.packedDigits) else {
            return nil
        }

        let year = packed / 10_000_000_000
        let month = packed / 100_000_000 % 100
        let day = packed / 1_000_000 % 100
        guard year >= 1, (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else {
            return nil
        }
        let hour = packed / 10_000 % 100
        let minute = packed / 100 % 100
        let second = packed % 100
        guard hour < 24, minute < 60, second < 60 else {
            return nil
        }
        self.init(
            checkedYear: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// The value of exactly 14 ASCII digits, or nil for anything else.
    ///
    /// All 14 digits fit in one integer, which is then cut into fields: nothing to allocate.
    static func packedDigits(_ utf8: UnsafeBufferPointer<UInt8>) -> Int? {
        guard utf8.count == 14 else {
            return nil
        }
        var packed = 0
        for byte in utf8 {
            guard JSONNumberGrammar.isDigit(byte) else {
                return nil
            }
            packed = packed * 10 + Int(byte &- UInt8(ascii: "0"))
        }
        return packed
    }

    /// The Kenyan wall-clock second that contains the given instant.
    ///
    /// Instants before 0001-01-01 00:00:00 or after 9999-12-31 23:59:59 Kenyan time are
    /// clamped to those bounds.
    public init(date: Date) {
        let interval = date.timeIntervalSince1970.rounded(.down)
        let seconds: Int64
        if !(interval >= Double(Self.earliestSecondsSince1970)) {
            seconds = Self.earliestSecondsSince1970
        } else if !(interval <= Double(Self.latestSecondsSince1970)) {
            seconds = Self.latestSecondsSince1970
        } else {
            seconds = Int64(interval)
        }
        self.init(secondsSince1970: seconds)
    }

    private init(secondsSince1970: Int64) {
        let local = Int(secondsSince1970) + Self.utcOffsetSeconds
        let days = Self.floorDivide(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        self.init(
            checkedYear: year, month: month, day: day, hour: secondOfDay / 3_600,
            minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
    }

    private init(checkedYear: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = checkedYear
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The time as Daraja writes it: `20251212143052`.
    public var compactDigits: String {
        "\(pad(year, 4))\(pad(month))\(pad(day))\(pad(hour))\(pad(minute))\(pad(second))"
    }

    /// The time in ISO 8601 with its offset: `2025-12-12T14:30:52+03:00`.
    public var iso8601: String {
        "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(hour)):\(pad(minute)):\(pad(second))"
            + "+03:00"
    }

    /// Seconds from 1970-01-01 00:00:00 UTC to this time.
    public var secondsSince1970: Int64 {
        let days = Self.daysSince1970(year: year, month: month, day: day)
        let local = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Int64(local - Self.utcOffsetSeconds)
    }

    /// The instant this wall-clock time names.
    public var date: Date {
        Date(timeIntervalSince1970: Double(secondsSince1970))
    }

    public static func < (lhs: KenyanDateTime, rhs: KenyanDateTime) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.hour, lhs.minute, lhs.second)
            < (rhs.year, rhs.month, rhs.day, rhs.hour, rhs.minute, rhs.second)
    }

    private func pad(_ value: Int, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

// Calendar arithmetic on the proleptic Gregorian calendar, counted in days from 1970-01-01.
extension KenyanDateTime {
    /// 0001-01-01 00:00:00 in Kenya.
    static let earliestSecondsSince1970: Int64 = -62_135_607_600

    /// 9999-12-31 23:59:59 in Kenya.
    static let latestSecondsSince1970: Int64 = 253_402_289_999

    static func isLeap(year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year: year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The number of days from 1970-01-01 to the given date.
    ///
    /// Years are counted from March, so that the leap day is the last day of its year and every
    /// 400-year cycle (146,097 days) has the same shape.
    static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let marchYear = month > 2 ? year : year - 1
        let cycle = floorDivide(marchYear, 400)
        let yearOfCycle = marchYear - cycle * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfCycle = yearOfCycle * 365 + yearOfCycle / 4 - yearOfCycle / 100 + dayOfYear
        // 719,468 days separate 0000-03-01, where cycle 0 starts, from 1970-01-01.
        return cycle * 146_097 + dayOfCycle - 719_468
    }

    /// The date that lies the given number of days after 1970-01-01; the inverse of
    /// ``daysSince1970(year:month:day:)``.
    static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let daysSinceEpochOrigin = days + 719_468
        let cycle = floorDivide(daysSinceEpochOrigin, 146_097)
        let dayOfCycle = daysSinceEpochOrigin - cycle * 146_097
        // Undo the leap-day pattern to find the year within the cycle.
        let yearOfCycle =
            (dayOfCycle - dayOfCycle / 1_460 + dayOfCycle / 36_524 - dayOfCycle / 146_096) / 365
        let dayOfYear = dayOfCycle - (365 * yearOfCycle + yearOfCycle / 4 - yearOfCycle / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = cycle * 400 + yearOfCycle + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    static func floorDivide(_ dividend: Int, _ divisor: Int) -> Int {
        let quotient = dividend / divisor
        return dividend % divisor < 0 ? quotient - 1 : quotient
    }
}
