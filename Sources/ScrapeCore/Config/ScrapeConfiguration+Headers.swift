import ScrapeHTTP

/// `http.headers` and `--header`: headers sent on every request of a run.
///
/// One parser for both (``HeaderCheck``): a name that is an HTTP token and not one the
/// client writes itself (`Host`, `Content-Length`, `Transfer-Encoding`), a value that is
/// not empty and holds no CR, LF or NUL. Levels go over each other as every other setting
/// does: the flags over the config file; a name given at a level replaces every header of
/// that name from the levels below (compared case-insensitively), and repeats within one
/// level are all sent (curl's `-H` sends each). A request's own headers (an api job's auth
/// and `headers:`, `--since`'s conditional headers) win over these for the same name.
///
/// `User-Agent` given here sets ``ScrapeConfiguration/HTTP/userAgent``, the one place the
/// user agent lives (robots.txt groups are chosen by it too); giving it both as a header
/// and as `user_agent`/`--user-agent` at one level is refused.
extension ScrapeConfiguration.HTTP {
    /// One header as given, with where it was given for messages (`--header X-Id`,
    /// `http.headers.X-Id`).
    public struct GivenHeader: Sendable {
        public var name: String
        public var value: String
        public var key: String
        public var line: Int?

        public init(name: String, value: String, key: String, line: Int? = nil) {
            self.name = name
            self.value = value
            self.key = key
            self.line = line
        }
    }

    /// Puts the headers of one level over those in force (see the type's doc).
    ///
    /// - Parameters:
    ///   - given: the level's headers, each already checked by ``HeaderCheck/runHeader(name:value:key:line:)``.
    ///   - userAgentKey: the level's own user agent setting when it gives one
    ///     (`--user-agent`, `http.user_agent`), for the conflict's message.
    /// - Throws: ``ConfigurationError`` when `User-Agent` is given twice at the level.
    public mutating func apply(headers given: [GivenHeader], userAgentKey: String?) throws(ConfigurationError) {
        var level = HTTPHeaders()
        for header in given {
            if header.name.lowercased() == "user-agent" {
                if let userAgentKey {
                    throw ConfigurationError(
                        key: header.key, message: "the user agent is given twice, here and as \(userAgentKey); give one", line: header.line)
                }
                try set(.userAgent, from: header.value, source: header.key, line: header.line)
                continue
            }
            level.add(name: header.name, value: header.value)
        }
        for field in level { headers.remove(name: field.name) }
        for field in level { headers.add(name: field.name, value: field.value) }
    }

    /// The `headers:` map of an `http:` section, each checked.
    static func givenHeaders(_ map: YAMLMap) throws(ConfigurationError) -> [GivenHeader] {
        var given: [GivenHeader] = []
        for (name, value) in try map.stringPairs("headers") {
            let key = "\(map.path("headers")).\(name)"
            try HeaderCheck.runHeader(name: name, value: value, key: key, line: map.line("headers"))
            given.append(GivenHeader(name: name, value: value, key: key, line: map.line("headers")))
        }
        return given
    }
}
