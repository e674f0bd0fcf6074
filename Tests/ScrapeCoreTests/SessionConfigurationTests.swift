import ScrapeCore
import ScrapeHTTP
import Testing

/// `http.headers`, `http.cookies` and `http.cookie_jar`, and `--header`'s parser: what they
/// accept, how levels go over each other, and every refusal, naming the key, never the value.
struct SessionConfigurationTests {
    private func refusal(_ yaml: String) -> String {
        do {
            _ = try ScrapeConfiguration(yaml: yaml)
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func headersCookiesAndAJarAreRead() throws {
        let http = try ScrapeConfiguration(yaml: """
            http:
              headers: {Accept-Language: "en-GB", X-Api-Key: "k-123"}
              cookie_jar: state/cookies.txt
            """).http
        #expect(http.headers == ["Accept-Language": "en-GB", "X-Api-Key": "k-123"])
        #expect(http.cookieJar == "state/cookies.txt")
        #expect(http.usesCookies, "cookie_jar implies cookies")
        #expect(!ScrapeConfiguration.HTTP().usesCookies, "off by default")
        #expect(try ScrapeConfiguration(yaml: "http: {cookies: true}").http.usesCookies)
        // check-config shows header names, never their values.
        #expect(http.effectiveSettings.contains("headers: [Accept-Language, X-Api-Key]"))
        #expect(!http.effectiveSettings.contains("k-123"))
        #expect(http.effectiveSettings.contains("cookie_jar: \"state/cookies.txt\""))
    }

    @Test(arguments: [
        ("Host", "cannot be set: it is written from each URL"),
        ("content-length", "cannot be set: it is written from the body"),
        ("Transfer-Encoding", "cannot be set: the client chooses how a body is framed"),
        ("\"Bad Name\"", "not a valid header name"),
    ])
    func headersTheClientWritesOrThatAreNotTokensAreRefused(name: String, message: String) {
        let text = refusal("http:\n  headers: {\(name): x}\n")
        #expect(text.contains("http.headers.") && text.contains(message), "\(text)")
        #expect(text.contains("line 2"))
    }

    @Test func valuesThatWouldInjectHeadersOrAreEmptyAreRefusedWithoutQuotingThem() {
        let injected = refusal("http:\n  headers: {X-A: \"secret\\r\\nX-Injected: 1\"}\n")
        #expect(injected.contains("http.headers.X-A") && injected.contains("CR, LF or NUL"), "\(injected)")
        #expect(!injected.contains("secret"))
        #expect(refusal("http:\n  headers: {X-A: \"\"}\n").contains("must not be empty"))
    }

    @Test func theUserAgentLivesInOnePlace() throws {
        let http = try ScrapeConfiguration(yaml: "http:\n  headers: {User-Agent: \"bot/2\"}\n").http
        #expect(http.userAgent == "bot/2")
        #expect(!http.headers.contains(name: "User-Agent"))
        let twice = refusal("http:\n  user_agent: a/1\n  headers: {user-agent: b/2}\n")
        #expect(twice.contains("the user agent is given twice") && twice.contains("http.user_agent"), "\(twice)")
    }

    @Test func cookieSettingsThatContradictAreRefused() {
        #expect(refusal("http: {cookies: false, cookie_jar: c.txt}").contains("needs cookies on"))
        #expect(refusal("http: {cookie_jar: \"-\"}").contains("cannot be both"))
        #expect(refusal("http: {cookies: maybe}").contains("expected true or false"))
        let doubled = refusal("http: {cookies: true, headers: {Cookie: \"a=1\"}}")
        #expect(doubled.contains("a Cookie header cannot be given with the cookie jar on"), "\(doubled)")
        #expect(refusal("http: {headers: {Cookie: \"a=1\"}}") == "accepted", "a fixed Cookie header without a jar, as curl -H")
    }

    @Test func theDaemonRefusesOneJarFileForEveryJob() throws {
        let file = try ScrapeConfiguration(yaml: "http: {cookie_jar: jar.txt}\njobs: []\ndaemon: {}\n")
        #expect(throws: ConfigurationError.self) { _ = try file.validateForDaemon() }
        let ok = try ScrapeConfiguration(yaml: "http: {cookies: true}\njobs: []\ndaemon: {}\n")
        #expect(throws: Never.self) { _ = try ok.validateForDaemon() }
    }

    @Test func theFlagParserSplitsAtTheFirstColonAndTrims() throws {
        let field = try HeaderCheck.field(parsing: "X-Time:  12:30 \t")
        #expect(field.name == "X-Time" && field.value == "12:30")
        for (text, message) in [
            ("no colon", "expected 'Name: value'"), ("Host: a.test", "--header Host: cannot be set"),
            ("Bad Name: x", "not a valid header name"), ("X-A:", "the value must not be empty"),
            ("X-A: a\rb", "CR, LF or NUL"), ("Content-Length: 3", "cannot be set"), ("transfer-encoding: chunked", "cannot be set"),
        ] {
            #expect {
                _ = try HeaderCheck.field(parsing: text)
            } throws: { error in
                "\(error)".contains(message) && !"\(error)".contains("a\rb")
            }
        }
    }

    @Test func aLevelReplacesTheNamesItGivesAndKeepsItsRepeats() throws {
        var http = try ScrapeConfiguration(yaml: "http:\n  headers: {X-A: file, X-B: file}\n").http
        try http.apply(
            headers: [.init(name: "x-a", value: "flag1", key: "--header x-a"), .init(name: "X-A", value: "flag2", key: "--header X-A")],
            userAgentKey: nil)
        #expect(http.headers.fields.map { "\($0.name)=\($0.value)" } == ["X-B=file", "x-a=flag1", "X-A=flag2"])
        #expect(throws: ConfigurationError.self) {
            try http.apply(headers: [.init(name: "User-Agent", value: "x/1", key: "--header User-Agent")], userAgentKey: "--user-agent")
        }
    }
}
