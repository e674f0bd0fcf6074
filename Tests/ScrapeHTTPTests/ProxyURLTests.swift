import ScrapeHTTP
import Testing

/// Proxy URLs are checked where they enter, shown without credentials, and the no-proxy
/// and environment rules give curl's answers.
@Suite struct ProxyURLTests {
    @Test(arguments: [
        ("http://127.0.0.1:3128", "http://127.0.0.1:3128", false),
        ("HTTP://Proxy.Example:8080/", "http://proxy.example:8080", false),
        ("https://u:p@proxy.example:443", "https://proxy.example:443", true),
        ("socks5://127.0.0.1:1080", "socks5://127.0.0.1:1080", false),
        ("socks5h://alice:s%40cret@[::1]:1080", "socks5h://[::1]:1080", true),
        ("http://proxy.example", "http://proxy.example", false),
    ])
    func parsesAndHidesCredentials(text: String, display: String, credentials: Bool) throws {
        let proxy = try ProxyURL(parsing: text)
        #expect(proxy.displayName == display)
        #expect("\(proxy)" == display)
        #expect(proxy.hasCredentials == credentials)
        #expect(proxy.curlValue == text)
    }

    @Test(arguments: [
        ("ftp://h:21", "proxy scheme \"ftp\" is not supported"),
        ("socks4://h:1080", "proxy scheme \"socks4\" is not supported"),
        ("127.0.0.1:3128", "a proxy URL starts with http://"),
        ("http://user:hunter2@h:3128/path", "no path, query or fragment"),
        ("http://user:hunter2@h:99999", "the proxy port must be a number from 1 to 65535"),
        ("http://user:hunter2@:3128", "the proxy URL has no host"),
        ("http://user:hunter2@h :3128", "cannot contain spaces"),
        ("", "empty proxy URL"),
    ])
    func refusesWithoutEchoingCredentials(text: String, message: String) {
        #expect {
            try ProxyURL(parsing: text)
        } throws: { error in
            let description = "\(error)"
            return description.contains(message) && !description.contains("hunter2")
        }
    }

    @Test func sameAddressDifferentCredentialsAreDifferentProxies() throws {
        let first = try ProxyURL(parsing: "http://a:1@127.0.0.1:3128")
        let second = try ProxyURL(parsing: "http://b:2@127.0.0.1:3128")
        #expect(first != second)
        #expect(first.displayName == second.displayName)
    }

    @Test func noPrintedFormShowsCredentials() throws {
        let proxy = try ProxyURL(parsing: "http://alice:hunter2@127.0.0.1:3128")
        var dumped = ""
        dump(proxy, to: &dumped)
        var request = FetchRequest(url: "http://a.test/")
        request.proxy = .proxy(proxy)
        for text in [String(describing: proxy), String(reflecting: proxy), dumped, "\(request)", String(reflecting: request), "\(ProxyRoute.proxy(proxy))"] {
            #expect(!text.contains("hunter2") && !text.contains("alice"), "\(text)")
        }
    }

    @Test func scrubsCredentialsFromMessages() throws {
        let proxy = try ProxyURL(parsing: "http://alice:hunter2@127.0.0.1:3128")
        #expect(proxy.scrubbing("failed for alice:hunter2@127.0.0.1 (hunter2)") == "failed for ***@127.0.0.1 (***)")
    }

    @Test func environmentValuesWithoutSchemeAreHTTP() throws {
        let proxy = try ProxyURL(parsing: "127.0.0.1:3128", defaultScheme: .http)
        #expect(proxy.displayName == "http://127.0.0.1:3128")
    }

    @Test(arguments: [
        ("example.com", "example.com", true),
        ("example.com", "www.example.com", true),
        (".example.com", "www.example.com", true),
        ("example.com", "badexample.com", false),
        ("EXAMPLE.com.", "Example.COM", true),
        ("a.org, example.com", "x.example.com", true),
        ("a.org b.org", "b.org", true),
        ("*", "anything.test", true),
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.0/8", "127.0.2.1", true),
        ("10.0.0.0/8", "127.0.0.1", false),
        ("::1", "[::1]", true),
        ("localhost", "127.0.0.1", false),
        ("", "example.com", false),
    ])
    func noProxyMatchesAsCurl(list: String, host: String, expected: Bool) {
        #expect(NoProxyList(list).matches(host: host) == expected)
    }

    @Test func environmentFollowsCurlsOrder() {
        let environment = ProxyEnvironment([
            "HTTP_PROXY": "http://ignored:1", "HTTPS_PROXY": "http://upper:2", "all_proxy": "socks5://all:3", "no_proxy": "skip.test",
            "PATH": "/bin",
        ])
        #expect(environment.variables["HTTP_PROXY"] == nil, "curl never reads HTTP_PROXY in uppercase")
        #expect(environment.variables["PATH"] == nil)
        #expect(environment.proxy(forScheme: "http")?.displayName == "socks5://all:3")
        #expect(environment.proxy(forScheme: "https")?.displayName == "http://upper:2")
        let lower = ProxyEnvironment(["https_proxy": "http://lower:4", "HTTPS_PROXY": "http://upper:2"])
        #expect(lower.proxy(forScheme: "https")?.displayName == "http://lower:4")
        #expect(environment.noProxy?.matches(host: "a.skip.test") == true)
    }

    @Test func carrierFollowsRouteNoProxyAndEnvironment() throws {
        let proxy = try ProxyURL(parsing: "http://u:p@127.0.0.1:3128")
        var settings = HTTPClient.Configuration.Proxy()
        settings.environment = ProxyEnvironment(["http_proxy": "http://env:8080", "no_proxy": "direct.test"])
        #expect(settings.carrier(of: .environment, scheme: "http", host: "a.test")?.displayName == "http://env:8080")
        #expect(settings.carrier(of: .environment, scheme: "https", host: "a.test") == nil)
        #expect(settings.carrier(of: .environment, scheme: "http", host: "direct.test") == nil)
        #expect(settings.carrier(of: .direct, scheme: "http", host: "a.test") == nil)
        #expect(settings.carrier(of: .proxy(proxy), scheme: "http", host: "a.test") == proxy)
        #expect(settings.carrier(of: .proxy(proxy), scheme: "http", host: "direct.test") == nil, "the environment's no_proxy applies to a set proxy too, as in curl")
        settings.noProxy = NoProxyList("other.test")
        #expect(settings.carrier(of: .proxy(proxy), scheme: "http", host: "direct.test") == proxy, "a no-proxy list replaces the environment's")
        #expect(settings.carrier(of: .proxy(proxy), scheme: "http", host: "x.other.test") == nil)
    }
}
