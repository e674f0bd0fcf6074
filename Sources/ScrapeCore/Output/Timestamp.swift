import Glibc
import SwiftOverlayShims

/// A wall-clock instant with millisecond precision, written as RFC 3339 UTC.
public struct Timestamp: Sendable, Equatable, CustomStringConvertible {
    /// Milliseconds since the Unix epoch.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The current time from `CLOCK_REALTIME`.
    public static var now: Timestamp {
        var spec = timespec(tv_sec: 0, tv_nsec: 0)
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// `2026-11-24T22:59:33.123Z`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``description``'s bytes, digit by digit: every record carries one, and
    /// building it from padded Strings showed in profiles (docs/benchmarks.md, "Measured choices").
    public func append(to output: inout [UInt8]) {
        let (days, milliseconds) = millisecondsSinceEpoch.quotientAndRemainder(dividingBy: 86_400_000)
        let dayCount = milliseconds < 0 ? days - 1 : days
        let ms = milliseconds < 0 ? milliseconds + 86_400_000 : milliseconds
        let (year, month, day) = Self.civilDate(daysSinceEpoch: dayCount)
        let seconds = ms / 1000
        func digits(_ value: Int64, _ width: Int) {
            JSONLineEncoder.appendInt(Int(value), minimumDigits: width, to: &output)
        }
        digits(year, 4)
        output.append(UInt8(ascii: "-"))
        digits(month, 2)
        output.append(UInt8(ascii: "-"))
        digits(day, 2)
        output.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2)
        output.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        output.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        output.append(UInt8(ascii: "."))
        digits(ms % 1000, 3)
        output.append(UInt8(ascii: "Z"))
    }

    /// Year, month, day of the proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
