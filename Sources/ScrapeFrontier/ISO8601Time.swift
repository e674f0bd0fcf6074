/// A time given on the command line (`export --since`): ISO 8601, checked here so that a
/// typo is a usage error naming the accepted forms, not the server's complaint, and with
/// its zone always explicit for PostgreSQL: a time without one is UTC, never the server's
/// `TimeZone` setting.
///
/// Accepted: `2026-11-30` (midnight UTC), `2026-11-30T12:00`, `2026-11-30T12:00:00`,
/// `2026-11-30T12:00:00.123` (UTC), each with a zone `Z`, `+01:00`, `+0100` or `-05`;
/// a space may stand for the `T`.
public struct ISO8601Time: Sendable, Equatable, CustomStringConvertible {
    /// The time as PostgreSQL's `timestamptz` reads it, zone included
    /// (`2026-11-30T12:00:00.123+00:00`).
    public let text: String

    /// The forms, for messages.
    public static let acceptedForms = "2026-11-30T12:00:00Z, 2026-11-30T12:00:00+01:00, 2026-11-30T12:00:00.5Z, 2026-11-30T12:00 (UTC) or 2026-11-30 (midnight UTC)"

    public var description: String { text }

    /// - Throws: ``FrontierError/invalidTime(option:given:)`` for anything else, or a date that does not exist.
    public init(parsing given: String, option: String = "--since") throws(FrontierError) {
        guard let text = Self.normalized(Array(given.utf8)) else { throw .invalidTime(option: option, given: given) }
        self.text = text
    }

    private static func normalized(_ bytes: [UInt8]) -> String? {
        var reader = Reader(bytes: bytes)
        guard let year = reader.number(digits: 4), reader.take("-"), let month = reader.number(digits: 2), reader.take("-"),
            let day = reader.number(digits: 2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var time = "00:00:00"
        if reader.take("T") || reader.take("t") || reader.take(" ") {
            guard let hour = reader.number(digits: 2), hour < 24, reader.take(":"), let minute = reader.number(digits: 2), minute < 60 else { return nil }
            var second = 0
            var fraction = ""
            if reader.take(":") {
                guard let value = reader.number(digits: 2), value < 60 else { return nil }
                second = value
                if reader.take(".") || reader.take(",") {
                    let digits = reader.digits()
                    guard !digits.isEmpty, digits.count <= 9 else { return nil }
                    fraction = "." + String(decoding: digits, as: UTF8.self)
                }
            }
            time = "\(pad(hour)):\(pad(minute)):\(pad(second))\(fraction)"
        } else if !reader.atEnd {
            return nil
        }
        var zone = "+00:00"  // none given: UTC
        if reader.take("Z") || reader.take("z") {
            zone = "+00:00"
        } else if let sign = reader.sign() {
            guard let hours = reader.number(digits: 2), hours < 24 else { return nil }
            var minutes = 0
            if !reader.atEnd {
                _ = reader.take(":")
                guard let value = reader.number(digits: 2), value < 60 else { return nil }
                minutes = value
            }
            zone = "\(sign)\(pad(hours)):\(pad(minutes))"
        }
        guard reader.atEnd else { return nil }
        return "\(year)-\(pad(month))-\(pad(day))T\(time)\(zone)"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Reads the text from left to right.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func take(_ character: Character) -> Bool {
            guard !atEnd, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }

        /// Exactly `digits` decimal digits.
        mutating func number(digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }

        /// The decimal digits from here on.
        mutating func digits() -> ArraySlice<UInt8> {
            let start = index
            while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }

        mutating func sign() -> Character? {
            if take("+") { return "+" }
            if take("-") { return "-" }
            return nil
        }
    }
}
