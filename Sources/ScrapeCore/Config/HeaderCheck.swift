import ScrapeHTTP

/// The check every value that becomes a request header passes where it enters (a config
/// key, a flag, a secret): a CR or LF would end the header and inject the rest as headers
/// of its own, a NUL would cut it. The HTTP layer checks again before sending.
public enum HeaderCheck {
    /// What is wrong with `value` as a header value, or nil when nothing. Never quotes it.
    public static func problem(with value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if !HTTPHeaders.isValidValue(value) { return injectionMessage }
        return nil
    }

    static let injectionMessage = "must not contain CR, LF or NUL (they would inject headers into the request)"
}
