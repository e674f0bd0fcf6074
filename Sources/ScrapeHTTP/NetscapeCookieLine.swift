/// One line of a Netscape cookie file, the format `curl -b/-c`, wget and Python's
/// `http.cookiejar.MozillaCookieJar` read and write:
///
/// ```
/// # Netscape HTTP Cookie File
/// .example.com	TRUE	/	FALSE	1767225600	theme	dark
/// #HttpOnly_example.com	FALSE	/	TRUE	0	session	abc123
/// ```
///
/// Fields are tab-separated: domain (a leading dot when subdomains match too), whether
/// subdomains match (`TRUE`/`FALSE`), path, secure only (`TRUE`/`FALSE`), expiry in Unix
/// seconds (0: a session cookie, kept until the session's end), name, value (may be empty,
/// and then the field may be missing, as curl reads it). A line starting `#HttpOnly_` is
/// an HttpOnly cookie; any other line starting with `#` is a comment.
///
/// curl's own parser reads the lines into its cookie engine; this type only tells cookie
/// lines from comments and from lines that are not the format at all, so a file that is
/// not a cookie file (an output given by mistake) is refused before it could be replaced.
public struct NetscapeCookieLine: Sendable, Equatable {
    /// The line as given (without its line ending).
    public let text: String
    /// The expiry in Unix seconds; 0 for a session cookie.
    public let expires: Int64

    /// Why a line is not a cookie line.
    public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line number.
        public let line: Int
        /// What is wrong; never quotes the line (it may hold a cookie value).
        public let reason: String

        public var description: String { "line \(line): \(reason)" }
    }

    /// What a line of a cookie file is.
    public enum Kind: Sendable, Equatable {
        /// A comment or a blank line.
        case skip
        case cookie(NetscapeCookieLine)
    }

    static let httpOnlyPrefix = "#HttpOnly_"

    /// The line as a cookie, or nil when it is not one (a comment, a blank, a bad line).
    public init?(_ text: String) {
        guard case .cookie(let cookie)? = try? Self.classify(text, number: 0) else { return nil }
        self = cookie
    }

    private init(text: String, expires: Int64) {
        self.text = text
        self.expires = expires
    }

    /// Sorts one line (its line ending, `\n` or `\r\n`, already removed or not).
    ///
    /// - Throws: ``FormatError`` for a line that is neither a comment, a blank nor a cookie.
    public static func classify(_ raw: String, number: Int) throws(FormatError) -> Kind {
        var text = raw
        // "\r\n" is one Character in Swift: each line ending is matched whole.
        while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" { text.removeLast() }
        var body = Substring(text)
        if body.hasPrefix(httpOnlyPrefix) {
            body = body.dropFirst(httpOnlyPrefix.count)
        } else if body.hasPrefix("#") || body.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return .skip
        }
        // curl splits on runs of tabs; 6 fields is a cookie with an empty value.
        let fields = body.split(separator: "\t", omittingEmptySubsequences: true)
        guard fields.count == 6 || fields.count == 7 else {
            throw FormatError(
                line: number,
                reason: "not a Netscape cookie line (expected 7 tab-separated fields: domain, subdomains, path, secure, expiry, name, value; "
                    + "found \(fields.count))")
        }
        guard let expires = Int64(fields[4]) else {
            throw FormatError(line: number, reason: "not a Netscape cookie line (the expiry, field 5, is not a whole number of seconds)")
        }
        return .cookie(NetscapeCookieLine(text: text, expires: expires))
    }

    /// Whether the cookie has expired at `now` (Unix seconds), by curl's rule: a session
    /// cookie (expiry 0) never has.
    public func isExpired(now: Int64) -> Bool {
        expires != 0 && expires < now
    }

    /// The first line of a cookie file as curl writes it; Python's `MozillaCookieJar`
    /// refuses a file that does not start with it.
    public static let fileHeader = "# Netscape HTTP Cookie File"
}
