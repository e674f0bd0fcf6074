@testable import ScrapeHTML
import Testing

/// The basic URL parser, state by state, plus the cases a crawler meets: each case is an
/// input, a base (or none) and the `href` the standard gives (nil: the parser fails).
struct WebURLTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let input: String
        let base: String?
        let href: String?
        var testDescription: String { "\(input.debugDescription) against \(base ?? "nothing")" }

        init(_ input: String, _ base: String?, _ href: String?) {
            self.input = input
            self.base = base
            self.href = href
        }

        init(_ input: String, _ href: String?) {
            self.init(input, nil, href)
        }
    }

    static let page = "https://example.com/a/b/c.html?q=1#top"

    static let cases: [Case] = [
        // Scheme start and scheme states: lowercased; a scheme needs a letter first.
        Case("HTTP://Example.COM", "http://example.com/"),
        Case("a+b-c.d:x", "a+b-c.d:x"),
        Case("1http://x", page, "https://example.com/a/b/1http://x"),
        Case("h t t p://x", page, "https://example.com/a/b/h%20t%20t%20p://x"),
        // No scheme: needs a base; a base with an opaque path takes only a fragment.
        Case("x", nil, nil),
        Case("#frag", "mailto:someone@example.com", "mailto:someone@example.com#frag"),
        Case("other", "mailto:someone@example.com", nil),
        // Special relative or authority, relative and relative slash states.
        Case("http:/x", "http://example.org/foo/bar", "http://example.org/x"),
        Case("http:x", "http://example.org/foo/bar", "http://example.org/foo/x"),
        Case("https:x", "http://example.org/foo/bar", "https://x/"),
        Case("//cdn.example.net/lib.js", page, "https://cdn.example.net/lib.js"),
        Case("\\\\cdn.example.net\\lib.js", page, "https://cdn.example.net/lib.js"),
        Case("/root", page, "https://example.com/root"),
        Case("?other", page, "https://example.com/a/b/c.html?other"),
        Case("#frag", page, "https://example.com/a/b/c.html?q=1#frag"),
        Case("", page, "https://example.com/a/b/c.html?q=1"),
        Case("d.html", page, "https://example.com/a/b/d.html"),
        Case("../img/x.png", page, "https://example.com/a/img/x.png"),
        Case("../../../../x", page, "https://example.com/x"),
        Case("./", page, "https://example.com/a/b/"),
        Case("..", page, "https://example.com/a/"),
        // Special authority slashes: any number of slashes and backslashes.
        Case("https:example.com", "https://example.com/"),
        Case("https:///\\\\example.com", "https://example.com/"),
        // Path or authority and opaque path states (schemes that are not special).
        Case("foo://host/p", "foo://host/p"),
        Case("foo:/p", "foo:/p"),
        Case("foo:", "foo:"),
        Case("foo://", "foo://"),
        Case("mailto:Someone@Example.com", "mailto:Someone@Example.com"),
        Case("javascript:void(0)", page, "javascript:void(0)"),
        Case("sc:a b", "sc:a b"),
        Case("sc:a ?x", "sc:a%20?x"),
        Case("sc:a\u{1}\u{e9}", "sc:a%01%C3%A9"),
        Case("data:text/html,<p>Hi", "data:text/html,<p>Hi"),
        // Authority state: userinfo up to the last @, the first : splits it.
        Case("http://user:pass@host/", "http://user:pass@host/"),
        Case("http://user@host", "http://user@host/"),
        Case("http://:@host", "http://host/"),
        Case("http://user:@host", "http://user@host/"),
        Case("http://:pass@host", "http://:pass@host/"),
        Case("http://a@b@host/", "http://a%40b@host/"),
        Case("http://a:b:c@host/", "http://a:b%3Ac@host/"),
        Case("http://user@/", nil),
        Case("http://user@", nil),
        Case("foo://user@/", nil),
        // Host and port states.
        Case("http://host:8080/", "http://host:8080/"),
        Case("http://host:80/", "http://host/"),
        Case("https://host:443", "https://host/"),
        Case("ws://host:80/", "ws://host/"),
        Case("ftp://host:21/", "ftp://host/"),
        Case("foo://host:80/", "foo://host:80/"),
        Case("http://host:/", "http://host/"),
        Case("http://host:0080", "http://host/"),
        Case("http://host:65535", "http://host:65535/"),
        Case("http://host:65536", nil),
        Case("http://host:8x/", nil),
        Case("http://:80/", nil),
        Case("http:///", nil),
        Case("foo://:80/", nil),
        Case("foo://[::1]:8/x", "foo://[::1]:8/x"),
        // File, file slash and file host states, Windows drive letters.
        Case("file:///C:/x", "file:///C:/x"),
        Case("file:c:\\foo\\bar", "file:///c:/foo/bar"),
        Case("file://localhost/x", "file:///x"),
        Case("file://LOCALHOST/x", "file:///x"),
        Case("file://server/share/x", "file://server/share/x"),
        Case("file://C|/x", "file:///C:/x"),
        Case("file:///C:/..", "file:///C:/"),
        Case("file:///C:/a/../..", "file:///C:/"),
        Case("/C|/x", "file:///D:/y", "file:///C:/x"),
        Case("/x", "file:///D:/y", "file:///D:/x"),
        Case("x", "file:///D:/y/z", "file:///D:/y/x"),
        Case("?q", "file://host/dir/f", "file://host/dir/f?q"),
        Case("C|/x", "file://host/dir/f", "file://host/C:/x"),
        Case("C:/x", "file://host/dir/f", "c:/x"),
        Case("file:", "file:///"),
        Case("file:/x", "file:///x"),
        // Path start and path states: dot segments in every spelling, percent-encoding.
        Case("http://h/a/./b/../c", "http://h/a/c"),
        Case("http://h/a/%2e/b/%2E%2e/c", "http://h/a/c"),
        Case("http://h/a/.%2e", "http://h/"),
        Case("http://h/a/b/..", "http://h/a/"),
        Case("http://h/a/b/.", "http://h/a/b/"),
        Case("http://h/..a/...", "http://h/..a/..."),
        Case("http://h/a b\"<>`{}^|", "http://h/a%20b%22%3C%3E%60%7B%7D%5E|"),
        Case("http://h/caf\u{e9}", "http://h/caf%C3%A9"),
        Case("http://h/%zz%41", "http://h/%zz%41"),
        Case("http://h\\a\\b", "http://h/a/b"),
        Case("foo://h/a\\b", "foo://h/a\\b"),
        Case("foo://h\\a", nil),
        Case("foo://h", "foo://h"),
        Case("foo://h?q", "foo://h?q"),
        Case("foo://h#f", "foo://h#f"),
        // A hostless path that starts with an empty segment is serialized after "/.".
        Case("foo:/.//p", "foo:/.//p"),
        Case("foo:/..//p", "foo:/.//p"),
        Case("foo:/a/..//p", "foo:/.//p"),
        // Query state: UTF-8 always; ' encoded only for special schemes.
        Case("http://h/?a b'c\"#x", "http://h/?a%20b%27c%22#x"),
        Case("foo://h/?a'b", "foo://h/?a'b"),
        Case("http://h/?caf\u{e9}", "http://h/?caf%C3%A9"),
        Case("http://h/?a?b/c", "http://h/?a?b/c"),
        // Fragment state.
        Case("http://h/#a b`<>\"#", "http://h/#a%20b%60%3C%3E%22#"),
        Case("http://h/#\u{e9}", "http://h/#%C3%A9"),
        // Leading/trailing C0 controls and spaces stripped, tabs and newlines removed.
        Case(" \t\u{1}http://h/\n a\r\tb \u{1f}", "http://h/%20ab"),
        Case("\u{0}\u{20}", page, "https://example.com/a/b/c.html?q=1"),
        Case("ht\ntp://h/", "http://h/"),
    ]

    @Test(arguments: cases)
    func parsesAsTheStandardSays(_ testCase: Case) {
        let base = testCase.base.flatMap { WebURL($0) }
        #expect(testCase.base == nil || base != nil)
        #expect(WebURL(testCase.input, base: base)?.href == testCase.href)
    }

    @Test func gettersAreTheURLAPIs() throws {
        let url = try #require(WebURL("HTTPS://us%65r:p%40ss@Sub.Example.COM:8443/p/a%20th?x=1&y=%41#Frag"))
        #expect(url.href == "https://us%65r:p%40ss@sub.example.com:8443/p/a%20th?x=1&y=%41#Frag")
        #expect(url.scheme == "https")
        #expect(url.protocol == "https:")
        #expect(url.username == "us%65r")
        #expect(url.password == "p%40ss")
        #expect(url.host == "sub.example.com:8443")
        #expect(url.hostname == "sub.example.com")
        #expect(url.port == "8443")
        #expect(url.pathname == "/p/a%20th")
        #expect(url.search == "?x=1&y=%41")
        #expect(url.hash == "#Frag")
        #expect(url.origin == "https://sub.example.com:8443")
    }

    @Test func gettersOfEmptyAndAbsentParts() throws {
        let bare = try #require(WebURL("http://h/?#"))
        #expect(bare.search == "")
        #expect(bare.hash == "")
        #expect(bare.port == "")
        #expect(bare.username == "" && bare.password == "")
        let opaque = try #require(WebURL("mailto:a@b?subject=x"))
        #expect(opaque.host == "")
        #expect(opaque.pathname == "a@b")
        #expect(opaque.search == "?subject=x")
        #expect(opaque.origin == "null")
        let dotted = try #require(WebURL("foo:/..//p"))
        #expect(dotted.pathname == "//p")
        #expect(try #require(WebURL("blob:https://a.example:8/x")).origin == "https://a.example:8")
    }

    @Test func hrefWithoutFragment() throws {
        #expect(try #require(WebURL("http://h/p?q#f")).hrefWithoutFragment == "http://h/p?q")
        #expect(try #require(WebURL("http://h/p#")).hrefWithoutFragment == "http://h/p")
        #expect(try #require(WebURL("http://h")).hrefWithoutFragment == "http://h/")
    }

    @Test func resolveGivesHrefOrNil() throws {
        let base = try #require(WebURL("https://example.com/shop/list?page=2"))
        #expect(WebURL.resolve("item/7", against: base) == "https://example.com/shop/item/7")
        #expect(WebURL.resolve("?page=3", against: base) == "https://example.com/shop/list?page=3")
        #expect(WebURL.resolve("HTTPS://EXAMPLE.COM:443", against: base) == "https://example.com/")
        #expect(WebURL.resolve("https://exa mple.com/", against: base) == nil)
        #expect(WebURL.resolve("http://[::1", against: base) == nil)
    }

    @Test func aURLIsItsHref() throws {
        let one = try #require(WebURL("http://h:80/a/../b"))
        let two = try #require(WebURL("HTTP://H/b"))
        #expect(one == two)
        #expect(Set([one, two]).count == 1)
        #expect(one.description == "http://h/b")
    }

    @Test func aParsedURLParsesToItself() {
        for testCase in Self.cases {
            guard let href = testCase.href else { continue }
            #expect(WebURL(href)?.href == href, "\(href)")
        }
    }
}
