@testable import ScrapeCore
import Testing
@testable import ScrapePages

/// robots.txt matching, with cases from RFC 9309's examples and Google's reference parser.
struct RobotsRulesTests {
    static let rfcExample = """
        User-Agent: *
        Disallow: *.gif$
        Disallow: /example/
        Allow: /publications/

        User-Agent: foobot
        Disallow:/
        Allow:/example/page.html
        Allow:/example/allowed.gif

        User-Agent: barbot
        User-Agent: bazbot
        Disallow: /example/page.html

        User-Agent: quxbot
        """

    @Test(arguments: [
        // (agent, path, allowed)
        ("foobot", "/example/page.html", true), ("foobot", "/example/allowed.gif", true), ("foobot", "/other", false),
        ("barbot", "/example/page.html", false), ("bazbot", "/example/page.html", false), ("barbot", "/other", true),
        ("quxbot", "/example/page.html", true), ("quxbot", "/x.gif", true),
        ("scrape", "/example/x", false), ("scrape", "/publications/a", true), ("scrape", "/images/a.gif", false),
        ("scrape", "/images/a.gif?x", true), ("scrape", "/robots.txt", true),
    ])
    func rfcExampleGroups(agent: String, path: String, allowed: Bool) {
        #expect(RobotsRules(parsing: Self.rfcExample, userAgent: agent).allows(path) == allowed)
    }

    @Test(arguments: [
        // (rules, path, allowed): longest match wins, allow on a tie, wildcards and anchors.
        ("Disallow: /a\nAllow: /a/b", "/a/b/c", true), ("Allow: /a\nDisallow: /a/b", "/a/b/c", false),
        ("Allow: /page\nDisallow: /*.html", "/page.html", false), ("Allow: /page\nDisallow: /page", "/page", true),
        ("Disallow: /fish*", "/fishheads", false), ("Disallow: /fish*", "/Fish", true),
        ("Disallow: /*.php$", "/index.php", false), ("Disallow: /*.php$", "/index.php?x", true),
        ("Disallow: /fish$", "/fish", false), ("Disallow: /fish$", "/fishy", true),
        ("Disallow: /*/private/*", "/a/private/b", false), ("Disallow:", "/anything", true),
        ("Disallow: /", "/", false), ("Disallow: /x # a comment", "/x", false), ("disallow : /y", "/y", false),
    ])
    func matchingRules(rules: String, path: String, allowed: Bool) {
        #expect(RobotsRules(parsing: "User-agent: *\n" + rules, userAgent: "scrape").allows(path) == allowed)
    }

    @Test func agentMatchingIsCaseInsensitiveOnTheProductToken() {
        let text = "User-agent: Scrape/2.0 (+https://x)\nDisallow: /ours\n\nUser-agent: *\nDisallow: /all\n"
        let rules = RobotsRules(parsing: text, userAgent: "scrape")
        #expect(!rules.allows("/ours"))
        #expect(rules.allows("/all"))  // our group replaces *
    }

    @Test func groupsForUsAreMergedAndCRLFWorks() {
        let text = "User-agent: scrape\r\nDisallow: /a\r\n\r\nUser-agent: other\r\nDisallow: /b\r\n\r\nUser-agent: scrape\r\nDisallow: /c\r\n"
        let rules = RobotsRules(parsing: text, userAgent: "scrape")
        #expect(!rules.allows("/a") && !rules.allows("/c") && rules.allows("/b"))
    }

    @Test func crawlDelayOfTheMatchedGroup() {
        let text = "User-agent: *\nCrawl-delay: 2.5\n\nUser-agent: scrape\nCrawl-delay: 1\nDisallow:\n"
        #expect(RobotsRules(parsing: text, userAgent: "scrape").crawlDelay == .seconds(1))
        #expect(RobotsRules(parsing: text, userAgent: "other").crawlDelay == .milliseconds(2500))
        #expect(RobotsRules(parsing: "User-agent: *\nCrawl-delay: soon\n", userAgent: "x").crawlDelay == nil)
    }

    @Test func sitemapAndUnknownLinesDoNotEndAGroup() {
        let text = "User-agent: *\nSitemap: https://x/s.xml\nDisallow: /no\nfoo: bar\nDisallow: /nope\n"
        let rules = RobotsRules(parsing: text, userAgent: "scrape")
        #expect(!rules.allows("/no") && !rules.allows("/nope"))
    }

    @Test func fixedOutcomes() {
        #expect(RobotsRules.allowAll.allows("/anything"))
        let down = RobotsRules.disallowAll(because: .init(kind: .connect, message: "refused"))
        #expect(!down.allows("/anything"))
        #expect(down.allows("/robots.txt"))
    }

    @Test(arguments: [
        ("http://a.test", "/"), ("http://a.test/", "/"), ("http://a.test/x/y?q=1#frag", "/x/y?q=1"), ("http://a.test?q", "/?q"),
        ("https://u:p@a.test:8443/p", "/p"),
    ])
    func pathAndQueryAsRulesSeeThem(url: String, path: String) {
        #expect(RobotsCache.pathAndQuery(of: url) == path)
    }

    /// RFC 9309 §2.2.2: raw UTF-8 and its percent-encoding are the same path; unreserved
    /// characters may be encoded or not; `%2F` is not `/`.
    @Test(arguments: [
        ("/foo/bar/ツ", "/foo/bar/%E3%83%84", false),
        ("/foo/bar/%E3%83%84", "/foo/bar/ツ", false),
        ("/foo/bar/%e3%83%84", "/foo/bar/%E3%83%84", false),
        ("/%62ar", "/bar", false),
        ("/bar", "/%62ar", false),
        ("/a%2Fb", "/a/b", true),
        ("/a/b", "/a%2Fb", true),
    ])
    func pathsAreComparedPercentEncoded(rule: String, path: String, allowed: Bool) {
        let rules = RobotsRules(parsing: "User-agent: *\nDisallow: \(rule)\n", userAgent: "scrape")
        #expect(rules.allows(path) == allowed, "Disallow: \(rule) vs \(path)")
    }

    @Test func aByteOrderMarkDoesNotHideTheFirstLine() {
        let rules = RobotsRules(parsing: "\u{FEFF}User-agent: *\nDisallow: /private/\n", userAgent: "scrape")
        #expect(!rules.allows("/private/x"))
    }
}
