/// HTTP-date in its three forms: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), obsolete
/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func secondsSinceEpoch(_ text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int64?, month: Int64?, year: Int64?, time: (Int64, Int64, Int64)?
        switch words.count {
        case 6 where words[5] == "GMT":  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
            day = Int64(words[1])
            month = monthNumber(words[2])
            year = Int64(words[3])
            time = clock(words[4])
        case 4 where words[3] == "GMT":  // RFC 850: Sunday 06-Nov-94 08:49:37 GMT
            let parts = words[1].split(separator: "-").map(String.init)
            guard parts.count == 3, let shortYear = Int64(parts[2]) else { return nil }
            day = Int64(parts[0])
            month = monthNumber(parts[1])
            year = shortYear < 70 ? 2000 + shortYear : (shortYear < 100 ? 1900 + shortYear : shortYear)
            time = clock(words[2])
        case 5:  // asctime: Sun Nov 6 08:49:37 1994
            month = monthNumber(words[1])
            day = Int64(words[2])
            time = clock(words[3])
            year = Int64(words[4])
        default:
            return nil
        }
        guard let day, let month, let year, let time, (1...31).contains(day), year >= 1970 else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + time.0 * 3600 + time.1 * 60 + time.2
    }

    private static func monthNumber(_ name: String) -> Int64? {
        months.firstIndex(of: name.lowercased()).map { Int64($0 + 1) }
    }

    private static func clock(_ text: String) -> (Int64, Int64, Int64)? {
        let parts = text.split(separator: ":").compactMap { Int64($0) }
        guard parts.count == 3, (0...23).contains(parts[0]), (0...59).contains(parts[1]), (0...60).contains(parts[2]) else {
            return nil
        }
        return (parts[0], parts[1], parts[2])
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
