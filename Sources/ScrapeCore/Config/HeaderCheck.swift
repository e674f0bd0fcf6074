import ScrapeBase
import ScrapeHTTP

/// The check every value that becomes a request header passes where it enters (a config
/// key, a flag, a secret): a CR or LF would end the header and inject the rest as headers
/// of its own, a NUL would cut it. The HTTP layer checks again before sending.
///
/// It is also the one parser of the run's own headers, `--header 'Name: value'` and the
/// `http.headers:` map, so a flag and a key accept and refuse the same
/// (``field(parsing:source:)``, ``runHeader(name:value:key:line:)``).
public enum HeaderCheck {
    /// What is wrong with `value` as a header value, or nil when nothing. Never quotes it.
    public static func problem(with value: String) -> String? {
        if value.isEmpty { return "must not be empty" }
        if !HTTPHeaders.isValidValue(value) { return injectionMessage }
        return nil
    }

    static let injectionMessage = "must not contain CR, LF or NUL (they would inject headers into the request)"

    static let nameMessage = "not a valid header name (an HTTP token: letters, digits, !#$%&'*+-.^_`|~)"

    /// `Name: value`, as `--header` (and curl's `-H`) takes it: the name is what comes before
    /// the first colon, the value what follows it, spaces and tabs around each trimmed.
    ///
    /// - Parameter source: the flag, for the error (`--header`).
    /// - Throws: ``ConfigurationError`` naming `source` (and the header's name once known);
    ///   the value is never quoted back, it may be a credential.
    public static func field(parsing text: String, source: String = "--header") throws(ConfigurationError) -> (name: String, value: String) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ConfigurationError(key: source, message: "expected 'Name: value' (a header name, a colon, its value)")
        }
        let name = String(text[..<colon]).trimmingCharacters(in: " \t")
        let value = String(text[text.index(after: colon)...]).trimmingCharacters(in: " \t")
        try runHeader(name: name, value: value, key: name.isEmpty ? source : "\(source) \(name)")
        return (name, value)
    }

    /// Checks one header of a run's own (`--header`, `http.headers`): a token for a name,
    /// not one the client must write itself, a value that is not empty and has no CR, LF or NUL.
    ///
    /// - Parameter key: where it comes from: `--header X-Id` or `http.headers.X-Id`.
    /// - Throws: ``ConfigurationError`` naming `key`; never quotes the value.
    public static func runHeader(name: String, value: String, key: String, line: Int? = nil) throws(ConfigurationError) {
        guard HTTPHeaders.isValidName(name) else { throw ConfigurationError(key: key, message: nameMessage, line: line) }
        if let reason = reservedReason(name) { throw ConfigurationError(key: key, message: reason, line: line) }
        if let problem = problem(with: value) { throw ConfigurationError(key: key, message: "the value \(problem)", line: line) }
    }

    /// Why a run's headers may not set `name`, or nil when they may: the ones the HTTP
    /// client must write from the request itself.
    public static func reservedReason(_ name: String) -> String? {
        switch name.lowercased() {
        case "host":
            "cannot be set: it is written from each URL (and each redirect's), and another would send the request to the wrong site"
        case "content-length":
            "cannot be set: it is written from the body each request sends, and a wrong one would corrupt the exchange"
        case "transfer-encoding":
            "cannot be set: the client chooses how a body is framed, and a forced framing would corrupt the exchange"
        default:
            nil
        }
    }
}
