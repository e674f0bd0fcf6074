import ScrapeHTTP

/// `http.cookies`, `http.cookie_jar` and their flags `--cookies`, `--cookie-jar FILE`.
///
/// Off by default: a list of unrelated sites must not carry state from one to another.
/// `cookies: true` gives each run one cookie jar in memory; `cookie_jar: FILE` also loads
/// it from FILE (a Netscape cookie file, as `curl -c` writes) when it exists and saves it
/// there at the end, and implies `cookies: true`. A run is one `scrape run`, `scrape crawl`
/// or `scrape api` job, one daemon job run (never shared with another job), one fleet job
/// in one worker. How the file is kept: ``CookieJarFile``.
extension ScrapeConfiguration.HTTP {
    /// The `http:` keys this file and `+Headers` read, besides ``Setting``'s.
    static let sessionKeys = ["headers", "cookies", "cookie_jar"]

    /// Whether runs get a cookie jar: `cookies: true`, or a `cookie_jar` file.
    public var usesCookies: Bool { cookies || cookieJar != nil }

    /// Reads `headers`, `cookies` and `cookie_jar` of an `http:` map.
    mutating func readSession(_ map: YAMLMap) throws(ConfigurationError) {
        try apply(headers: Self.givenHeaders(map), userAgentKey: map["user_agent"] == nil ? nil : map.path("user_agent"))
        let cookiesGiven = try map.bool("cookies")
        if let text = try map.string("cookie_jar") {
            if cookiesGiven == false {
                throw ConfigurationError(
                    key: map.path("cookie_jar"), message: "a cookie jar file needs cookies on; remove cookies: false (cookie_jar implies cookies: true)",
                    line: map.line("cookie_jar"))
            }
            try setCookieJar(text, source: map.path("cookie_jar"), line: map.line("cookie_jar"))
        }
        if let cookiesGiven { cookies = cookiesGiven }
        try checkSession(headersKey: map.path("headers"), line: map.line("headers"))
    }

    /// Sets ``cookieJar`` from a path as given (`--cookie-jar`, `http.cookie_jar`).
    ///
    /// - Throws: ``ConfigurationError`` for an empty path or `-`.
    public mutating func setCookieJar(_ text: String, source: String, line: Int? = nil) throws(ConfigurationError) {
        if text.isEmpty { throw ConfigurationError(key: source, message: "expected the path of a cookie file, got nothing", line: line) }
        if text == "-" {
            throw ConfigurationError(
                key: source, message: "a cookie jar is a file that is read at the start and written at the end; - (standard input or output) cannot be both",
                line: line)
        }
        cookieJar = text
    }

    /// Refuses what cannot go together once every level is applied: a `Cookie` header with
    /// the cookie jar on (the jar writes `Cookie` itself; a second one would be sent beside it).
    ///
    /// - Parameter headersKey: where the headers come from, for the message.
    public func checkSession(headersKey: String, line: Int? = nil) throws(ConfigurationError) {
        if usesCookies, headers.contains(name: "Cookie") {
            throw ConfigurationError(
                key: headersKey + " Cookie",
                message: "a Cookie header cannot be given with the cookie jar on (the jar sends the cookies); put them in the --cookie-jar file instead",
                line: line)
        }
    }

    /// The daemon gives each job run a jar of its own; a jar file in the top-level `http:`
    /// would be one file for every job (and inbox run) at once, so it is refused there: a
    /// job keeps its session in a file named in its own `http:`.
    ///
    /// - Throws: ``ConfigurationError`` naming `http.cookie_jar`.
    public func checkCookieJarForDaemon() throws(ConfigurationError) {
        guard cookieJar != nil else { return }
        throw ConfigurationError(
            key: "http.cookie_jar",
            message: "the daemon gives every job run a cookie jar of its own (http.cookies: true); a file shared by every job cannot be: "
                + "name one in a job's http.cookie_jar (relative paths are under daemon.state_dir)")
    }
}
