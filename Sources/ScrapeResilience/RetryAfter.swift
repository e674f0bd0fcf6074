import ScrapeBase

/// Parses an HTTP `Retry-After` value (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The delay `value` asks for, measured from `now` for dates; a date in the past is
    /// zero. Nil for anything that is neither form.
    ///
    /// - Parameters:
    ///   - value: the header value.
    ///   - now: the current wall-clock time, in seconds since the Unix epoch.
    public static func delay(_ value: String, now: Int64) -> Duration? {
        let trimmed = value.trimmingCharacters(in: " \t")
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard trimmed.utf8.count <= 12, let seconds = Int64(trimmed) else { return nil }
            return .seconds(seconds)
        }
        guard let date = HTTPDate.secondsSinceEpoch(trimmed) else { return nil }
        return .seconds(max(0, date - now))
    }
}
