import Foundation

/// Converts `Date` to and from PostgreSQL's ISO timestamp text with exact integer arithmetic.
/// Formatters (DateFormatter, ISO8601DateFormatter) round to milliseconds and depend on locale
/// settings; tokens and sessions compare expiry to the microsecond, so this does it by hand.
enum PostgresTimestamp {
    /// `2024-05-01 12:34:56.123456+00`: UTC, always six fractional digits.
    static func format(_ date: Date) throws -> String {
        // `Int64(exactly:)`: a time past ±292,000 years (or not finite) would trap in `Int64(_:)`
        // and take the process down; it is refused like any other year out of range. (The
        // message gives seconds: `Date.description` traps on such times too.)
        guard let totalMicros = Int64(exactly: (date.timeIntervalSince1970 * 1_000_000).rounded()) else {
            throw PostgresError(message: "timestamp \(date.timeIntervalSince1970) s since 1970 is outside years 1...9999")
        }
        let (seconds, micros) = floorDivide(totalMicros, 1_000_000)
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civilDate(fromDays: days)
        guard (1...9999).contains(year) else {
            throw PostgresError(message: "timestamp \(date.timeIntervalSince1970) s since 1970 is outside years 1...9999")
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " "
            + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
            + "." + pad(micros, 6) + "+00"
    }

    /// Reads `timestamptz` output in DateStyle ISO (`YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`
    /// with an optional ` BC`), a bare `date`, or a `timestamp` without zone (taken as UTC).
    /// `infinity` / `-infinity` become `Date.distantFuture` / `Date.distantPast`.
    static func parse(_ text: String) -> Date? {
        if text == "infinity" { return .distantFuture }
        if text == "-infinity" { return .distantPast }
        var scanner = Scanner(Array(text.utf8))
        guard var year = scanner.number(minDigits: 4), scanner.skip("-"),
              let month = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip("-"),
              let day = scanner.number(minDigits: 2, maxDigits: 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var secondOfDay: Int64 = 0, micros: Int64 = 0, offset: Int64 = 0
        if scanner.skip(" ") || scanner.skip("T") {
            guard let hour = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
                  let minute = scanner.number(minDigits: 2, maxDigits: 2), scanner.skip(":"),
                  let second = scanner.number(minDigits: 2, maxDigits: 2)
            else { return nil }
            secondOfDay = hour * 3600 + minute * 60 + second
            if scanner.skip(".") {
                guard let (fraction, digits) = scanner.fraction(), digits <= 6 else { return nil }
                micros = fraction * power10(6 - digits)
            }
            if let sign = scanner.sign() {
                guard let hours = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                var minutes: Int64 = 0, seconds: Int64 = 0
                if scanner.skip(":") {
                    guard let value = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                    minutes = value
                    if scanner.skip(":") {
                        guard let value = scanner.number(minDigits: 2, maxDigits: 2) else { return nil }
                        seconds = value
                    }
                }
                offset = sign * (hours * 3600 + minutes * 60 + seconds)
            }
        }
        if scanner.skip(" BC") { year = 1 - year }
        guard scanner.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let totalMicros = ((days * 86_400 + secondOfDay - offset) * 1_000_000) + micros
        return Date(timeIntervalSince1970: Double(totalMicros) / 1_000_000)
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, Howard Hinnant's algorithms)

    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let remainder = a % b
        return remainder < 0 ? (a / b - 1, remainder + b) : (a / b, remainder)
    }

    private static func power10(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// A cursor over ASCII bytes, just enough for the timestamp grammar above.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        mutating func skip(_ literal: String) -> Bool {
            let expected = Array(literal.utf8)
            guard bytes.count - index >= expected.count,
                  Array(bytes[index..<index + expected.count]) == expected else { return false }
            index += expected.count
            return true
        }

        mutating func sign() -> Int64? {
            if skip("+") { return 1 }
            if skip("-") { return -1 }
            return nil
        }

        mutating func number(minDigits: Int, maxDigits: Int = 9) -> Int64? {
            guard let (value, digits) = fraction(maxDigits: maxDigits), digits >= minDigits else { return nil }
            return value
        }

        /// Consecutive decimal digits as a value and their count.
        mutating func fraction(maxDigits: Int = 9) -> (Int64, Int)? {
            var value: Int64 = 0, count = 0
            while index < bytes.count, count < maxDigits, (48...57).contains(bytes[index]) {
                value = value * 10 + Int64(bytes[index] - 48)
                index += 1
                count += 1
            }
            return count == 0 ? nil : (value, count)
        }
    }
}
